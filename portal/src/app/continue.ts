// SPDX-License-Identifier: Apache-2.0
// Continuing an application (#/continue and #/continue/<application number>): on any device, or
// after the tab was closed. A fresh one-time code goes to the phone or e-mail on file (never to
// what is typed here); the right code opens the application on this device: its status, and
// the reference number and authorization code again while they are unused. The approval and
// rejection messages link here.
import { api, asProblem } from '../common/api';
import { clear, h, notice, show } from '../common/dom';
import { t } from '../common/i18n';
import { field, problemBox, radios } from '../common/ui';
import { otpField } from './code';
import { go } from './nav';
import { codes, journey, restart, save, type Channel, type HolderType } from './state';

interface Opened {
  status: string;
  status_token: string;
  reference_number?: string;
  authorization_code?: string;
  expires_at?: string;
  required_documents?: string[];
}

const applicationNumber = /^a[0-9a-f]{20}$/;

export function continuePage(main: HTMLElement, given?: string): void {
  let channel: Channel = 'sms';
  const numberField = field({
    name: 'application',
    label: 'continue.number',
    hint: 'continue.number.hint',
    autocomplete: 'off',
    maxlength: 32,
    value: given ?? '',
    check: (text) => (applicationNumber.test(text.trim().toLowerCase()) ? null : 'continue.number.invalid'),
    onValue: () => undefined,
  });
  const sendStatus = h('div', { id: 'continue-sent', 'aria-live': 'polite' });
  const send = h('button', { type: 'submit', class: 'btn btn-primary', id: 'continue-send' }, t('continue.send'));
  const codeField = otpField();
  const result = h('div', { id: 'continue-result' });
  const open = h('button', { type: 'submit', class: 'btn btn-primary', id: 'continue-open' }, t('continue.open'));
  const codeForm = h('form', { novalidate: true, class: 'stack', id: 'continue-code', hidden: true }, codeField.element, result, h('div', { class: 'actions' }, open));
  const numberForm = h(
    'form',
    { novalidate: true, class: 'stack' },
    numberField.element,
    radios(
      'continue_channel',
      'continue.channel',
      [
        { value: 'sms', label: 'channel.sms', description: 'channel.sms.text' },
        { value: 'email', label: 'channel.email', description: 'channel.email.text' },
      ],
      channel,
      (value) => (channel = value as Channel),
    ),
    sendStatus,
    h('div', { class: 'actions' }, send),
  );
  const id = () => numberField.input.value.trim().toLowerCase();

  numberForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(sendStatus);
    if (!numberField.validate(true)) {
      numberField.input.focus();
      return;
    }
    send.disabled = true;
    try {
      const sent = await api<{ channel: Channel }>(`/api/v1/applications/${encodeURIComponent(id())}/otp/resend`, { body: { channel } });
      sendStatus.append(notice('ok', t(sent.channel === 'sms' ? 'code.sent.sms' : 'code.sent.email')));
      codeForm.hidden = false;
      codeField.input.focus();
    } catch (error) {
      sendStatus.append(problemBox(asProblem(error)));
    } finally {
      send.disabled = false;
    }
  });

  codeForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(result);
    if (!codeField.validate(true)) {
      codeField.input.focus();
      return;
    }
    open.disabled = true;
    const application = id();
    try {
      const opened = await api<Opened>(`/api/v1/applications/${encodeURIComponent(application)}/otp/verify`, {
        body: { code: codeField.input.value.trim() },
      });
      // The holder type comes with the status; the journey on this device starts from here.
      const status = await api<{ holder_type: HolderType }>(`/api/v1/applications/${encodeURIComponent(application)}`, { token: opened.status_token });
      restart();
      journey.holder_type = status.holder_type;
      journey.channel = channel;
      journey.application = { id: application, token: opened.status_token, channel, holder_type: status.holder_type, code_expires_at: '' };
      journey.required_documents = opened.required_documents ?? [];
      save();
      if (opened.reference_number && opened.authorization_code) {
        codes.current = { reference_number: opened.reference_number, authorization_code: opened.authorization_code, expires_at: opened.expires_at ?? '' };
        go('result');
        return;
      }
      go('status');
    } catch (error) {
      result.append(problemBox(asProblem(error)));
      codeField.input.select();
    } finally {
      open.disabled = false;
    }
  });

  show(
    main,
    h('h1', {}, t('continue.title')),
    h('p', { class: 'lead' }, t('continue.lead')),
    notice('info', t('continue.where')),
    numberForm,
    codeForm,
    h('p', { class: 'small' }, t('continue.new'), ' ', h('a', { href: '#/', onclick: () => restart() }, t('status.start'))),
  );
  if (!given) numberField.input.focus();
}
