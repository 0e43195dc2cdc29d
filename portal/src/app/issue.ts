// SPDX-License-Identifier: Apache-2.0
// Issuance in the page, right after the codes (#/result): the key pair and R are made here,
// the request is signed here, the certificate is fetched with the codes and R (so its VID is
// bound), saved where the holder chose, and only then confirmed. The certificate password is
// used here to encrypt the key and is never sent.
import * as pkijs from 'pkijs';
import { api, asProblem } from '../common/api';
import { clear, download, h, notice } from '../common/dom';
import { t, type MessageKey } from '../common/i18n';
import { field, problemBox, radios, formatTime } from '../common/ui';
import { checkCertPassword, passwordStrength } from '../common/validate';
import { certificationRequest, fromPem, hex, holdsKey, newKey } from '../certificate/keys';
import { encryptedKey, pfx, signPriKey } from '../certificate/keyfile';
import { commonName, npkiFolder, npkiZip } from '../certificate/npki';
import { keepStorage, recordOf, saveCertificate } from '../certificate/store';
import type { Codes } from './state';

type Storage = 'disk' | 'browser';
const STEPS = ['key', 'request', 'certificate', 'save', 'confirm'] as const;
type Step = (typeof STEPS)[number];

interface CertificateAnswer {
  serial: string;
  certificate: string;
  not_after: string;
  confirmation_token: string;
}

/// What this page made: kept for the page's lifetime so a language switch re-renders it.
interface Issued {
  serial: string;
  storage: Storage;
  folder: string;
  notAfter: string;
  zip: Blob;
  pfx: Blob;
  confirmed: boolean;
  persisted: boolean;
  /// Where copies went: the browser, the ZIP, the .pfx (the checklist's "saved" and "backup").
  copies: Set<'browser' | 'zip' | 'pfx'>;
}
let issued: Issued | undefined;
const listeners: Array<() => void> = [];

/// What the checklist of the result page needs to know about an issuance on this page.
export interface IssueState {
  confirmed: boolean;
  storage: Storage;
  copies: number;
  password: boolean;
}

export function issueState(): IssueState | undefined {
  return issued ? { confirmed: issued.confirmed, storage: issued.storage, copies: issued.copies.size, password: true } : undefined;
}

/// Calls `listener` whenever the issuance moves on (confirmed, a copy taken).
export function onIssueChange(listener: () => void): void {
  listeners.splice(0, listeners.length, listener);
}

const changed = () => listeners.forEach((listener) => listener());

function progressList(): { element: HTMLOListElement; mark: (step: Step, state: 'current' | 'done' | 'failed') => void } {
  const items = new Map<Step, HTMLLIElement>();
  const element = h(
    'ol',
    { class: 'timeline', id: 'issue-progress', 'aria-live': 'polite' },
    STEPS.map((step) => {
      const item = h('li', { class: 'step step-todo', 'data-step': step }, h('span', { class: 'marker', 'aria-hidden': 'true' }, '○'), h('span', { class: 'step-name' }, t(`issue.step.${step}` as MessageKey)), h('span', { class: 'step-state' }, ` — ${t('step.todo')}`));
      items.set(step, item);
      return item;
    }),
  );
  const mark = (step: Step, state: 'current' | 'done' | 'failed') => {
    const item = items.get(step);
    if (!item) return;
    item.className = `step step-${state === 'failed' ? 'rejected' : state}`;
    const marker = item.querySelector('.marker');
    if (marker) marker.textContent = { current: '●', done: '✓', failed: '✕' }[state];
    const label = item.querySelector('.step-state');
    if (label) label.textContent = ` — ${t(state === 'failed' ? 'issue.step.failed' : (`step.${state}` as MessageKey))}`;
    if (state === 'current') item.setAttribute('aria-current', 'step');
    else item.removeAttribute('aria-current');
  };
  return { element, mark };
}

function fileButtons(result: Issued, onSaved: () => void): HTMLElement {
  const names = { zip: `dojang-NPKI-${result.serial}.zip`, pfx: `dojang-${result.serial}.pfx` };
  const zip = h('button', { type: 'button', class: 'btn btn-primary', id: 'download-zip' }, t('issue.download.zip'));
  const pfxButton = h('button', { type: 'button', class: 'btn btn-secondary', id: 'download-pfx' }, t('issue.download.pfx'));
  zip.addEventListener('click', () => {
    download(result.zip, names.zip);
    result.copies.add('zip');
    onSaved();
    changed();
  });
  pfxButton.addEventListener('click', () => {
    download(result.pfx, names.pfx);
    result.copies.add('pfx');
    onSaved();
    changed();
  });
  return h(
    'div',
    { id: 'issue-files', class: 'stack' },
    h('div', { class: 'actions' }, zip, pfxButton),
    h(
      'ul',
      { class: 'small' },
      h('li', {}, t('issue.download.zip.text', { file: names.zip, folder: result.folder })),
      h('li', {}, t('issue.download.pfx.text', { file: names.pfx })),
    ),
  );
}

/// The end: what was saved where, the steps as they went (when issued on this page view), and
/// the files again for a second copy.
function doneSection(result: Issued, progress?: HTMLElement): HTMLElement {
  return h(
    'section',
    { class: 'card', id: 'issue-done', 'data-serial': result.serial, 'aria-labelledby': 'issue-done-h' },
    h('h2', { id: 'issue-done-h', tabindex: '-1' }, t('issue.done.title')),
    progress ?? null,
    notice('ok', t(result.storage === 'browser' ? 'issue.done.browser' : 'issue.done.disk')),
    h('p', {}, t('issue.done.valid', { at: formatTime(result.notAfter) })),
    result.storage === 'browser' && !result.persisted ? notice('info', t('issue.browser.not_persisted')) : null,
    h('p', {}, t('issue.done.backup')),
    fileButtons(result, () => undefined),
    h('p', {}, h('a', { href: '#/certificates' }, t('issue.done.manage'))),
  );
}

/// The section of the result page that issues the certificate in this browser.
export function issueSection(current: Codes): HTMLElement {
  if (issued?.confirmed) return doneSection(issued);
  const result = h('div', { id: 'issue-result' });
  let password = '';
  let storage: Storage = 'disk';
  const strength = h('p', { id: 'password-strength', class: 'small', 'aria-live': 'polite' });
  const showStrength = () => {
    strength.textContent = password ? t(`issue.password.strength.${passwordStrength(password)}` as MessageKey) : '';
  };
  const first = field({
    name: 'cert_password',
    label: 'issue.password',
    hint: 'issue.password.hint',
    type: 'password',
    autocomplete: 'new-password',
    value: '',
    check: checkCertPassword,
    onValue: (value) => {
      password = value;
      showStrength();
    },
  });
  first.element.append(strength);
  const second = field({
    name: 'cert_password_again',
    label: 'issue.password.again',
    type: 'password',
    autocomplete: 'new-password',
    value: '',
    check: (value) => (value === password ? null : 'issue.password.mismatch'),
    onValue: () => undefined,
  });
  const start = h('button', { type: 'submit', class: 'btn btn-primary', id: 'issue-start' }, t('issue.start'));
  const progress = progressList();
  progress.element.hidden = true;
  const form = h(
    'form',
    { novalidate: true, class: 'stack' },
    first.element,
    second.element,
    radios(
      'storage',
      'issue.storage',
      [
        { value: 'disk', label: 'issue.storage.disk', description: 'issue.storage.disk.text' },
        { value: 'browser', label: 'issue.storage.browser', description: 'issue.storage.browser.text' },
      ],
      storage,
      (value) => {
        storage = value === 'browser' ? 'browser' : 'disk';
      },
    ),
    h('div', { class: 'actions' }, start),
  );
  const section = h(
    'section',
    { class: 'card', id: 'issue-here', 'aria-labelledby': 'issue-h' },
    h('h2', { id: 'issue-h' }, t('issue.title')),
    h('p', {}, t('issue.lead')),
    form,
    progress.element,
    result,
  );

  let step: Step = 'key';
  const confirm = async (made: Issued, token: string) => {
    progress.mark('save', 'done');
    step = 'confirm';
    progress.mark('confirm', 'current');
    await api(`/api/v1/certificates/${encodeURIComponent(made.serial)}/confirm`, { body: { confirmation_token: token } });
    progress.mark('confirm', 'done');
    made.confirmed = true;
    changed();
    section.replaceWith(doneSection(made, progress.element));
    document.getElementById('issue-done-h')?.focus();
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(result);
    const valid = first.validate(true);
    const same = second.validate(true);
    if (!valid || !same) {
      (valid ? second : first).input.focus();
      return;
    }
    start.disabled = true;
    form.hidden = true;
    progress.element.hidden = false;
    try {
      step = 'key';
      progress.mark('key', 'current');
      const key = await newKey();
      progress.mark('key', 'done');

      step = 'request';
      progress.mark('request', 'current');
      const csr = await certificationRequest(key);
      progress.mark('request', 'done');

      step = 'certificate';
      progress.mark('certificate', 'current');
      const answer = await api<CertificateAnswer>('/api/v1/certificates', {
        body: {
          reference_number: current.reference_number,
          authorization_code: current.authorization_code,
          csr,
          random_num: hex(key.random),
        },
      });
      const [der] = fromPem(answer.certificate);
      if (!der) throw new Error(t('issue.error.certificate'));
      const certificate = pkijs.Certificate.fromBER(der);
      if (!(await holdsKey(certificate, key.keys.publicKey))) throw new Error(t('issue.error.certificate'));
      progress.mark('certificate', 'done');

      step = 'save';
      progress.mark('save', 'current');
      const bag = await encryptedKey(key.keys.privateKey, key.random, password);
      const keyFile = signPriKey(bag);
      const made: Issued = {
        serial: answer.serial,
        storage,
        folder: npkiFolder(certificate),
        notAfter: answer.not_after,
        zip: new Blob([npkiZip(certificate, der, keyFile)], { type: 'application/zip' }),
        pfx: new Blob([await pfx(bag, certificate, commonName(certificate), password)], { type: 'application/x-pkcs12' }),
        confirmed: false,
        persisted: false,
        copies: new Set(),
      };
      issued = made;
      if (storage === 'browser') {
        made.persisted = await keepStorage();
        await saveCertificate(recordOf(certificate, der, keyFile, answer.serial));
        made.copies.add('browser');
        await confirm(made, answer.confirmation_token);
        return;
      }
      // On a disk the holder saves the file: the certificate is confirmed once a copy is taken.
      let confirming = false;
      result.append(
        notice('info', t('issue.save.now')),
        fileButtons(made, () => {
          if (confirming) return;
          confirming = true;
          confirm(made, answer.confirmation_token).catch((error: unknown) => {
            confirming = false;
            progress.mark('confirm', 'failed');
            result.append(problemBox(asProblem(error)));
          });
        }),
      );
      document.getElementById('download-zip')?.focus();
    } catch (error) {
      progress.mark(step, 'failed');
      if (error instanceof Error && !('problem' in error)) {
        result.append(notice('error', h('strong', {}, t('issue.error.local')), h('p', {}, error.message)));
      } else {
        result.append(problemBox(asProblem(error)));
      }
    }
  });
  return section;
}
