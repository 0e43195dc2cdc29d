// SPDX-License-Identifier: Apache-2.0
// The officer's session, kept in sessionStorage until it expires, and the API calls made in it:
// every call carries the session's CSRF token and a 401 ends the session.
import { api, asProblem } from '../common/api';

export interface Session {
  officer: string;
  csrf_token: string;
  expires_at: string;
}

const sessionKey = 'dojang.officer';

export function session(): Session | undefined {
  try {
    const stored = sessionStorage.getItem(sessionKey);
    const value = stored ? (JSON.parse(stored) as Session) : undefined;
    return value && Date.parse(value.expires_at) > Date.now() ? value : undefined;
  } catch {
    return undefined;
  }
}

export function setSession(value: Session | undefined): void {
  if (value) sessionStorage.setItem(sessionKey, JSON.stringify(value));
  else sessionStorage.removeItem(sessionKey);
}

/// An API call with the CSRF header; a 401 ends the session and returns to the sign-in page.
export async function officerApi<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
  const csrf = session()?.csrf_token;
  try {
    return await api<T>(path, { ...options, headers: csrf ? { 'X-CSRF-Token': csrf } : {} });
  } catch (error) {
    if (asProblem(error).status === 401) {
      setSession(undefined);
      location.hash = '#/signin';
    }
    throw error;
  }
}

export async function signOut(): Promise<void> {
  try {
    await officerApi('/api/v1/officer/sessions', { method: 'DELETE' });
  } catch {
    // Signed out locally either way.
  }
  setSession(undefined);
  location.hash = '#/signin';
}
