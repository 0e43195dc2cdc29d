// SPDX-License-Identifier: Apache-2.0
// Messages live in messages/ko.json and messages/en.json; Korean is the default and a visible
// switch chooses English (remembered in localStorage).
import ko from '../messages/ko.json';
import en from '../messages/en.json';

export type Lang = 'ko' | 'en';
export type MessageKey = keyof typeof ko;

const catalogs: Record<Lang, Record<string, string>> = { ko, en };
const storageKey = 'dojang.lang';
let current: Lang = readStoredLang();
const listeners: Array<() => void> = [];

function readStoredLang(): Lang {
  try {
    return localStorage.getItem(storageKey) === 'en' ? 'en' : 'ko';
  } catch {
    return 'ko';
  }
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  try {
    localStorage.setItem(storageKey, next);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

export function onLangChange(listener: () => void): void {
  listeners.push(listener);
}

/// The message `key` in the current language with {name} placeholders filled.
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = catalogs[current][key] ?? catalogs.ko[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/// A message key built at run time (e.g. `reason.expired.title`), if it exists.
export function tMaybe(key: string, params: Record<string, string | number> = {}): string | undefined {
  return key in catalogs.ko ? t(key as MessageKey, params) : undefined;
}

export function initLang(): void {
  document.documentElement.lang = current;
}
