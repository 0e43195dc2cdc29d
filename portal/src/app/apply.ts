// SPDX-License-Identifier: Apache-2.0
// Start, identity form, one-time code and documents.
import { api, asProblem, upload, type Problem } from '../common/api';
import { h, notice, show, clear, uid } from '../common/dom';
import { lang, t, tMaybe, type MessageKey } from '../common/i18n';
import { button, field, problemBox, radios, type Field } from '../common/ui';
import {
  checkBusinessNumber,
  checkEmail,
  checkName,
  checkOtp,
  checkPhone,
  checkResidentNumber,
} from '../common/validate';
import { residentMask } from '../common/mask';
import { codes, journey, resident, restart, restored, save, typed, type Channel, type HolderType } from './state';

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

export function go(route: string): void {
  location.hash = `#/${route}`;
}

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

interface FieldDef {
  name: string;
  label: MessageKey;
  hint?: MessageKey;
  type?: string;
  inputmode?: string;
  autocomplete?: string;
  check?: (value: string) => MessageKey | null;
  required?: boolean;
  maxlength?: number;
  /// Masked as typed and kept only in memory (the resident number).
  masked?: boolean;
}

function identityFields(): FieldDef[] {
  const contact: FieldDef[] = [
    { name: 'phone', label: 'field.phone', hint: 'field.phone.hint', type: 'tel', inputmode: 'tel', autocomplete: 'tel-national', check: checkPhone, maxlength: 16 },
    { name: 'email', label: 'field.email', hint: 'field.email.hint', type: 'email', inputmode: 'email', autocomplete: 'email', check: checkEmail, maxlength: 254 },
  ];
  const proxy: FieldDef[] = journey.proxy
    ? [
        { name: 'proxy_name', label: 'field.proxy_name', autocomplete: 'off', check: checkName, maxlength: 100 },
        { name: 'proxy_phone', label: 'field.proxy_phone', hint: 'field.phone.hint', type: 'tel', inputmode: 'tel', check: checkPhone, maxlength: 16 },
      ]
    : [];
  if (journey.holder_type === 'corporate') {
    return [
      { name: 'name', label: 'field.company_name', autocomplete: 'organization', check: checkName, maxlength: 200 },
      { name: 'business_number', label: 'field.business_number', hint: 'field.business_number.hint', inputmode: 'numeric', check: checkBusinessNumber, maxlength: 12 },
      { name: 'representative_name', label: 'field.representative_name', check: checkName, maxlength: 100 },
      ...contact,
      ...proxy,
    ];
  }
  return [
    { name: 'name', label: 'field.name', hint: 'field.name.hint', autocomplete: 'name', check: checkName, maxlength: 100 },
    // type=text, not password: the front seven digits stay readable; the mask hides the rest.
    { name: 'resident_number', label: 'field.resident_number', hint: 'field.resident_number.hint', inputmode: 'numeric', autocomplete: 'off', check: checkResidentNumber, masked: true },
    ...contact,
    ...proxy,
  ];
}

/// Which field a violation code of the server belongs to.
const violationField: Record<string, string> = {
  PHONE_INVALID: 'phone',
  EMAIL_INVALID: 'email',
  RESIDENT_NUMBER_INVALID: 'resident_number',
  BIRTH_DATE_INVALID: 'resident_number',
  RESIDENT_NUMBER_MISSING: 'resident_number',
  NAME_MISSING: 'name',
  BUSINESS_NUMBER_INVALID: 'business_number',
};

export function applyPage(main: HTMLElement): void {
  if (!journey.reason) {
    go('');
    return;
  }
  // After a reload nothing typed is left (it is never stored): say why the form is empty.
  const askedAgain =
    restored && !resident.digits && Object.values(typed).every((value) => !value)
      ? notice('info', h('span', { id: 'apply-reloaded' }, t('apply.reloaded')))
      : null;
  const fields = new Map<string, Field>();
  for (const { masked, ...def } of identityFields()) {
    fields.set(
      def.name,
      field({
        ...def,
        value: masked ? '' : typed[def.name] ?? '',
        mask: masked ? residentMask(resident) : undefined,
        // Memory only: a masked field keeps its digits itself (in `resident`).
        onValue: (value) => {
          if (!masked) typed[def.name] = value;
        },
      }),
    );
  }
  const errors = h('div', { id: 'apply-errors' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'apply-submit' }, t('apply.submit'));
  const form = h(
    'form',
    { novalidate: true, class: 'stack' },
    [...fields.values()].map((f) => f.element),
    radios(
      'channel',
      'apply.channel',
      [
        { value: 'sms', label: 'channel.sms', description: 'channel.sms.text' },
        { value: 'email', label: 'channel.email', description: 'channel.email.text' },
      ],
      journey.channel,
      (value) => {
        journey.channel = value as Channel;
        save();
      },
    ),
    h('p', { class: 'small' }, t('apply.privacy')),
    errors,
    h('div', { class: 'actions' }, h('a', { href: '#/', class: 'btn btn-secondary' }, t('action.back')), submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(errors);
    let firstBad: HTMLInputElement | undefined;
    for (const f of fields.values()) {
      if (!f.validate(true) && !firstBad) firstBad = f.input;
    }
    if (firstBad) {
      errors.append(notice('error', t('apply.fix_fields')));
      firstBad.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('action.sending');
    const value = (name: string) => (fields.get(name)?.value() ?? '').trim();
    const body: Record<string, unknown> = {
      holder_type: journey.holder_type,
      reason: journey.reason,
      name: value('name'),
      phone: value('phone'),
      email: value('email'),
      channel: journey.channel,
    };
    if (journey.holder_type === 'corporate') {
      body.business_number = value('business_number');
      body.representative_name = value('representative_name');
    } else {
      body.resident_number = value('resident_number');
    }
    if (journey.proxy) body.proxy = { name: value('proxy_name'), phone: value('proxy_phone') };
    try {
      const created = await api<{
        application_id: string;
        status_token: string;
        channel: Channel;
        code_expires_at: string;
        message?: { ko: string; en: string };
      }>('/api/v1/applications', { body, headers: { 'Idempotency-Key': crypto.randomUUID() } });
      journey.application = {
        id: created.application_id,
        token: created.status_token,
        channel: created.channel,
        holder_type: journey.holder_type,
        code_expires_at: created.code_expires_at,
        message: created.message,
      };
      journey.resend_at = Date.now() + 60_000;
      codes.current = undefined;
      // The number did its one job: it is not kept for anything else.
      resident.digits = '';
      save();
      go('code');
    } catch (error) {
      const problem = asProblem(error);
      for (const violation of problem.violations ?? []) {
        const name = violationField[violation.code];
        const target = name ? fields.get(name) : undefined;
        if (target) target.setError(tMaybe(`violation.${violation.code}`) ?? violation.detail);
      }
      errors.append(problemBox(problem));
      if (problem.code === 'RESEND_TOO_SOON' && problem.retryAfter) {
        errors.append(notice('info', t('code.wait', { seconds: problem.retryAfter })));
      }
      submit.disabled = false;
      submit.textContent = t('apply.submit');
      errors.querySelector<HTMLElement>('[role=alert]')?.focus();
    }
  });
  show(
    main,
    h('h1', {}, t(journey.holder_type === 'corporate' ? 'apply.title.corporate' : 'apply.title')),
    h('p', { class: 'lead' }, t('apply.lead', { reason: t(`reason.${journey.reason}` as MessageKey) })),
    askedAgain,
    form,
  );
}

let countdownTimer: number | undefined;

export function stopTimers(): void {
  if (countdownTimer !== undefined) clearInterval(countdownTimer);
  countdownTimer = undefined;
}

function attemptsLeft(problem: Problem): string | undefined {
  return problem.violations?.find((v) => v.code === 'ATTEMPTS_LEFT')?.detail.match(/\d+/)?.[0];
}

export function codePage(main: HTMLElement): void {
  const application = journey.application;
  if (!application) {
    go('');
    return;
  }
  const result = h('div', { id: 'code-result' });
  const codeField = field({
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
      if (problem.code === 'APPLICATION_ALREADY_VERIFIED') {
        result.append(h('p', {}, h('a', { href: '#/status' }, t('code.to_status'))));
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

const maxDocumentBytes = 10 * 1024 * 1024;
const documentTypes: Record<string, string> = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' };

function typeOf(file: File): string | undefined {
  if (Object.values(documentTypes).includes(file.type)) return file.type;
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  return documentTypes[extension];
}

export function documentsPage(main: HTMLElement): void {
  const application = journey.application;
  if (!application) {
    go('');
    return;
  }
  const required = journey.required_documents ?? [];
  journey.uploaded ??= [];
  const done = h('a', { href: '#/status', class: 'btn btn-primary', id: 'documents-done' }, t('documents.done'));
  const remaining = h('p', { id: 'documents-remaining', 'aria-live': 'polite' });
  const refresh = () => {
    const missing = required.filter((kind) => !journey.uploaded!.includes(kind));
    remaining.textContent = missing.length ? t('documents.remaining', { count: missing.length }) : t('documents.all_done');
    done.classList.toggle('btn-disabled', missing.length > 0);
    done.setAttribute('aria-disabled', String(missing.length > 0));
  };
  done.addEventListener('click', (event) => {
    if (done.getAttribute('aria-disabled') === 'true') {
      event.preventDefault();
      remaining.focus();
    }
  });
  const rows = required.map((kind) => {
    const id = uid(`doc-${kind}`);
    const input = h('input', { type: 'file', id, name: kind, accept: 'application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png', 'aria-describedby': `${id}-hint ${id}-status` });
    const bar = h('progress', { max: 100, value: 0, id: `${id}-progress`, 'aria-label': t('documents.progress', { name: t(`doc.${kind}` as MessageKey) }) });
    const status = h('p', { id: `${id}-status`, class: 'doc-status', 'aria-live': 'polite' }, journey.uploaded!.includes(kind) ? `✓ ${t('documents.uploaded')}` : t('documents.not_uploaded'));
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      if (!file) return;
      clear(status);
      const type = typeOf(file);
      if (!type) {
        status.append(notice('error', t('documents.bad_type')));
        return;
      }
      if (file.size > maxDocumentBytes) {
        status.append(notice('error', t('documents.too_large')));
        return;
      }
      status.textContent = t('documents.uploading');
      bar.value = 0;
      try {
        await upload(
          `/api/v1/applications/${encodeURIComponent(application.id)}/documents/${kind}`,
          file,
          type,
          application.token,
          (fraction) => (bar.value = Math.round(fraction * 100)),
        );
        if (!journey.uploaded!.includes(kind)) journey.uploaded!.push(kind);
        save();
        clear(status);
        status.append(notice('ok', t('documents.uploaded_file', { name: file.name })));
      } catch (error) {
        bar.value = 0;
        clear(status);
        status.append(problemBox(asProblem(error)));
      }
      refresh();
    });
    return h(
      'div',
      { class: 'field doc' },
      h('label', { for: id }, t(`doc.${kind}` as MessageKey)),
      h('p', { id: `${id}-hint`, class: 'hint' }, tMaybe(`doc.${kind}.text`) ?? '', ' ', t('documents.rules')),
      input,
      bar,
      status,
    );
  });
  refresh();
  remaining.setAttribute('tabindex', '-1');
  show(
    main,
    h('h1', {}, t('documents.title')),
    h('p', { class: 'lead' }, t('documents.lead')),
    h('div', { class: 'stack' }, rows),
    remaining,
    h('div', { class: 'actions' }, done),
  );
}

export function startOver(): void {
  restart();
  go('');
}

export { button };
