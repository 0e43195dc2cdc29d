// SPDX-License-Identifier: Apache-2.0
// Help: questions and answers for holders, the troubleshooting table, one page per error code
// of GET /api/v1/errors and the operator's contact (GET /portal/config.json), a tel: link when
// it is a phone number.
import { errorCatalog, portalConfig, type ErrorEntry } from '../common/api';
import { h, notice, show } from '../common/dom';
import { lang, t, type MessageKey } from '../common/i18n';

const troubles: Array<[MessageKey, MessageKey]> = [
  ['trouble.identity', 'trouble.identity.fix'],
  ['trouble.busy', 'trouble.busy.fix'],
  ['trouble.email', 'trouble.email.fix'],
  ['trouble.sms', 'trouble.sms.fix'],
  ['trouble.locked', 'trouble.locked.fix'],
  ['trouble.rejected', 'trouble.rejected.fix'],
];

/// The questions holders ask most, each answered where it is asked (details/summary).
const questions: Array<[MessageKey, MessageKey]> = [
  ['faq.when', 'faq.when.answer'],
  ['faq.forgot', 'faq.forgot.answer'],
  ['faq.where', 'faq.where.answer'],
  ['faq.browser_lost', 'faq.browser_lost.answer'],
  ['faq.move', 'faq.move.answer'],
  ['faq.old', 'faq.old.answer'],
  ['faq.renew', 'faq.renew.answer'],
  ['faq.not_me', 'faq.not_me.answer'],
];

/// A phone number as a tel: link (digits and a leading +), or the text as it is.
function contactLink(contact: string): Node {
  const digits = contact.replace(/[\s().-]/g, '');
  return /^\+?\d{3,15}$/.test(digits) ? h('a', { href: `tel:${digits}`, id: 'contact-phone' }, contact) : document.createTextNode(contact);
}

async function contactSection(): Promise<HTMLElement> {
  const config = await portalConfig();
  return h(
    'section',
    { class: 'card', id: 'contact', 'aria-labelledby': 'contact-h' },
    h('h2', { id: 'contact-h' }, t('help.contact')),
    h('p', {}, t('help.contact.text', { organisation: config.organisation })),
    h('p', { class: 'contact' }, config.contact ? contactLink(config.contact) : t('help.contact.none')),
    h('p', { class: 'small' }, t('help.contact.request_id')),
  );
}

export async function helpPage(main: HTMLElement): Promise<void> {
  let list: HTMLElement;
  try {
    const entries = await errorCatalog();
    list = h(
      'ul',
      { class: 'error-list', id: 'error-list' },
      entries.map((entry) =>
        h('li', {}, h('a', { href: `#/help/${encodeURIComponent(entry.code)}` }, entry.title[lang()]), ' ', h('code', {}, entry.code)),
      ),
    );
  } catch {
    list = notice('error', t('help.catalog_failed'));
  }
  show(
    main,
    h('h1', {}, t('help.title')),
    h(
      'section',
      { id: 'faq', 'aria-labelledby': 'faq-h' },
      h('h2', { id: 'faq-h' }, t('faq.title')),
      questions.map(([question, answer]) => h('details', { class: 'card faq' }, h('summary', {}, t(question)), h('p', {}, t(answer)))),
    ),
    h(
      'section',
      { 'aria-labelledby': 'trouble-h' },
      h('h2', { id: 'trouble-h' }, t('help.trouble')),
      h(
        'table',
        { class: 'trouble' },
        h('caption', { class: 'offscreen' }, t('help.trouble')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('help.problem')), h('th', { scope: 'col' }, t('help.fix')))),
        h('tbody', {}, troubles.map(([problem, fix]) => h('tr', {}, h('th', { scope: 'row' }, t(problem)), h('td', {}, t(fix))))),
      ),
    ),
    h('section', { 'aria-labelledby': 'codes-h' }, h('h2', { id: 'codes-h' }, t('help.codes')), list),
    await contactSection(),
  );
}

export async function errorPage(main: HTMLElement, code: string): Promise<void> {
  let entries: ErrorEntry[];
  try {
    entries = await errorCatalog();
  } catch {
    entries = [];
  }
  const entry = entries.find((e) => e.code === code);
  if (!entry) {
    show(main, h('h1', {}, t('help.unknown_code', { code })), h('p', {}, h('a', { href: '#/help' }, t('nav.help'))));
    return;
  }
  const other = lang() === 'ko' ? 'en' : 'ko';
  show(
    main,
    h('h1', {}, entry.title[lang()]),
    h('p', {}, h('code', { id: 'error-code' }, entry.code), ` · HTTP ${entry.status}`),
    h('h2', {}, t('help.next_step')),
    h('p', { id: 'next-step' }, entry.next_step[lang()]),
    h('p', { class: 'small', lang: other }, entry.title[other], ' — ', entry.next_step[other]),
    await contactSection(),
    h('p', {}, h('a', { href: '#/help' }, t('help.all_codes'))),
  );
}
