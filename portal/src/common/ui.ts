// SPDX-License-Identifier: Apache-2.0
// Page furniture shared by the applicant and officer pages: the header with the language
// switch, labelled form fields that check themselves while the user types, and problem boxes.
import { h, notice, clear, uid } from './dom';
import { lang, setLang, t, tMaybe, type MessageKey } from './i18n';
import type { Problem } from './api';
import type { ResidentMask } from './mask';

/// The header: the service name and a visible switch to the other language.
export function renderBar(bar: HTMLElement, title: MessageKey, home: string, extra: Node[] = []): void {
  clear(bar);
  const other = lang() === 'ko' ? 'en' : 'ko';
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'lang',
      id: 'lang-switch',
      lang: other,
      'aria-label': t('lang.switch_label'),
      onclick: () => setLang(other),
    },
    other === 'en' ? 'English' : '한국어',
  );
  bar.append(
    h('a', { class: 'brand', href: home }, h('span', { class: 'seal', 'aria-hidden': 'true' }, '印'), t(title)),
    h('nav', { class: 'bar-nav', 'aria-label': t('nav.label') }, ...extra, toggle),
  );
}

export interface FieldSpec {
  name: string;
  label: MessageKey;
  hint?: MessageKey;
  type?: string;
  inputmode?: string;
  autocomplete?: string;
  maxlength?: number;
  placeholder?: string;
  required?: boolean;
  value: string;
  check?: (value: string) => MessageKey | null;
  onValue: (value: string) => void;
  /// Shows a masked display and keeps the real value elsewhere (then `value` is not used).
  mask?: ResidentMask;
}

export interface Field {
  element: HTMLElement;
  input: HTMLInputElement;
  /// The value: what was typed, not what a masked input shows.
  value: () => string;
  /// Checks the value; shows the message when `reveal` (after a submit) or once touched.
  validate: (reveal: boolean) => boolean;
  /// Shows a message from the server for this field.
  setError: (message: string) => void;
}

/// A labelled input with a hint and an error line tied to it by aria-describedby. The check
/// runs on every keystroke; its message shows once the field was left or the form submitted,
/// and disappears as soon as the value is right. Errors carry an icon and text, not only colour.
export function field(spec: FieldSpec): Field {
  const id = uid(`f-${spec.name}`);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const input = h('input', {
    id,
    name: spec.name,
    type: spec.type ?? 'text',
    inputmode: spec.inputmode,
    autocomplete: spec.autocomplete ?? 'off',
    maxlength: spec.maxlength,
    placeholder: spec.placeholder,
    required: spec.required !== false,
    'aria-describedby': [spec.hint ? hintId : '', errorId].filter(Boolean).join(' '),
  });
  // A mask takes the input over first, so its listener runs before the checks below.
  if (spec.mask) spec.mask.attach(input);
  else input.value = spec.value;
  const current = () => (spec.mask ? spec.mask.value() : input.value);
  const error = h('p', { id: errorId, class: 'field-error', 'aria-live': 'polite' });
  const element = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, t(spec.label), spec.required === false ? h('span', { class: 'optional' }, ` (${t('field.optional')})`) : null),
    spec.hint ? h('p', { id: hintId, class: 'hint' }, t(spec.hint)) : null,
    input,
    error,
  );
  let touched = false;
  const showError = (message: string | null) => {
    clear(error);
    if (message) {
      input.setAttribute('aria-invalid', 'true');
      element.classList.add('invalid');
      error.append(h('span', { 'aria-hidden': 'true' }, '⚠ '), message);
    } else {
      input.removeAttribute('aria-invalid');
      element.classList.remove('invalid');
    }
  };
  const validate = (reveal: boolean): boolean => {
    const value = current();
    let problem: MessageKey | null = null;
    if (!value.trim()) {
      problem = spec.required === false ? null : 'field.required';
    } else if (spec.check) {
      problem = spec.check(value);
    }
    if (reveal) touched = true;
    showError(problem && touched ? t(problem) : null);
    element.classList.toggle('valid', !problem && value.trim() !== '');
    return !problem;
  };
  input.addEventListener('input', () => {
    spec.onValue(current());
    validate(false);
  });
  input.addEventListener('blur', () => {
    if (current().trim()) touched = true;
    validate(false);
  });
  return { element, input, value: current, validate, setError: (message) => { touched = true; showError(message); } };
}

export interface Choice {
  value: string;
  label: MessageKey;
  description?: MessageKey;
}

/// A fieldset of radio buttons with a legend; arrow keys move between options (native radios).
export function radios(
  name: string,
  legend: MessageKey,
  choices: Choice[],
  selected: string,
  onChange: (value: string) => void,
): HTMLFieldSetElement {
  return h(
    'fieldset',
    { class: 'choices' },
    h('legend', {}, t(legend)),
    choices.map((choice) => {
      const id = uid(`r-${name}-${choice.value}`);
      const descriptionId = `${id}-d`;
      const input = h('input', {
        type: 'radio',
        id,
        name,
        value: choice.value,
        checked: choice.value === selected,
        'aria-describedby': choice.description ? descriptionId : undefined,
        onchange: () => onChange(choice.value),
      });
      return h(
        'div',
        { class: 'choice' },
        input,
        h('label', { for: id }, h('strong', {}, t(choice.label)), choice.description ? h('span', { id: descriptionId, class: 'choice-text' }, t(choice.description)) : null),
      );
    }),
  );
}

/// A problem document as the user should see it: title and next step in the current language,
/// what was wrong (violations) and a link to the help page of the code.
export function problemBox(problem: Problem, helpBase = '#/help/'): HTMLElement {
  const known = problem.title !== undefined;
  const title =
    tMaybe(`problem.${problem.code}`) ??
    (known ? (lang() === 'ko' ? problem.title_ko ?? problem.title : problem.title) : undefined) ??
    t('problem.unknown');
  const next = problem.next_step ? problem.next_step[lang()] : undefined;
  const violations = (problem.violations ?? []).filter((v) => v.code !== 'ATTEMPTS_LEFT');
  return notice(
    'error',
    h('strong', { class: 'problem-title' }, title),
    next ? h('p', {}, next) : null,
    violations.length
      ? h('ul', {}, violations.map((v) => h('li', {}, tMaybe(`violation.${v.code}`) ?? v.detail)))
      : null,
    known ? h('p', { class: 'small' }, h('a', { href: helpBase + encodeURIComponent(problem.code) }, t('problem.more', { code: problem.code }))) : null,
    // What the server said exactly (dates, limits), folded; and for a fault of the server, the
    // request number the help desk asks for.
    problem.detail && !violations.length ? h('details', { class: 'small problem-detail' }, h('summary', {}, t('problem.detail')), h('p', {}, problem.detail)) : null,
    problem.requestId && (problem.status >= 500 || problem.code === 'INTERNAL')
      ? h('p', { class: 'small', 'data-request-id': problem.requestId }, t('problem.request_id', { id: problem.requestId }))
      : null,
  );
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(lang() === 'ko' ? 'ko-KR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

export function button(label: string, onclick: () => void, kind: 'primary' | 'secondary' | 'danger' = 'primary', attrs: Record<string, string> = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: `btn btn-${kind}`, onclick, ...attrs }, label);
}
