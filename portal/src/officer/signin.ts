// SPDX-License-Identifier: Apache-2.0
// The sign-in page (#/signin): user name and password open a session.
import { api, asProblem } from '../common/api';
import { clear, h, notice, show } from '../common/dom';
import { t } from '../common/i18n';
import { field, problemBox } from '../common/ui';
import { setSession, type Session } from './session';

export function signInPage(main: HTMLElement): void {
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
