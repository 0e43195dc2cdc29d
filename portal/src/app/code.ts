// SPDX-License-Identifier: Apache-2.0
// The one-time code (#/code): entering it, and asking for a new one (again or by the other channel).
import { api, asProblem, type Problem } from '../common/api';
import { h, notice, show, clear } from '../common/dom';
import { lang, t, type MessageKey } from '../common/i18n';
import { field, problemBox, type Field } from '../common/ui';
import { checkOtp } from '../common/validate';
import { go } from './nav';
import { codes, journey, save, type Channel } from './state';

let countdownTimer: number | undefined;

export function stopTimers(): void {
  if (countdownTimer !== undefined) clearInterval(countdownTimer);
  countdownTimer = undefined;
}

function attemptsLeft(problem: Problem): string | undefined {
  return problem.violations?.find((v) => v.code === 'ATTEMPTS_LEFT')?.detail.match(/\d+/)?.[0];
}

/// The six-digit one-time code field (this page and the continuation's).
export function otpField(): Field {
  return field({
    name: 'otp',
    label: 'code.label',
    hint: 'code.hint',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    maxlength: 6,
    value: '',
    check: checkOtp,
    onValue: () => undefined,
  });
}

export function codePage(main: HTMLElement): void {
  const application = journey.application;
  if (!application) {
    go('');
    return;
  }
  const result = h('div', { id: 'code-result' });
  const codeField = otpField();
  const verify = h('button', { type: 'submit', class: 'btn btn-primary', id: 'code-verify' }, t('code.verify'));
  const form = h('form', { novalidate: true, class: 'stack' }, codeField.element, result, h('div', { class: 'actions' }, verify));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(result);
    if (!codeField.validate(true)) {
      codeField.input.focus();
      return;
    }
    verify.disabled = true;
    try {
      const answer = await api<{
        status: string;
        reference_number?: string;
        authorization_code?: string;
        expires_at?: string;
        required_documents?: string[];
      }>(`/api/v1/applications/${encodeURIComponent(application.id)}/otp/verify`, {
        body: { code: codeField.input.value.trim() },
      });
      if (answer.reference_number && answer.authorization_code) {
        codes.current = {
          reference_number: answer.reference_number,
          authorization_code: answer.authorization_code,
          expires_at: answer.expires_at ?? '',
        };
        go('result');
      } else {
        journey.required_documents = answer.required_documents ?? [];
        save();
        go(journey.required_documents.length ? 'documents' : 'status');
      }
    } catch (error) {
      const problem = asProblem(error);
      result.append(problemBox(problem));
      const left = attemptsLeft(problem);
      if (problem.code === 'OTP_INVALID' && left !== undefined) {
        result.append(notice('info', h('span', { id: 'attempts-left' }, t('code.attempts_left', { count: left }))));
      }
      codeField.input.select();
      codeField.input.focus();
    } finally {
      verify.disabled = false;
    }
  });

  // Resend: a countdown until the server allows it (a minute after each code, or Retry-After).
  const resendStatus = h('div', { id: 'resend-status' });
  const countdown = h('p', { id: 'resend-countdown', class: 'small' });
  const resend = h('button', { type: 'button', class: 'btn btn-secondary', id: 'code-resend' }, t('code.resend'));
  const other: Channel = application.channel === 'sms' ? 'email' : 'sms';
  const switchChannel = h(
    'button',
    { type: 'button', class: 'btn btn-secondary', id: 'code-switch' },
    t(other === 'email' ? 'code.switch.email' : 'code.switch.sms'),
  );
  const tick = () => {
    const seconds = Math.max(0, Math.ceil(((journey.resend_at ?? 0) - Date.now()) / 1000));
    resend.disabled = seconds > 0;
    switchChannel.disabled = seconds > 0;
    countdown.textContent = seconds > 0 ? t('code.wait', { seconds }) : t('code.can_resend');
  };
  stopTimers();
  countdownTimer = window.setInterval(tick, 1000);
  tick();
  const ask = async (channel: Channel) => {
    clear(resendStatus);
    resend.disabled = true;
    switchChannel.disabled = true;
    try {
      const sent = await api<{ channel: Channel; code_expires_at: string }>(
        `/api/v1/applications/${encodeURIComponent(application.id)}/otp/resend`,
        { body: { channel } },
      );
      application.channel = sent.channel;
      application.code_expires_at = sent.code_expires_at;
      journey.resend_at = Date.now() + 60_000;
      save();
      codePage(main);
      document.getElementById('resend-status')?.append(notice('ok', t(sent.channel === 'sms' ? 'code.sent.sms' : 'code.sent.email')));
      return;
    } catch (error) {
      const problem = asProblem(error);
      if (problem.retryAfter) {
        journey.resend_at = Date.now() + problem.retryAfter * 1000;
        save();
      }
      resendStatus.append(problemBox(problem));
    }
    tick();
  };
  resend.addEventListener('click', () => void ask(application.channel));
  switchChannel.addEventListener('click', () => void ask(other));

  const message = application.message ? application.message[lang()] : undefined;
  show(
    main,
    h('h1', {}, t('code.title')),
    h('p', { class: 'lead' }, t(application.channel === 'sms' ? 'code.lead.sms' : 'code.lead.email')),
    message ? h('p', { class: 'small' }, message) : null,
    form,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'resend-h' },
      h('h2', { id: 'resend-h' }, t('code.resend.title')),
      countdown,
      h('div', { class: 'actions' }, resend, switchChannel),
      resendStatus,
    ),
    h(
      'details',
      { class: 'card', id: 'not-received' },
      h('summary', {}, t('code.help.title')),
      h('ul', {}, (['code.help.phone', 'code.help.spam', 'code.help.wait', 'code.help.switch', 'code.help.lock'] as MessageKey[]).map((k) => h('li', {}, t(k)))),
      h('p', {}, h('a', { href: '#/help' }, t('nav.help'))),
    ),
  );
}
