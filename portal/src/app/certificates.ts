// SPDX-License-Identifier: Apache-2.0
// The certificate manager (#/certificates, also served at /portal/certificates): the
// certificates kept in this browser and files the holder opens (a .pfx, or signCert.der with
// signPri.key), with their validity, days left and live status (OCSP through the server), and
// what the CLI does with them: change the password (re-encrypted here, R kept), export as .pfx
// or NPKI ZIP, keep in this browser, delete. Passwords and keys never leave the page.
import * as pkijs from 'pkijs';
import { api, ApiError, asProblem } from '../common/api';
import { clear, download, h, notice, show } from '../common/dom';
import { t, type MessageKey } from '../common/i18n';
import { field, formatTime, problemBox } from '../common/ui';
import { checkCertPassword } from '../common/validate';
import { certificationRequest, fromPem, holdsKey, newKey } from '../certificate/keys';
import { encryptedKey, encryptKeyInfo, keyMatches, openKeyFile, pfx, randomOf, signPriKey, UnsupportedKeyFile, WrongPassword } from '../certificate/keyfile';
import { npkiFolder, npkiZip } from '../certificate/npki';
import { signedBody, signingKey } from '../certificate/signed';
import { liveStatus } from '../certificate/status';
import { deleteCertificate, keepStorage, recordOf, saveCertificate, storedCertificates, type StoredCertificate } from '../certificate/store';

const DAY = 86_400_000;
/// The reasons a holder may give (RFC 5280 names, as the server takes them).
const REASONS = ['key_compromise', 'cessation_of_operation', 'affiliation_changed'] as const;
/// Renewal opens 30 days before the end of validity (korea.md).
const RENEWAL_WINDOW_DAYS = 30;

function keyProblem(error: unknown): HTMLElement {
  if (error instanceof WrongPassword) return notice('error', t('manage.password.wrong'));
  if (error instanceof UnsupportedKeyFile) return notice('error', t('manage.key.unsupported'));
  if (error instanceof ApiError) return problemBox(asProblem(error));
  return notice('error', t('manage.failed'), h('p', { class: 'small' }, error instanceof Error ? error.message : String(error)));
}

/// A small form that asks for the certificate password (and, for a change, a new one twice),
/// then runs `act`; errors show inside the form.
function passwordForm(
  id: string,
  submit: MessageKey,
  withNew: boolean,
  act: (current: string, next: string) => Promise<MessageKey | void>,
  extra: HTMLElement | null = null,
): HTMLElement {
  const result = h('div', { class: 'form-result' });
  let next = '';
  const current = field({ name: `${id}-current`, label: 'manage.password.current', type: 'password', autocomplete: 'current-password', value: '', onValue: () => undefined });
  const fresh = withNew
    ? field({ name: `${id}-new`, label: 'manage.password.new', hint: 'issue.password.hint', type: 'password', autocomplete: 'new-password', value: '', check: checkCertPassword, onValue: (value) => (next = value) })
    : undefined;
  const again = withNew
    ? field({ name: `${id}-again`, label: 'issue.password.again', type: 'password', autocomplete: 'new-password', value: '', check: (value) => (value === next ? null : 'issue.password.mismatch'), onValue: () => undefined })
    : undefined;
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t(submit));
  const form = h('form', { novalidate: true, class: 'stack', id }, extra, current.element, fresh?.element ?? null, again?.element ?? null, h('div', { class: 'actions' }, button), result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(result);
    const checks = [current.validate(true), fresh ? fresh.validate(true) : true, again ? again.validate(true) : true];
    if (checks.includes(false)) return;
    button.disabled = true;
    result.append(notice('info', t('manage.working')));
    try {
      const done = await act(current.value(), next);
      clear(result);
      if (done) result.append(notice('ok', t(done)));
    } catch (error) {
      clear(result);
      result.append(keyProblem(error));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

const statusLabel: Record<string, MessageKey> = {
  checking: 'manage.status.checking',
  good: 'manage.status.good',
  revoked: 'manage.status.revoked',
  unknown: 'manage.status.unknown',
  unavailable: 'manage.status.unavailable',
};

/// Renews with the current key (its signature authenticates the holder) for a new key made
/// here: R is kept, so the renewed certificate's VID still matches the key file. The renewed
/// certificate is saved, then confirmed with its own key (the server then revokes the old
/// one), and only then is the old one removed from this browser. Answers the new serial.
async function renew(record: StoredCertificate, certificate: pkijs.Certificate, password: string): Promise<string> {
  const { info } = await openKeyFile(record.key, password);
  if (!keyMatches(info, certificate)) throw new Error(t('manage.key.mismatch'));
  const fresh = await newKey();
  const random = randomOf(info) ?? fresh.random;
  const csr = await certificationRequest({ keys: fresh.keys, random });
  const answer = await api<{ serial: string; certificate: string; not_after: string; replaces: string }>(
    `/api/v1/certificates/${encodeURIComponent(record.serial)}/renewal`,
    { body: await signedBody({ action: 'renew', serial: record.serial, csr }, certificate, await signingKey(info)) },
  );
  const [der] = fromPem(answer.certificate);
  if (!der) throw new Error(t('issue.error.certificate'));
  const renewed = pkijs.Certificate.fromBER(der);
  if (!(await holdsKey(renewed, fresh.keys.publicKey))) throw new Error(t('issue.error.certificate'));
  const bag = await encryptedKey(fresh.keys.privateKey, random, password);
  await saveCertificate(recordOf(renewed, der, signPriKey(bag), answer.serial));
  await api(`/api/v1/certificates/${encodeURIComponent(answer.serial)}/renewal/confirm`, {
    body: await signedBody({ action: 'confirm_renewal', serial: answer.serial }, renewed, fresh.keys.privateKey),
  });
  await deleteCertificate(record.serial);
  return answer.serial;
}

/// One certificate: what it is, its state, and what can be done with it.
function certificateCard(record: StoredCertificate, stored: boolean, refresh: (flash?: HTMLElement) => void): HTMLElement {
  const certificate = pkijs.Certificate.fromBER(record.certificate);
  const daysLeft = Math.floor((new Date(record.not_after).getTime() - Date.now()) / DAY);
  const expiring = daysLeft >= 0 && daysLeft <= RENEWAL_WINDOW_DAYS;
  const status = h('span', { class: 'status', 'data-status': 'checking' }, t('manage.status.checking'));
  void liveStatus(certificate).then((live) => {
    status.dataset.status = live;
    status.textContent = t(statusLabel[live] ?? 'manage.status.unavailable');
  });
  const panel = h('div', { class: 'panel' });
  const open = (content: HTMLElement) => {
    clear(panel);
    panel.append(content);
    content.querySelector('input')?.focus();
  };
  const names = { zip: `dojang-NPKI-${record.serial}.zip`, pfx: `dojang-${record.serial}.pfx` };
  const actions: HTMLElement[] = [
    h('button', { type: 'button', class: 'btn btn-secondary', 'data-action': 'export-pfx', onclick: () => open(passwordForm(`pfx-${record.serial}`, 'manage.export.pfx', false, async (password) => {
      const { bag, info } = await openKeyFile(record.key, password);
      if (!keyMatches(info, certificate)) throw new Error(t('manage.key.mismatch'));
      download(new Blob([await pfx(bag, certificate, record.subject, password)], { type: 'application/x-pkcs12' }), names.pfx);
      return 'manage.exported';
    })) }, t('manage.export.pfx')),
    h('button', { type: 'button', class: 'btn btn-secondary', 'data-action': 'export-zip', onclick: () => {
      download(new Blob([npkiZip(certificate, record.certificate, record.key)], { type: 'application/zip' }), names.zip);
      clear(panel);
      panel.append(notice('ok', t('manage.exported.zip', { file: names.zip, folder: npkiFolder(certificate) })));
    } }, t('manage.export.zip')),
  ];
  if (stored) {
    actions.unshift(h('button', { type: 'button', class: 'btn btn-secondary', 'data-action': 'password', onclick: () => open(passwordForm(`passwd-${record.serial}`, 'manage.password.change', true, async (password, next) => {
      const { info } = await openKeyFile(record.key, password);
      if (!keyMatches(info, certificate)) throw new Error(t('manage.key.mismatch'));
      // The PrivateKeyInfo is encrypted again as it is, so R (randomNum) stays with the key.
      const bag = await encryptKeyInfo(info, next);
      await saveCertificate({ ...record, key: signPriKey(bag) });
      record.key = signPriKey(bag);
      return 'manage.password.changed';
    })) }, t('manage.password.change')));
    actions.push(
      h('button', { type: 'button', class: expiring ? 'btn btn-primary' : 'btn btn-secondary', 'data-action': 'renew', onclick: () => open(passwordForm(`renew-${record.serial}`, 'manage.renew.action', false, async (password) => {
        const renewed = await renew(record, certificate, password);
        refresh(notice('ok', t('manage.renewed', { serial: renewed })));
      }, notice('info', t('manage.renew.about')))) }, t('manage.renew.action')),
      h('button', { type: 'button', class: 'btn btn-secondary', 'data-action': 'revoke', onclick: () => {
        const reason = h('select', { id: `reason-${record.serial}`, name: 'reason' }, REASONS.map((code) => h('option', { value: code }, t(`manage.revoke.reason.${code}` as MessageKey))));
        const chooser = h('div', { class: 'field' }, h('label', { for: `reason-${record.serial}` }, t('manage.revoke.reason')), reason);
        open(passwordForm(`revoke-${record.serial}`, 'manage.revoke.action', false, async (password) => {
          const { info } = await openKeyFile(record.key, password);
          if (!keyMatches(info, certificate)) throw new Error(t('manage.key.mismatch'));
          await api(`/api/v1/certificates/${encodeURIComponent(record.serial)}/revocation`, {
            body: await signedBody({ action: 'revoke', serial: record.serial, reason: reason.value }, certificate, await signingKey(info)),
          });
          refresh(notice('ok', t('manage.revoked', { serial: record.serial })));
        }, h('div', { class: 'stack' }, notice('info', t('manage.revoke.about')), chooser)));
      } }, t('manage.revoke.action')),
    );
    const remove = h('button', { type: 'button', class: 'btn btn-danger', 'data-action': 'delete' }, t('manage.delete'));
    remove.addEventListener('click', () => {
      const sure = h('button', { type: 'button', class: 'btn btn-danger', 'data-action': 'delete-confirm' }, t('manage.delete.confirm'));
      sure.addEventListener('click', async () => {
        await deleteCertificate(record.serial);
        refresh();
      });
      open(h('div', { class: 'stack' }, notice('info', t('manage.delete.warning')), h('div', { class: 'actions' }, sure)));
      sure.focus();
    });
    actions.push(remove);
  } else {
    actions.unshift(h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'keep', onclick: () => open(passwordForm(`keep-${record.serial}`, 'manage.keep', false, async (password) => {
      const { info } = await openKeyFile(record.key, password);
      if (!keyMatches(info, certificate)) throw new Error(t('manage.key.mismatch'));
      await keepStorage();
      await saveCertificate({ ...record, saved_at: new Date().toISOString() });
      refresh();
    })) }, t('manage.keep')));
  }
  return h(
    'li',
    { class: 'card certificate', 'data-serial': record.serial },
    h('h3', {}, record.subject || record.serial),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('manage.issuer')), h('dd', {}, record.issuer),
      h('dt', {}, t('manage.serial')), h('dd', {}, h('code', {}, record.serial)),
      h('dt', {}, t('manage.valid_until')), h('dd', {}, formatTime(record.not_after)),
      h('dt', {}, t('manage.days_left')), h('dd', { 'data-days': String(daysLeft) }, daysLeft < 0 ? t('manage.expired') : t('manage.days', { days: daysLeft })),
      h('dt', {}, t('manage.status')), h('dd', {}, status),
    ),
    expiring ? notice('info', t('manage.renew', { days: daysLeft })) : null,
    h('div', { class: 'actions' }, actions),
    panel,
  );
}

/// Files the holder opens: a .pfx (asks its password) or signCert.der with signPri.key.
function openFiles(refresh: (flash?: HTMLElement) => void): HTMLElement {
  const result = h('div', { id: 'open-result' });
  const input = h('input', { type: 'file', id: 'open-files', multiple: true, accept: '.pfx,.p12,.der,.cer,.key' });
  const opened = h('ul', { class: 'plain', id: 'opened-certificates' });
  const read = async (files: File[]) => {
    clear(result);
    clear(opened);
    const byName = new Map(files.map((file) => [file.name.toLowerCase(), file]));
    const certificateFile = byName.get('signcert.der') ?? files.find((file) => /\.(der|cer)$/i.test(file.name));
    const keyFile = byName.get('signpri.key') ?? files.find((file) => /\.key$/i.test(file.name));
    const pfxFile = files.find((file) => /\.(pfx|p12)$/i.test(file.name));
    try {
      if (certificateFile && keyFile) {
        const der = await certificateFile.arrayBuffer();
        const certificate = pkijs.Certificate.fromBER(der);
        opened.append(certificateCard(recordOf(certificate, der, await keyFile.arrayBuffer()), false, refresh));
      } else if (pfxFile) {
        const bytes = await pfxFile.arrayBuffer();
        result.append(passwordForm('pfx-open', 'manage.open', false, async (password) => {
          const { certificateDer, key } = await readPfx(bytes, password);
          clear(opened);
          opened.append(certificateCard(recordOf(pkijs.Certificate.fromBER(certificateDer), certificateDer, key), false, refresh));
        }));
      } else {
        result.append(notice('error', t('manage.open.which')));
      }
    } catch (error) {
      result.append(keyProblem(error));
    }
  };
  input.addEventListener('change', () => void read(Array.from(input.files ?? [])));
  const zone = h('div', { class: 'drop', id: 'drop-zone' }, h('label', { for: 'open-files' }, t('manage.open.label')), h('p', { class: 'small' }, t('manage.open.hint')), input);
  zone.addEventListener('dragover', (event) => event.preventDefault());
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    void read(Array.from(event.dataTransfer?.files ?? []));
  });
  return h('section', { class: 'card', 'aria-labelledby': 'open-h' }, h('h2', { id: 'open-h' }, t('manage.open.title')), zone, result, opened);
}

/// The key bag and certificate of a .pfx written with PBES2 (dojang's, Windows', OpenSSL 3's).
async function readPfx(bytes: ArrayBuffer, password: string): Promise<{ certificateDer: ArrayBuffer; key: ArrayBuffer }> {
  const file = pkijs.PFX.fromBER(bytes);
  const secret = new TextEncoder().encode(password).slice().buffer;
  try {
    await file.parseInternalValues({ password: secret, checkIntegrity: true });
  } catch {
    throw new WrongPassword();
  }
  let certificateDer: ArrayBuffer | undefined;
  let key: ArrayBuffer | undefined;
  const contents = file.parsedValue?.authenticatedSafe;
  if (!contents) throw new UnsupportedKeyFile('no authenticated safe');
  await contents.parseInternalValues({ safeContents: contents.safeContents.map(() => ({ password: secret })) });
  for (const safe of contents.parsedValue?.safeContents ?? []) {
    for (const bag of safe.value.safeBags) {
      if (bag.bagValue instanceof pkijs.PKCS8ShroudedKeyBag) key = bag.bagValue.toSchema().toBER(false);
      if (bag.bagValue instanceof pkijs.CertBag && bag.bagValue.parsedValue instanceof pkijs.Certificate) {
        const candidate = bag.bagValue.parsedValue as pkijs.Certificate;
        // The holder's certificate, not a CA certificate shipped beside it.
        if (!certificateDer || !candidate.extensions?.some((e) => e.extnID === '2.5.29.19' && (e.parsedValue as pkijs.BasicConstraints | undefined)?.cA)) {
          certificateDer = candidate.toSchema(false).toBER(false);
        }
      }
    }
  }
  if (!certificateDer || !key) throw new UnsupportedKeyFile('no key or certificate in the .pfx');
  return { certificateDer, key };
}

export async function certificatesPage(main: HTMLElement, flash?: HTMLElement): Promise<void> {
  const list = h('ul', { class: 'plain', id: 'certificate-list' });
  const refresh = (next?: HTMLElement) => void certificatesPage(main, next);
  let records: StoredCertificate[] = [];
  let problem: HTMLElement | null = null;
  try {
    records = await storedCertificates();
  } catch {
    problem = notice('error', t('manage.storage.unavailable'));
  }
  records.sort((a, b) => a.not_after.localeCompare(b.not_after));
  for (const record of records) list.append(certificateCard(record, true, refresh));
  show(
    main,
    h('h1', {}, t('manage.title')),
    h('p', { class: 'lead' }, t('manage.lead')),
    flash ? h('div', { id: 'manage-flash' }, flash) : null,
    h(
      'section',
      { class: 'card', id: 'browser-certificates', 'aria-labelledby': 'stored-h' },
      h('h2', { id: 'stored-h' }, t('manage.stored')),
      problem,
      records.length ? list : h('p', { id: 'no-certificates' }, t('manage.none'), ' ', h('a', { href: '#/' }, t('manage.none.start'))),
    ),
    openFiles(refresh),
    h(
      'details',
      { class: 'card' },
      h('summary', {}, t('manage.more.title')),
      h('ul', {}, (['manage.more.renew', 'manage.more.revoke', 'manage.more.lost'] as MessageKey[]).map((key) => h('li', {}, t(key)))),
    ),
  );
}
