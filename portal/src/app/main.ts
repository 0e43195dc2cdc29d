// SPDX-License-Identifier: Apache-2.0
// The applicant's pages, one HTML shell with hash routes: #/ (start), #/apply, #/code,
// #/documents, #/status, #/result, #/continue[/<application>], #/certificates (also at
// /portal/certificates), #/help and #/help/<CODE>.
import { h, clear } from '../common/dom';
import { initLang, onLangChange, t } from '../common/i18n';
import { renderBar } from '../common/ui';
import { applyPage } from './apply';
import { codePage, stopTimers } from './code';
import { continuePage } from './continue';
import { documentsPage } from './documents';
import { errorPage, helpPage } from './help';
import { resultPage, statusPage, stopPolling } from './status';
import { startPage } from './start';
import { journey } from './state';

const main = document.getElementById('main') as HTMLElement;
const bar = document.getElementById('bar') as HTMLElement;
const foot = document.getElementById('foot') as HTMLElement;

function chrome(): void {
  const links = [h('a', { href: '#/certificates' }, t('nav.certificates')), h('a', { href: '#/help' }, t('nav.help'))];
  if (journey.application) links.unshift(h('a', { href: '#/status' }, t('nav.status')));
  renderBar(bar, 'app.title', '#/', links);
  clear(foot);
  foot.append(h('p', {}, t('footer.text')), h('p', {}, h('a', { href: '#/help' }, t('nav.help')), ' · ', h('a', { href: '#/help' }, t('help.contact'))));
}

function route(): void {
  stopTimers();
  stopPolling();
  chrome();
  const path = location.hash.replace(/^#\/?/, '');
  const [page, arg] = path.split('/');
  switch (page) {
    case '':
      void startPage(main);
      return;
    case 'apply':
      return applyPage(main);
    case 'code':
      return codePage(main);
    case 'documents':
      return documentsPage(main);
    case 'status':
      return statusPage(main);
    case 'continue':
      return continuePage(main, arg ? decodeURIComponent(arg) : undefined);
    case 'result':
      void resultPage(main);
      return;
    case 'certificates':
      // The manager and its certificate code load on first use (a chunk of their own).
      void import('./certificates').then(({ certificatesPage }) => certificatesPage(main));
      return;
    case 'help':
      void (arg ? errorPage(main, decodeURIComponent(arg)) : helpPage(main));
      return;
    default:
      location.hash = '#/';
  }
}

initLang();
// /portal/certificates is the manager's address: the shell routes it by hash.
if (/\/portal\/certificates\/?$/.test(location.pathname) && !location.hash) history.replaceState(null, '', '/portal/#/certificates');
// The skip link focuses the main region instead of changing the hash route.
document.querySelector('.skip')?.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
onLangChange(route);
window.addEventListener('hashchange', route);
route();
