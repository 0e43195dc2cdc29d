// SPDX-License-Identifier: Apache-2.0
// The status page (a timeline that polls) and the result page (the codes, shown once).
import { api, asProblem, portalConfig } from '../common/api';
import { copyText, h, notice, show } from '../common/dom';
import { t, tMaybe, type MessageKey } from '../common/i18n';
import { button, formatTime, problemBox } from '../common/ui';
import { go } from './nav';
import { codes, finish, journey, restart, save } from './state';

interface StatusAnswer {
  application_id: string;
  status: string;
  reason: string;
  events: Array<{ at: string; kind: string; detail: string }>;
  messages: Array<{ channel: string; status: string; attempts: number; created_at: string; sent_at: string | null }>;
  documents?: Array<{ kind: string; media_type: string; size: number; uploaded_at?: string }>;
  required_documents?: string[];
  review?: { decision: string; reason: string; text?: string };
  codes?: { reference_number: string; authorization_code: string; expires_at: string };
}

/// Rejected for a document: the applicant can add or replace it and ask for review again.
function fixable(answer: StatusAnswer): boolean {
  return answer.status === 'rejected' && ['missing_document', 'unreadable_document'].includes(answer.review?.reason ?? '');
}

const pollEveryMs = 4000;
let pollTimer: number | undefined;

export function stopPolling(): void {
  if (pollTimer !== undefined) clearTimeout(pollTimer);
  pollTimer = undefined;
}

const order = ['submitted', 'verified', 'in_review', 'approved', 'issued', 'confirmed'];

function timeline(answer: StatusAnswer, reviewed: boolean): HTMLElement {
  // A cancelled application (a newer one of the same holder replaced it) ends like a rejection.
  const cancelled = answer.status === 'cancelled';
  const rejected = answer.status === 'rejected' || cancelled;
  // A revocation application (폐지 신청) ends with the revocation: nothing is issued.
  const steps =
    answer.status === 'revoked'
      ? ['submitted', 'verified', ...(reviewed ? ['in_review'] : []), 'revoked']
      : order.filter((step) => step !== 'in_review' || reviewed);
  // The last step finished: "in_review" means the review itself is still going on.
  const reached = rejected
    ? steps.indexOf('approved')
    : steps.indexOf(answer.status) - (answer.status === 'in_review' ? 1 : 0);
  const final = answer.status === 'confirmed' || answer.status === 'revoked' || rejected;
  return h(
    'ol',
    { class: 'timeline', id: 'timeline' },
    steps.map((step, index) => {
      // A status names the last step reached; the step after it is the one in progress.
      let state: 'done' | 'current' | 'todo' | 'rejected' =
        index <= reached ? 'done' : index === reached + 1 && !final ? 'current' : 'todo';
      let label = step;
      if (rejected && step === 'approved') {
        state = 'rejected';
        label = cancelled ? 'cancelled' : 'rejected';
      }
      const marker = { done: '✓', current: '●', todo: '○', rejected: '✕' }[state];
      return h(
        'li',
        { class: `step step-${state}`, 'data-step': label, 'aria-current': state === 'current' ? 'step' : undefined },
        h('span', { class: 'marker', 'aria-hidden': 'true' }, marker),
        h('span', { class: 'step-name' }, t(`status.${label}` as MessageKey)),
        h('span', { class: 'step-state' }, ` — ${t(`step.${state}` as MessageKey)}`),
      );
    }),
  );
}

export function statusPage(main: HTMLElement): void {
  const application = journey.application;
  if (!application) {
    show(
      main,
      h('h1', {}, t('status.title')),
      notice('info', t('status.none')),
      h('p', {}, t('status.continue'), ' ', h('a', { href: '#/continue' }, t('continue.title'))),
      h('p', {}, h('a', { href: '#/' }, t('status.start'))),
    );
    return;
  }
  const body = h('div', { id: 'status-body', 'aria-live': 'polite' }, h('p', {}, t('status.loading')));
  show(
    main,
    h('h1', {}, t('status.title')),
    h('p', { class: 'small' }, t('status.number', { id: application.id })),
    body,
  );
  stopPolling();
  const poll = async () => {
    pollTimer = undefined;
    let answer: StatusAnswer;
    try {
      answer = await api<StatusAnswer>(`/api/v1/applications/${encodeURIComponent(application.id)}`, { token: application.token });
    } catch (error) {
      body.replaceChildren(problemBox(asProblem(error)));
      pollTimer = window.setTimeout(poll, pollEveryMs * 2);
      return;
    }
    if (!document.body.contains(body)) return;
    if (answer.codes) {
      codes.current = answer.codes;
      go('result');
      return;
    }
    const reviewed =
      application.holder_type === 'corporate' || (journey.required_documents ?? []).length > 0 || answer.status === 'in_review' || answer.events.some((e) => e.kind === 'in_review');
    const parts: Node[] = [
      h('p', { class: 'status-now', id: 'status-now' }, t('status.now'), ' ', h('strong', { 'data-status': answer.status }, t(`status.${answer.status}` as MessageKey))),
      timeline(answer, reviewed),
    ];
    const explain = tMaybe(`status.${answer.status}.text`);
    if (explain) parts.push(h('p', {}, explain));
    if (answer.status === 'submitted') parts.push(h('p', {}, h('a', { href: '#/code' }, t('status.enter_code'))));
    if (answer.review && answer.status === 'rejected') {
      const review = answer.review;
      parts.push(
        notice(
          'error',
          h('strong', {}, t('review.rejected')),
          h('p', { id: 'reject-reason' }, tMaybe(`review.reason.${review.reason}`) ?? review.reason),
          review.text ? h('p', {}, h('q', {}, review.text)) : null,
          h('p', {}, tMaybe(`review.next.${review.reason}`) ?? t('review.next.other')),
        ),
      );
      if (fixable(answer)) {
        parts.push(
          h('p', {}, t('status.fix_documents.text')),
          h(
            'p',
            {},
            h(
              'a',
              {
                href: '#/documents',
                class: 'btn btn-primary',
                id: 'status-fix',
                onclick: () => {
                  journey.required_documents = answer.required_documents ?? [];
                  // An unreadable document is uploaded again; a missing one is added.
                  journey.uploaded = review.reason === 'unreadable_document' ? [] : (answer.documents ?? []).map((d) => d.kind);
                  journey.resubmit = true;
                  save();
                },
              },
              t('status.fix_documents'),
            ),
          ),
        );
      }
      parts.push(h('p', {}, h('a', { href: '#/', onclick: () => restart() }, t('status.apply_again'))));
    }
    if (answer.status === 'approved' && !codes.current) parts.push(notice('info', t('status.approved.shown_once')));
    if (codes.current && answer.status === 'approved') parts.push(h('p', {}, h('a', { href: '#/result' }, t('status.to_result'))));
    if ((answer.required_documents ?? []).length || (answer.documents ?? []).length) {
      parts.push(
        h('h2', {}, t('status.documents')),
        h(
          'ul',
          {},
          (answer.required_documents ?? answer.documents!.map((d) => d.kind)).map((kind) => {
            const have = (answer.documents ?? []).some((d) => d.kind === kind);
            return h('li', {}, `${have ? '✓' : '○'} ${t(`doc.${kind}` as MessageKey)} — ${t(have ? 'documents.uploaded' : 'documents.not_uploaded')}`);
          }),
        ),
      );
      if (answer.status === 'in_review') parts.push(h('p', {}, h('a', { href: '#/documents' }, t('status.change_documents'))));
    }
    if (answer.messages.length) {
      parts.push(
        h('h2', {}, t('status.messages')),
        h(
          'ul',
          { id: 'messages' },
          answer.messages.map((m) =>
            h('li', {}, `${t(m.channel === 'sms' ? 'channel.sms' : 'channel.email')} · ${tMaybe(`delivery.${m.status}`) ?? m.status} · ${formatTime(m.sent_at ?? m.created_at)}`),
          ),
        ),
      );
    }
    parts.push(
      h('h2', {}, t('status.events')),
      h(
        'ol',
        { class: 'events' },
        answer.events.map((e) => h('li', {}, h('time', { datetime: e.at }, formatTime(e.at)), ' ', tMaybe(`event.${e.kind}`) ?? e.kind)),
      ),
    );
    body.replaceChildren(...parts);
    if (fixable(answer)) {
      // Rejected for a document: nothing changes until the applicant acts, so no polling, and
      // the journey stays for the documents page.
    } else if (!['confirmed', 'rejected', 'cancelled', 'revoked'].includes(answer.status)) {
      pollTimer = window.setTimeout(poll, pollEveryMs);
    } else {
      // Finished: nothing of it needs to survive this page (no status token left in storage).
      finish();
    }
  };
  void poll();
}

function copyRow(label: string, value: string, id: string): HTMLElement {
  const copy = button(t('action.copy'), () => void copyText(value, copy, t('action.copied')), 'secondary', { 'aria-label': t('action.copy_what', { what: label }) });
  return h('div', { class: 'code-row' }, h('dt', {}, label), h('dd', {}, h('code', { id, class: 'big-code' }, value), ' ', copy));
}

export async function resultPage(main: HTMLElement): Promise<void> {
  const current = codes.current;
  if (!current) {
    show(
      main,
      h('h1', {}, t('result.title')),
      notice('info', t('result.gone')),
      h('p', {}, h('a', { href: '#/status' }, t('status.title'))),
    );
    return;
  }
  const [config, { issueSection, issueState, onIssueChange }] = await Promise.all([portalConfig(), import('./issue')]);
  // The client talks to the server that served this page.
  const server = location.origin;
  const command = `dojang issue --server ${server} --ref ${current.reference_number}`;
  const copyCommand = button(t('action.copy'), () => void copyText(command, copyCommand, t('action.copied')), 'secondary', { 'aria-label': t('action.copy_what', { what: t('result.command') }) });
  const openssl = [
    'openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out new.key',
    `openssl cmp -cmd ir -server ${server}/cmp -ref ${current.reference_number} -secret env:DOJANG_AUTH_CODE \\`,
    '    -newkey new.key -subject "/CN=x" -certout new.pem',
  ].join('\n');
  // The checklist ticks itself for what this page saw happen (an issuance here: saved, the
  // password set, a second copy); the rest is for the holder to tick.
  const checklist = (['checklist.install', 'checklist.password', 'checklist.backup', 'checklist.services', 'checklist.old_devices'] as MessageKey[]).map((key, index) => {
    const id = `check-${index}`;
    return h('li', {}, h('input', { type: 'checkbox', id, 'data-check': key.replace('checklist.', '') }), ' ', h('label', { for: id }, t(key)));
  });
  const reflect = () => {
    const state = issueState();
    if (!state?.confirmed) return;
    // The codes are used: they leave the screen (nobody copies or reads over a shoulder what
    // no longer works).
    const shown = main.querySelector('#codes');
    if (shown) shown.replaceWith(notice('info', h('span', { id: 'codes-used' }, t('result.codes_used'))));
    const tick = (name: string, on: boolean) => {
      const box = main.querySelector<HTMLInputElement>(`input[data-check=${name}]`);
      if (box && on) box.checked = true;
    };
    tick('install', true);
    tick('password', state.password);
    tick('backup', state.copies >= 2);
  };
  onIssueChange(reflect);
  show(
    main,
    h('h1', {}, t('result.title')),
    notice('ok', t('result.approved')),
    notice('info', h('strong', {}, t('result.once'))),
    h('dl', { class: 'codes', id: 'codes' }, copyRow(t('result.reference'), current.reference_number, 'reference-number'), copyRow(t('result.authorization'), current.authorization_code, 'authorization-code')),
    current.expires_at ? h('p', {}, t('result.expires', { at: formatTime(current.expires_at) })) : null,
    journey.application
      ? h(
          'p',
          { class: 'small', id: 'result-application', 'data-application': journey.application.id },
          t('result.application', { id: journey.application.id }),
          ' ',
          h('a', { href: `#/continue/${journey.application.id}` }, t('continue.title')),
        )
      : null,
    issueSection(current),
    h(
      'details',
      { class: 'card', id: 'client' },
      h('summary', { id: 'client-h' }, t('result.or_client')),
      h('ol', {}, h('li', {}, t('result.client.install')), h('li', {}, t('result.client.run')), h('li', {}, t('result.client.prompt'))),
      h('div', { class: 'command' }, h('pre', {}, h('code', { id: 'issue-command' }, command)), copyCommand),
      h('p', { class: 'small' }, t('result.client.key')),
    ),
    h(
      'details',
      { class: 'card' },
      h('summary', {}, t('result.other')),
      h('p', {}, t('result.other.text', { server: `${server}/cmp` })),
      h('pre', {}, h('code', {}, openssl)),
      h('p', { class: 'small' }, t('result.other.secret')),
    ),
    h('section', { class: 'card', 'aria-labelledby': 'after-h' }, h('h2', { id: 'after-h' }, t('checklist.title')), h('ul', { class: 'checklist plain' }, checklist), h('p', { class: 'small' }, t('checklist.notice', { contact: config.contact || config.organisation }))),
    h('p', {}, h('a', { href: '#/status' }, t('status.title'))),
  );
  reflect();
  save();
}
