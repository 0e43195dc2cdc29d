// SPDX-License-Identifier: Apache-2.0
// The start page (#/): holder type, reason and proxy, with what to have ready.
import { h, notice, show, clear, uid } from '../common/dom';
import { t, type MessageKey } from '../common/i18n';
import { radios } from '../common/ui';
import { go } from './nav';
import { journey, save, type HolderType } from './state';

export const reasons = [
  'expired',
  'forgot_password',
  'lost_device',
  'key_compromise',
  'info_changed',
  'algorithm_upgrade',
  'new_device',
  'revocation',
] as const;

function preparationList(): HTMLElement {
  const items: MessageKey[] =
    journey.holder_type === 'corporate'
      ? ['prepare.corporate.number', 'prepare.corporate.registration', 'prepare.corporate.representative_id', 'prepare.corporate.seal', 'prepare.contact']
      : ['prepare.individual.resident_number', 'prepare.individual.phone', 'prepare.contact'];
  if (journey.proxy) items.push('prepare.proxy');
  if (journey.reason === 'lost_device' || journey.reason === 'key_compromise') items.push('prepare.revoke_note');
  if (journey.reason === 'revocation') items.push('prepare.revocation_note');
  return h('ul', { class: 'checklist', id: 'prepare-list' }, items.map((item) => h('li', {}, t(item))));
}

export function startPage(main: HTMLElement): void {
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
        value: reason,
        label: `reason.${reason}` as MessageKey,
        description: `reason.${reason}.text` as MessageKey,
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
    form,
    prepare,
    h('p', {}, h('a', { href: '#/help' }, t('nav.help'))),
  );
}
