// SPDX-License-Identifier: Apache-2.0
// The identity form (#/apply): who applies and where the one-time code goes.
import { api, asProblem } from '../common/api';
import { h, notice, show, clear } from '../common/dom';
import { t, tMaybe, type MessageKey } from '../common/i18n';
import { field, problemBox, radios, type Field } from '../common/ui';
import { checkBusinessNumber, checkEmail, checkName, checkPhone, checkResidentNumber } from '../common/validate';
import { residentMask } from '../common/mask';
import { go } from './nav';
import { codes, journey, resident, restored, save, typed, type Channel } from './state';

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
  PROXY_NAME_MISSING: 'proxy_name',
  PROXY_PHONE_INVALID: 'proxy_phone',
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
