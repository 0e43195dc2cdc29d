// SPDX-License-Identifier: Apache-2.0
// The start page (#/): holder type, reason and proxy, with what to have ready.
import { api, ApiError, type Problem } from '../common/api';
import { h, notice, show, clear, uid } from '../common/dom';
import { t, type MessageKey } from '../common/i18n';
import { problemBox, radios } from '../common/ui';
import { go } from './nav';
import { journey, save, type HolderType } from './state';

/// A reason the server accepts and what it does (GET /api/v1/reasons), in the server's order.
export interface ReasonRule {
  code: string;
  old_certificates: 'kept' | 'superseded_on_confirm' | 'revoked_at_once';
  issues_certificate: boolean;
}

let rules: ReasonRule[] | undefined;

/// The reasons, asked of the server once per page load.
async function reasonRules(): Promise<ReasonRule[]> {
  if (!rules) rules = (await api<{ reasons: ReasonRule[] }>('/api/v1/reasons')).reasons;
  return rules;
}

function ruleOf(code: string | undefined): ReasonRule | undefined {
  return rules?.find((rule) => rule.code === code);
}

function preparationList(): HTMLElement {
  const items: MessageKey[] =
    journey.holder_type === 'corporate'
      ? ['prepare.corporate.number', 'prepare.corporate.registration', 'prepare.corporate.representative_id', 'prepare.corporate.seal', 'prepare.contact']
      : ['prepare.individual.resident_number', 'prepare.individual.phone', 'prepare.contact'];
  if (journey.proxy) items.push('prepare.proxy');
  const rule = ruleOf(journey.reason);
  if (rule && !rule.issues_certificate) items.push('prepare.revocation_note');
  else if (rule?.old_certificates === 'revoked_at_once') items.push('prepare.revoke_note');
  return h('ul', { class: 'checklist', id: 'prepare-list' }, items.map((item) => h('li', {}, t(item))));
}

export async function startPage(main: HTMLElement): Promise<void> {
  let reasons: ReasonRule[];
  try {
    reasons = await reasonRules();
  } catch (error) {
    const problem: Problem = error instanceof ApiError ? error.problem : { status: 0, code: 'NETWORK' };
    show(main, h('h1', {}, t('start.title')), problemBox(problem));
    return;
  }
  const errors = h('div', { id: 'start-errors' });
  const prepare = h('section', { class: 'card', 'aria-labelledby': 'prepare-h' }, h('h2', { id: 'prepare-h' }, t('start.prepare')), preparationList());
  const refreshPrepare = () => prepare.replaceChild(preparationList(), prepare.querySelector('#prepare-list')!);
  const proxyId = uid('proxy');
  const form = h(
    'form',
    { novalidate: true, class: 'stack' },
    radios(
      'holder_type',
      'start.holder',
      [
        { value: 'individual', label: 'holder.individual', description: 'holder.individual.text' },
        { value: 'corporate', label: 'holder.corporate', description: 'holder.corporate.text' },
      ],
      journey.holder_type,
      (value) => {
        journey.holder_type = value as HolderType;
        save();
        refreshPrepare();
      },
    ),
    radios(
      'reason',
      'start.reason',
      reasons.map((reason) => ({
        value: reason.code,
        label: `reason.${reason.code}` as MessageKey,
        description: `reason.${reason.code}.text` as MessageKey,
      })),
      journey.reason,
      (value) => {
        journey.reason = value;
        save();
        refreshPrepare();
      },
    ),
    h(
      'div',
      { class: 'choice checkbox' },
      h('input', {
        type: 'checkbox',
        id: proxyId,
        checked: journey.proxy,
        onchange: (event: Event) => {
          journey.proxy = (event.target as HTMLInputElement).checked;
          save();
          refreshPrepare();
        },
      }),
      h('label', { for: proxyId }, h('strong', {}, t('start.proxy')), h('span', { class: 'choice-text' }, t('start.proxy.text'))),
    ),
    errors,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'start-next' }, t('action.next'))),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clear(errors);
    if (!journey.reason) {
      errors.append(notice('error', t('start.reason.missing')));
      (form.querySelector('input[name=reason]') as HTMLInputElement | null)?.focus();
      return;
    }
    go('apply');
  });
  const resume = journey.application
    ? notice('info', t('start.resume'), ' ', h('a', { href: '#/status' }, t('start.resume.link')))
    : null;
  show(
    main,
    h('h1', {}, t('start.title')),
    h('p', { class: 'lead' }, t('start.lead')),
    resume,
    h('p', { id: 'start-continue' }, t('start.continue'), ' ', h('a', { href: '#/continue', id: 'start-continue-link' }, t('start.continue.link'))),
    form,
    prepare,
    h('p', {}, h('a', { href: '#/help' }, t('nav.help'))),
  );
}
