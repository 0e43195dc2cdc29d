// SPDX-License-Identifier: Apache-2.0
// The officer console: #/signin, #/queue (filters in the hash query), #/review/<id>.
// Signed in by a __Host- cookie; every POST and DELETE carries the session's CSRF token.
import { clear, h } from '../common/dom';
import { initLang, onLangChange, t } from '../common/i18n';
import { button, renderBar } from '../common/ui';
import { queuePage } from './queue';
import { reviewPage } from './review';
import { session, signOut } from './session';
import { signInPage } from './signin';

const main = document.getElementById('main') as HTMLElement;
const bar = document.getElementById('bar') as HTMLElement;
const foot = document.getElementById('foot') as HTMLElement;
main.classList.add('wide');

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
      return signInPage(main);
    case 'queue':
    case '':
      void queuePage(main, new URLSearchParams(query ?? ''));
      return;
    case 'review':
      void reviewPage(main, decodeURIComponent(arg ?? ''));
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
