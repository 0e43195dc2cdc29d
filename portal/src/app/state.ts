// SPDX-License-Identifier: Apache-2.0
// The applicant's journey so far, kept in sessionStorage so a reload does not lose it. The
// reference number and authorization code are never stored: they are shown once.

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
  form: Record<string, string>;
  application?: Application;
  /// When a new code may be asked for (epoch milliseconds).
  resend_at?: number;
  required_documents?: string[];
  uploaded?: string[];
}

export interface Codes {
  reference_number: string;
  authorization_code: string;
  expires_at: string;
}

const key = 'dojang.journey';

function fresh(): Journey {
  return { holder_type: 'individual', reason: '', proxy: false, channel: 'sms', form: {} };
}

export const journey: Journey = (() => {
  try {
    const stored = sessionStorage.getItem(key);
    return stored ? { ...fresh(), ...(JSON.parse(stored) as Journey) } : fresh();
  } catch {
    return fresh();
  }
})();

export function save(): void {
  try {
    sessionStorage.setItem(key, JSON.stringify(journey));
  } catch {
    // Storage full or disabled: the journey still works until the page is closed.
  }
}

export function restart(): void {
  Object.assign(journey, fresh());
  delete journey.application;
  delete journey.resend_at;
  delete journey.required_documents;
  delete journey.uploaded;
  codes.current = undefined;
  save();
}

/// Codes shown once, in memory only.
export const codes: { current?: Codes } = {};
