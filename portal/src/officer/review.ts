// SPDX-License-Identifier: Apache-2.0
// One review (#/review/<id>): the documents, the application beside the register's record (with
// differences marked), earlier approvals, the decision and the events.
import { asProblem } from '../common/api';
import { h, notice, show } from '../common/dom';
import { t, tMaybe } from '../common/i18n';
import { formatTime, problemBox } from '../common/ui';
import { decisionPanel } from './decision';
import { officerApi } from './session';

type Json = Record<string, unknown>;

interface ReviewDocument {
  kind: string;
  url?: string;
  media_type: string;
  size: number;
  sha256?: string;
  uploaded_at?: string;
}

interface Review {
  application: Json;
  register: Json | null;
  documents: ReviewDocument[];
  events: Array<{ at: string; kind: string; detail?: string; actor?: string }>;
  approvals: Array<Json>;
  required_documents?: string[];
  /// The register entry's certificates as this CA records them.
  certificates?: Array<{ serial: string; status: string; subject?: string; not_after?: string; revoked_at?: string; revocation_reason?: string }>;
}

/// The register's certificates with their status now: what the officer weighs beside the reason
/// (a lost device, a certificate already revoked, one that expired).
function certificatesTable(review: Review): HTMLElement {
  const certificates = review.certificates ?? [];
  const now = Date.now();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'certs-h' },
    h('h2', { id: 'certs-h' }, t('officer.certificates')),
    certificates.length
      ? h(
          'table',
          { class: 'certificates-table', id: 'register-certificates' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('officer.certificates.serial')), h('th', { scope: 'col' }, t('officer.certificates.status')), h('th', { scope: 'col' }, t('officer.certificates.until')))),
          h(
            'tbody',
            {},
            certificates.map((c) => {
              const expired = c.status === 'issued' && c.not_after !== undefined && Date.parse(c.not_after) < now;
              const state = expired ? 'expired' : c.status;
              const why = c.revocation_reason ? ` (${tMaybe(`officer.revocation.${c.revocation_reason}`) ?? c.revocation_reason}${c.revoked_at ? `, ${formatTime(c.revoked_at)}` : ''})` : '';
              return h(
                'tr',
                { 'data-serial': c.serial, 'data-status': state },
                h('td', {}, h('code', {}, c.serial)),
                h('td', {}, `${tMaybe(`officer.certificates.${state}`) ?? state}${why}`),
                h('td', {}, c.not_after ? formatTime(c.not_after) : '—'),
              );
            }),
          ),
        )
      : h('p', {}, t('officer.certificates.none')),
  );
}

const hiddenKeys = new Set(['documents', 'events', 'required_documents', 'review', 'codes', 'certificate_serials', 'status_token', 'idempotency_key']);

/// The application's own fields with what the applicant typed (`applicant`) lifted beside them.
function flatten(data: Json | null): Json | null {
  if (!data) return null;
  const out: Json = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === 'applicant' && value && typeof value === 'object' && !Array.isArray(value)) {
      Object.assign(out, value as Json);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function display(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.map(display).join(', ') || '—';
  if (typeof value === 'object') return Object.values(value as Json).map(display).join(' · ');
  return String(value);
}

/// A value as people read it: enumerations in words, times in the local format.
function displayField(key: string, value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  if (text && key === 'holder_type') return t(text === 'corporate' ? 'holder.corporate' : 'holder.individual');
  if (text && key === 'reason') return tMaybe(`reason.${text}`) ?? text;
  if (text && key === 'status') return tMaybe(`status.${text}`) ?? text;
  if (text && key === 'channel') return tMaybe(`channel.${text}`) ?? text;
  if (text && key.endsWith('_at')) return formatTime(text);
  if (text && (key === 'phone' || key === 'business_number' || key === 'corporate_number')) return formatNumber(key, text);
  return display(value);
}

/// Numbers as Koreans write them: 010-1234-5678, 124-81-00998, 110111-1234567. Anything
/// else (already formatted, masked, unexpected length) is shown as it is.
export function formatNumber(key: string, text: string): string {
  const digits = text.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits)) return text;
  if (key === 'phone' && (digits.length === 10 || digits.length === 11)) {
    const middle = digits.length === 11 ? 4 : 3;
    return `${digits.slice(0, 3)}-${digits.slice(3, 3 + middle)}-${digits.slice(3 + middle)}`;
  }
  if (key === 'business_number' && digits.length === 10) return `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`;
  if (key === 'corporate_number' && digits.length === 13) return `${digits.slice(0, 6)}-${digits.slice(6)}`;
  return text;
}

const comparable = (value: unknown) => (typeof value === 'string' ? value.replace(/[\s-]/g, '') : '');

/// Facts as a description list; keys that also exist in `other` and differ are marked in text.
function facts(data: Json | null, other: Json | null, id: string): HTMLElement {
  if (!data || Object.values(data).every((v) => v === '' || v === null)) return notice('info', t('officer.register.none'));
  return h(
    'dl',
    { class: 'facts', id },
    Object.entries(data)
      .filter(([key]) => !hiddenKeys.has(key))
      .map(([key, value]) => {
        const mine = comparable(value);
        const theirs = other && key !== 'holder_type' && key !== 'status' ? comparable(other[key]) : '';
        const differs = mine !== '' && theirs !== '' && mine !== theirs;
        return [
          h('dt', {}, tMaybe(`officer.field.${key}`) ?? key),
          h('dd', {}, displayField(key, value), differs ? h('span', { class: 'mismatch' }, ` ≠ ${t('officer.mismatch')}`) : null),
        ];
      })
      .flat(),
  );
}

function documentView(id: string, document: ReviewDocument): HTMLElement {
  const url = document.url ?? `/api/v1/reviews/${encodeURIComponent(id)}/documents/${encodeURIComponent(document.kind)}`;
  const label = tMaybe(`doc.${document.kind}`) ?? document.kind;
  const viewer =
    document.media_type === 'application/pdf'
      ? h('iframe', { src: url, title: label, class: 'document-view', 'data-kind': document.kind })
      : h('img', { src: url, alt: label, class: 'document-image', 'data-kind': document.kind });
  return h(
    'section',
    { class: 'card document', 'aria-label': label },
    h('h3', {}, label),
    h(
      'p',
      { class: 'small' },
      `${document.media_type} · ${(document.size / 1024).toFixed(1)} KB`,
      document.uploaded_at ? ` · ${formatTime(document.uploaded_at)}` : '',
      document.sha256 ? ` · SHA-256 ${document.sha256.slice(0, 16)}…` : '',
      ' · ',
      h('a', { href: url, target: '_blank', rel: 'noopener' }, t('officer.document.open')),
    ),
    viewer,
  );
}

function missingDocuments(review: Review): HTMLElement | null {
  const missing = (review.required_documents ?? []).filter((kind) => !review.documents.some((d) => d.kind === kind));
  return missing.length
    ? notice('error', t('officer.documents.missing'), h('ul', {}, missing.map((kind) => h('li', {}, tMaybe(`doc.${kind}`) ?? kind))))
    : null;
}

export async function reviewPage(main: HTMLElement, id: string): Promise<void> {
  show(main, h('h1', {}, t('officer.review.title')), h('p', {}, t('status.loading')));
  let review: Review;
  try {
    review = await officerApi<Review>(`/api/v1/reviews/${encodeURIComponent(id)}`);
  } catch (error) {
    show(main, h('h1', {}, t('officer.review.title')), problemBox(asProblem(error), '/portal/#/help/'), h('p', {}, h('a', { href: '#/queue' }, t('officer.back'))));
    return;
  }
  const application = flatten(review.application)!;
  const register = review.register;
  const status = String(application.status ?? '');
  show(
    main,
    h('h1', {}, t('officer.review.title'), ': ', display(register?.name || application.name || id)),
    h('p', {}, h('a', { href: '#/queue' }, `← ${t('officer.back')}`)),
    h('p', { id: 'review-status' }, t('status.now'), ' ', h('strong', { 'data-status': status }, tMaybe(`status.${status}`) ?? status), ' · ', tMaybe(`reason.${String(application.reason)}`) ?? display(application.reason)),
    h(
      'div',
      { class: 'review-grid' },
      h(
        'div',
        {},
        h('h2', {}, t('officer.documents')),
        missingDocuments(review),
        review.documents.length ? review.documents.map((d) => documentView(id, d)) : notice('info', t('officer.documents.none')),
      ),
      h(
        'div',
        {},
        h('section', { class: 'card', 'aria-labelledby': 'app-h' }, h('h2', { id: 'app-h' }, t('officer.application')), facts(application, register, 'application-facts')),
        h('section', { class: 'card', 'aria-labelledby': 'reg-h' }, h('h2', { id: 'reg-h' }, t('officer.register')), facts(register, application, 'register-facts')),
        certificatesTable(review),
        review.approvals.length
          ? h('section', { class: 'card' }, h('h2', {}, t('officer.approvals')), h('ul', {}, review.approvals.map((a) =>
                h('li', {}, `${display(a.officer)} · ${tMaybe(`officer.decision.${String(a.decision)}`) ?? display(a.decision)}`, a.reason ? ` · ${tMaybe(`review.reason.${String(a.reason)}`) ?? display(a.reason)}` : '', a.at ? ` · ${formatTime(String(a.at))}` : ''),
              )))
          : null,
        decisionPanel(id, status, () => void reviewPage(main, id)),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'events-h' },
          h('h2', { id: 'events-h' }, t('status.events')),
          h('ol', { class: 'events', id: 'review-events' }, review.events.map((e) => h('li', {}, h('time', { datetime: e.at }, formatTime(e.at)), ' ', tMaybe(`event.${e.kind}`) ?? e.kind, e.actor ? ` · ${e.actor}` : '', e.detail ? ` — ${e.detail}` : ''))),
        ),
      ),
    ),
  );
}
