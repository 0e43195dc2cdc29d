// SPDX-License-Identifier: Apache-2.0
// The applicant's journey so far. sessionStorage keeps only what a reload needs and is not
// personal: the choices (holder type, reason, proxy or not, channel) and, once applied, the
// application id, status token and code/document progress. What the applicant types (name,
// resident number, phone, e-mail, business number, representative, proxy) stays in memory:
// a reload forgets it and the form asks again. The resident number is kept apart and only until
// the request that submits it succeeds. Finishing (a final status) or starting over removes
// the journey from storage. The reference number and authorization code are never stored.

export type HolderType = 'individual' | 'corporate';
export type Channel = 'sms' | 'email';

export interface Application {
  id: string;
  token: string;
  channel: Channel;
  holder_type: HolderType;
  code_expires_at: string;
  message?: { ko: string; en: string };
}

export interface Journey {
  holder_type: HolderType;
  reason: string;
  proxy: boolean;
  channel: Channel;
  application?: Application;
  /// When a new code may be asked for (epoch milliseconds).
  resend_at?: number;
  required_documents?: string[];
  uploaded?: string[];
  /// The documents page sends a rejected application back to review (a rejection for a
  /// document is put right without starting over).
  resubmit?: boolean;
}

export interface Codes {
  reference_number: string;
  authorization_code: string;
  expires_at: string;
}

const key = 'dojang.journey';

function fresh(): Journey {
  return { holder_type: 'individual', reason: '', proxy: false, channel: 'sms' };
}

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;

/// Only the fields named here come back from (and go to) storage, whatever else is there: an
/// older portal stored every typed field, and those are dropped at the first load.
function allowed(stored: Partial<Journey> & Record<string, unknown>): Journey {
  const journey = fresh();
  if (stored.holder_type === 'individual' || stored.holder_type === 'corporate') journey.holder_type = stored.holder_type;
  if (typeof stored.reason === 'string') journey.reason = stored.reason;
  if (typeof stored.proxy === 'boolean') journey.proxy = stored.proxy;
  if (stored.channel === 'sms' || stored.channel === 'email') journey.channel = stored.channel;
  const application = stored.application;
  if (application && typeof application.id === 'string' && typeof application.token === 'string') {
    journey.application = {
      id: application.id,
      token: application.token,
      channel: application.channel === 'email' ? 'email' : 'sms',
      holder_type: application.holder_type === 'corporate' ? 'corporate' : 'individual',
      code_expires_at: typeof application.code_expires_at === 'string' ? application.code_expires_at : '',
      message:
        application.message && typeof application.message.ko === 'string' && typeof application.message.en === 'string'
          ? { ko: application.message.ko, en: application.message.en }
          : undefined,
    };
  }
  if (typeof stored.resend_at === 'number') journey.resend_at = stored.resend_at;
  journey.required_documents = strings(stored.required_documents);
  journey.uploaded = strings(stored.uploaded);
  if (stored.resubmit === true) journey.resubmit = true;
  return journey;
}

/// Whether this page load found a journey in storage (a reload, or back from elsewhere).
export let restored = false;

export const journey: Journey = (() => {
  try {
    const stored = sessionStorage.getItem(key);
    if (!stored) return fresh();
    restored = true;
    const kept = allowed(JSON.parse(stored) as Record<string, unknown>);
    sessionStorage.setItem(key, JSON.stringify(kept));
    return kept;
  } catch {
    return fresh();
  }
})();

/// What the applicant typed, memory only (lost on reload): name, phone, e-mail, business number,
/// representative, proxy name and phone.
export const typed: Record<string, string> = {};

/// The resident registration number's digits, memory only, never stored: kept for the request
/// that submits the application and forgotten once it succeeded.
export const resident = { digits: '' };

/// False once the journey finished: it then stays in memory for this page only.
let persist = true;

export function save(): void {
  if (!persist) return;
  try {
    sessionStorage.setItem(key, JSON.stringify(allowed(journey as unknown as Record<string, unknown>)));
  } catch {
    // Storage full or disabled: the journey still works until the page is closed.
  }
}

function forget(): void {
  try {
    sessionStorage.removeItem(key);
  } catch {
    // Storage disabled: nothing was kept.
  }
}

/// The application reached a final status: its id and token leave storage (this page still
/// shows them until it is closed or reloaded).
export function finish(): void {
  persist = false;
  forget();
}

export function restart(): void {
  Object.assign(journey, fresh());
  delete journey.application;
  delete journey.resend_at;
  delete journey.required_documents;
  delete journey.uploaded;
  delete journey.resubmit;
  for (const name of Object.keys(typed)) delete typed[name];
  resident.digits = '';
  codes.current = undefined;
  persist = true;
  forget();
}

/// Codes shown once, in memory only.
export const codes: { current?: Codes } = {};
