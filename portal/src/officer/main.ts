// SPDX-License-Identifier: Apache-2.0
// The officer console: #/signin, #/queue (filters in the hash query), #/review/<id>.
// Signed in by a __Host- cookie; every POST and DELETE carries the session's CSRF token.
import { api, asProblem, type Problem } from '../common/api';
import { clear, h, notice, show } from '../common/dom';
import { initLang, onLangChange, t, tMaybe, type MessageKey } from '../common/i18n';
import { button, field, formatTime, problemBox, renderBar } from '../common/ui';

const main = document.getElementById('main') as HTMLElement;
const bar = document.getElementById('bar') as HTMLElement;
const foot = document.getElementById('foot') as HTMLElement;
main.classList.add('wide');

interface Session {
  officer: string;
  csrf_token: string;
  expires_at: string;
}

const sessionKey = 'dojang.officer';

function session(): Session | undefined {
  try {
    const stored = sessionStorage.getItem(sessionKey);
    const value = stored ? (JSON.parse(stored) as Session) : undefined;
    return value && Date.parse(value.expires_at) > Date.now() ? value : undefined;
  } catch {
    return undefined;
  }
}

function setSession(value: Session | undefined): void {
  if (value) sessionStorage.setItem(sessionKey, JSON.stringify(value));
  else sessionStorage.removeItem(sessionKey);
}

/// An API call with the CSRF header; a 401 ends the session and returns to the sign-in page.
async function officerApi<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
  const csrf = session()?.csrf_token;
  try {
    return await api<T>(path, { ...options, headers: csrf ? { 'X-CSRF-Token': csrf } : {} });
  } catch (error) {
    if (asProblem(error).status === 401) {
      setSession(undefined);
      location.hash = '#/signin';
    }
    throw error;
  }
}

function chrome(): void {
  const current = session();
  const extra: Node[] = [];
  if (current) {
    extra.push(
      h('a', { href: '#/queue' }, t('officer.queue')),
      h('span', { class: 'small', id: 'signed-in-as' }, t('officer.signed_in_as', { name: current.officer })),
      button(t('officer.sign_out'), () => void signOut(), 'secondary', { id: 'sign-out' }),
    );
  }
  renderBar(bar, 'officer.title', '#/queue', extra);
  clear(foot);
  foot.append(h('p', {}, t('officer.footer')));
}

async function signOut(): Promise<void> {
  try {
    await officerApi('/api/v1/officer/sessions', { method: 'DELETE' });
  } catch {
    // Signed out locally either way.
  }
  setSession(undefined);
  location.hash = '#/signin';
}

function signInPage(): void {
  const errors = h('div', { id: 'signin-errors' });
  let username = '';
  let password = '';
  const user = field({ name: 'username', label: 'officer.username', autocomplete: 'username', value: '', onValue: (v) => (username = v) });
  const pass = field({ name: 'password', label: 'officer.password', type: 'password', autocomplete: 'current-password', value: '', onValue: (v) => (password = v) });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'signin-submit' }, t('officer.sign_in'));
  const form = h('form', { novalidate: true, class: 'stack card' }, user.element, pass.element, errors, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    if (!user.validate(true) || !pass.validate(true)) return;
    submit.disabled = true;
    try {
      const created = await api<Session>('/api/v1/officer/sessions', { body: { username: username.trim(), password } });
      setSession(created);
      location.hash = '#/queue';
    } catch (error) {
      const problem = asProblem(error);
      errors.append(problem.status === 401 ? notice('error', t('officer.bad_credentials')) : problemBox(problem, '/portal/#/help/'));
      pass.input.value = '';
      password = '';
      pass.input.focus();
    } finally {
      submit.disabled = false;
    }
  });
  show(main, h('h1', {}, t('officer.sign_in.title')), h('p', { class: 'lead' }, t('officer.sign_in.lead')), form);
}

interface QueueItem {
  id: string;
  holder_type: string;
  name: string;
  reason: string;
  status: string;
  created_at: string;
  documents: unknown;
}

function selectField(name: string, label: MessageKey, options: Array<[string, string]>, value: string): HTMLElement {
  const id = `filter-${name}`;
  const select = h('select', { id, name }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  return h('div', { class: 'field' }, h('label', { for: id }, t(label)), select);
}

async function queuePage(query: URLSearchParams): Promise<void> {
  const status = query.get('status') ?? 'in_review';
  const holder = query.get('holder_type') ?? '';
  const filters = h(
    'form',
    { class: 'filters card', role: 'search', 'aria-label': t('officer.filters') },
    selectField('status', 'officer.filter.status', ['in_review', 'approved', 'rejected', 'all'].map((s) => [s, t(`officer.status.${s}` as MessageKey)]), status),
    selectField('holder_type', 'officer.filter.holder', [['', t('officer.holder.all')], ['individual', t('holder.individual')], ['corporate', t('holder.corporate')]], holder),
    h('button', { type: 'submit', class: 'btn btn-primary', id: 'filter-apply' }, t('officer.filter.apply')),
  );
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    next.set('status', (filters.querySelector('#filter-status') as HTMLSelectElement).value);
    const h2 = (filters.querySelector('#filter-holder_type') as HTMLSelectElement).value;
    if (h2) next.set('holder_type', h2);
    location.hash = `#/queue?${next.toString()}`;
  });
  const results = h('div', { id: 'queue', 'aria-live': 'polite' }, h('p', {}, t('status.loading')));
  show(main, h('h1', {}, t('officer.queue.title')), filters, results);
  const params = new URLSearchParams({ status });
  if (holder) params.set('holder_type', holder);
  try {
    const answer = await officerApi<{ items: QueueItem[] }>(`/api/v1/reviews?${params.toString()}`);
    if (!answer.items.length) {
      results.replaceChildren(notice('info', t('officer.queue.empty')));
      return;
    }
    results.replaceChildren(
      h(
        'table',
        { class: 'queue' },
        h('caption', { class: 'offscreen' }, t('officer.queue.title')),
        h(
          'thead',
          {},
          h('tr', {}, (['officer.col.name', 'officer.col.holder', 'officer.col.reason', 'officer.col.status', 'officer.col.created', 'officer.col.documents'] as MessageKey[]).map((k) => h('th', { scope: 'col' }, t(k)))),
        ),
        h(
          'tbody',
          {},
          answer.items.map((item) =>
            h(
              'tr',
              { 'data-id': item.id },
              h('th', { scope: 'row' }, h('a', { href: `#/review/${encodeURIComponent(item.id)}` }, item.name || item.id)),
              h('td', {}, t(item.holder_type === 'corporate' ? 'holder.corporate' : 'holder.individual')),
              h('td', {}, tMaybe(`reason.${item.reason}`) ?? item.reason),
              h('td', {}, tMaybe(`status.${item.status}`) ?? item.status),
              h('td', {}, formatTime(item.created_at)),
              h('td', {}, String(Array.isArray(item.documents) ? item.documents.length : item.documents ?? 0)),
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    results.replaceChildren(problemBox(asProblem(error), '/portal/#/help/'));
  }
}

type Json = Record<string, unknown>;

interface ReviewDocument {
  kind: string;
  url?: string;
  media_type: string;
  size: number;
  sha256?: string;
  uploaded_at?: string;
}

interface Review {
  application: Json;
  register: Json | null;
  documents: ReviewDocument[];
  events: Array<{ at: string; kind: string; detail?: string; actor?: string }>;
  approvals: Array<Json>;
  required_documents?: string[];
}

const hiddenKeys = new Set(['documents', 'events', 'required_documents', 'review', 'codes', 'certificate_serials', 'status_token', 'idempotency_key']);

/// The application's own fields with what the applicant typed (`applicant`) lifted beside them.
function flatten(data: Json | null): Json | null {
  if (!data) return null;
  const out: Json = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === 'applicant' && value && typeof value === 'object' && !Array.isArray(value)) {
      Object.assign(out, value as Json);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function display(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.map(display).join(', ') || '—';
  if (typeof value === 'object') return Object.values(value as Json).map(display).join(' · ');
  return String(value);
}

/// A value as people read it: enumerations in words, times in the local format.
function displayField(key: string, value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  if (text && key === 'holder_type') return t(text === 'corporate' ? 'holder.corporate' : 'holder.individual');
  if (text && key === 'reason') return tMaybe(`reason.${text}`) ?? text;
  if (text && key === 'status') return tMaybe(`status.${text}`) ?? text;
  if (text && key === 'channel') return tMaybe(`channel.${text}`) ?? text;
  if (text && key.endsWith('_at')) return formatTime(text);
  return display(value);
}

const comparable = (value: unknown) => (typeof value === 'string' ? value.replace(/[\s-]/g, '') : '');

/// Facts as a description list; keys that also exist in `other` and differ are marked in text.
function facts(data: Json | null, other: Json | null, id: string): HTMLElement {
  if (!data || Object.values(data).every((v) => v === '' || v === null)) return notice('info', t('officer.register.none'));
  return h(
    'dl',
    { class: 'facts', id },
    Object.entries(data)
      .filter(([key]) => !hiddenKeys.has(key))
      .map(([key, value]) => {
        const mine = comparable(value);
        const theirs = other && key !== 'holder_type' && key !== 'status' ? comparable(other[key]) : '';
        const differs = mine !== '' && theirs !== '' && mine !== theirs;
        return [
          h('dt', {}, tMaybe(`officer.field.${key}`) ?? key),
          h('dd', {}, displayField(key, value), differs ? h('span', { class: 'mismatch' }, ` ≠ ${t('officer.mismatch')}`) : null),
        ];
      })
      .flat(),
  );
}

function documentView(id: string, document: ReviewDocument): HTMLElement {
  const url = document.url ?? `/api/v1/reviews/${encodeURIComponent(id)}/documents/${encodeURIComponent(document.kind)}`;
  const label = tMaybe(`doc.${document.kind}`) ?? document.kind;
  const viewer =
    document.media_type === 'application/pdf'
      ? h('iframe', { src: url, title: label, class: 'document-view', 'data-kind': document.kind })
      : h('img', { src: url, alt: label, class: 'document-image', 'data-kind': document.kind });
  return h(
    'section',
    { class: 'card document', 'aria-label': label },
    h('h3', {}, label),
    h(
      'p',
      { class: 'small' },
      `${document.media_type} · ${(document.size / 1024).toFixed(1)} KB`,
      document.uploaded_at ? ` · ${formatTime(document.uploaded_at)}` : '',
      document.sha256 ? ` · SHA-256 ${document.sha256.slice(0, 16)}…` : '',
      ' · ',
      h('a', { href: url, target: '_blank', rel: 'noopener' }, t('officer.document.open')),
    ),
    viewer,
  );
}

const rejectReasons = ['info_mismatch', 'certificate_status', 'unreadable_document', 'missing_document', 'other'];

function decisionPanel(id: string, status: string, after: () => void): HTMLElement {
  const result = h('div', { id: 'decision-result', 'aria-live': 'polite' });
  if (status !== 'in_review') {
    return h('section', { class: 'card', 'aria-labelledby': 'decision-h' }, h('h2', { id: 'decision-h' }, t('officer.decision')), notice('info', t('officer.decided', { status: tMaybe(`status.${status}`) ?? status })));
  }
  const decide = async (path: string, body?: unknown) => {
    clear(result);
    try {
      const answer = await officerApi<{ status: string }>(`/api/v1/reviews/${encodeURIComponent(id)}/${path}`, { method: 'POST', body: body ?? {} });
      result.append(notice('ok', tMaybe(`officer.result.${answer.status}`) ?? answer.status));
      setTimeout(after, 800);
    } catch (error) {
      result.append(problemBox(asProblem(error) as Problem, '/portal/#/help/'));
    }
  };
  const approve = button(t('officer.approve'), () => void decide('approve'), 'primary', { id: 'approve' });
  const reasonSelect = h('select', { id: 'reject-reason', name: 'reason', required: true }, h('option', { value: '' }, t('officer.reject.choose')), rejectReasons.map((r) => h('option', { value: r }, t(`review.reason.${r}` as MessageKey))));
  const text = h('textarea', { id: 'reject-text', name: 'text', rows: 3, maxlength: 1000, 'aria-describedby': 'reject-text-hint' });
  const rejectErrors = h('div', {});
  const reject = h(
    'form',
    { novalidate: true, class: 'stack', id: 'reject-form' },
    h('div', { class: 'field' }, h('label', { for: 'reject-reason' }, t('officer.reject.reason')), reasonSelect),
    h('div', { class: 'field' }, h('label', { for: 'reject-text' }, t('officer.reject.text')), h('p', { class: 'hint', id: 'reject-text-hint' }, t('officer.reject.text.hint')), text),
    rejectErrors,
    h('button', { type: 'submit', class: 'btn btn-danger', id: 'reject' }, t('officer.reject')),
  );
  reject.addEventListener('submit', (event) => {
    event.preventDefault();
    clear(rejectErrors);
    if (!reasonSelect.value) {
      rejectErrors.append(notice('error', t('officer.reject.need_reason')));
      reasonSelect.focus();
      return;
    }
    if (reasonSelect.value === 'other' && !text.value.trim()) {
      rejectErrors.append(notice('error', t('officer.reject.need_text')));
      text.focus();
      return;
    }
    void decide('reject', { reason: reasonSelect.value, text: text.value.trim() });
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'decision-h' },
    h('h2', { id: 'decision-h' }, t('officer.decision')),
    h('p', { class: 'small' }, t('officer.decision.lead')),
    h('div', { class: 'actions' }, approve),
    h('h3', {}, t('officer.reject.title')),
    reject,
    result,
  );
}

function missingDocuments(review: Review): HTMLElement | null {
  const missing = (review.required_documents ?? []).filter((kind) => !review.documents.some((d) => d.kind === kind));
  return missing.length
    ? notice('error', t('officer.documents.missing'), h('ul', {}, missing.map((kind) => h('li', {}, tMaybe(`doc.${kind}`) ?? kind))))
    : null;
}

async function reviewPage(id: string): Promise<void> {
  show(main, h('h1', {}, t('officer.review.title')), h('p', {}, t('status.loading')));
  let review: Review;
  try {
    review = await officerApi<Review>(`/api/v1/reviews/${encodeURIComponent(id)}`);
  } catch (error) {
    show(main, h('h1', {}, t('officer.review.title')), problemBox(asProblem(error), '/portal/#/help/'), h('p', {}, h('a', { href: '#/queue' }, t('officer.back'))));
    return;
  }
  const application = flatten(review.application)!;
  const register = review.register;
  const status = String(application.status ?? '');
  show(
    main,
    h('h1', {}, t('officer.review.title'), ': ', display(register?.name || application.name || id)),
    h('p', {}, h('a', { href: '#/queue' }, `← ${t('officer.back')}`)),
    h('p', { id: 'review-status' }, t('status.now'), ' ', h('strong', { 'data-status': status }, tMaybe(`status.${status}`) ?? status), ' · ', tMaybe(`reason.${String(application.reason)}`) ?? display(application.reason)),
    h(
      'div',
      { class: 'review-grid' },
      h(
        'div',
        {},
        h('h2', {}, t('officer.documents')),
        missingDocuments(review),
        review.documents.length ? review.documents.map((d) => documentView(id, d)) : notice('info', t('officer.documents.none')),
      ),
      h(
        'div',
        {},
        h('section', { class: 'card', 'aria-labelledby': 'app-h' }, h('h2', { id: 'app-h' }, t('officer.application')), facts(application, register, 'application-facts')),
        h('section', { class: 'card', 'aria-labelledby': 'reg-h' }, h('h2', { id: 'reg-h' }, t('officer.register')), facts(register, application, 'register-facts')),
        review.approvals.length
          ? h('section', { class: 'card' }, h('h2', {}, t('officer.approvals')), h('ul', {}, review.approvals.map((a) =>
                h('li', {}, `${display(a.officer)} · ${tMaybe(`officer.decision.${String(a.decision)}`) ?? display(a.decision)}`, a.reason ? ` · ${tMaybe(`review.reason.${String(a.reason)}`) ?? display(a.reason)}` : '', a.at ? ` · ${formatTime(String(a.at))}` : ''),
              )))
          : null,
        decisionPanel(id, status, () => void reviewPage(id)),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'events-h' },
          h('h2', { id: 'events-h' }, t('status.events')),
          h('ol', { class: 'events', id: 'review-events' }, review.events.map((e) => h('li', {}, h('time', { datetime: e.at }, formatTime(e.at)), ' ', tMaybe(`event.${e.kind}`) ?? e.kind, e.actor ? ` · ${e.actor}` : '', e.detail ? ` — ${e.detail}` : ''))),
        ),
      ),
    ),
  );
}

function route(): void {
  chrome();
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  const [page, arg] = path.split('/');
  if (!session() && page !== 'signin') {
    location.hash = '#/signin';
    return;
  }
  switch (page) {
    case 'signin':
      return signInPage();
    case 'queue':
    case '':
      void queuePage(new URLSearchParams(query ?? ''));
      return;
    case 'review':
      void reviewPage(decodeURIComponent(arg ?? ''));
      return;
    default:
      location.hash = '#/queue';
  }
}

initLang();
document.querySelector('.skip')?.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
onLangChange(route);
window.addEventListener('hashchange', route);
route();
