// SPDX-License-Identifier: Apache-2.0
// Form checks while the user types: the same rules as the server (src/dojang/ra/register.cpp),
// so a form that passes here passes there. Each answers a message key, or null when fine.
import type { MessageKey } from './i18n';

const digitsOnly = (text: string) => /^\d+$/.test(text);

export function normalizePhone(text: string): string {
  let digits = text.trim().replace(/[\s\-.()]/g, '');
  if (digits.startsWith('+82')) {
    digits = digits.slice(3);
    if (!digits.startsWith('0')) digits = '0' + digits;
  }
  return digits;
}

/// Korean mobile numbers: 010 with 11 digits; the old 011, 016-019 with 10 or 11.
export function checkPhone(text: string): MessageKey | null {
  const digits = normalizePhone(text);
  const shaped =
    digitsOnly(digits) &&
    digits.startsWith('01') &&
    '016789'.includes(digits[2] ?? 'x') &&
    (digits.length === 11 || (digits.length === 10 && digits[2] !== '0'));
  return shaped ? null : 'field.phone.invalid';
}

export function checkEmail(text: string): MessageKey | null {
  const value = text.trim();
  const at = value.indexOf('@');
  if (at <= 0 || value.length > 254 || value.indexOf('@', at + 1) >= 0 || /[\s\x00-\x20\x7f]/.test(value)) {
    return 'field.email.invalid';
  }
  const domain = value.slice(at + 1);
  const dot = domain.indexOf('.');
  return dot > 0 && !domain.endsWith('.') && !domain.includes('..') ? null : 'field.email.invalid';
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function isFuture(year: number, month: number, day: number, today: Date): boolean {
  return Date.UTC(year, month - 1, day) > Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
}

/// YYYY-MM-DD, a real day, not before 1900 and not in the future.
export function checkBirthDate(text: string, today = new Date()): MessageKey | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return 'field.birth_date.invalid';
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1900 && isRealDate(year, month, day) && !isFuture(year, month, day, today)
    ? null
    : 'field.birth_date.invalid';
}

function centuryOf(code: string): number {
  if ('1256'.includes(code)) return 1900;
  if ('3478'.includes(code)) return 2000;
  return 0;
}

function digitsWithOptionalDash(text: string, length: number, dashAt: number): string {
  let digits = text.trim();
  if (digits.length === length + 1 && digits[dashAt] === '-') digits = digits.slice(0, dashAt) + digits.slice(dashAt + 1);
  return digits.length === length && digitsOnly(digits) ? digits : '';
}

/// 13 digits (a dash after the sixth is optional) whose first six are a real, past birth date.
export function checkResidentNumber(text: string, today = new Date()): MessageKey | null {
  const digits = digitsWithOptionalDash(text, 13, 6);
  if (!digits) return 'field.resident_number.invalid';
  const century = centuryOf(digits[6]);
  if (!century) return 'field.resident_number.invalid';
  const year = century + Number(digits.slice(0, 2));
  const month = Number(digits.slice(2, 4));
  const day = Number(digits.slice(4, 6));
  return isRealDate(year, month, day) && !isFuture(year, month, day, today)
    ? null
    : 'field.resident_number.invalid';
}

/// National Tax Service rule: weights 1,3,7,1,3,7,1,3,5 on the first nine digits, plus the
/// tens of (ninth digit × 5); the tenth digit brings the sum to a multiple of ten.
export function hasBusinessNumberCheckDigit(digits: string): boolean {
  if (digits.length !== 10 || !digitsOnly(digits)) return false;
  const weights = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  let sum = 0;
  weights.forEach((weight, i) => (sum += Number(digits[i]) * weight));
  sum += Math.floor((Number(digits[8]) * 5) / 10);
  return (10 - (sum % 10)) % 10 === Number(digits[9]);
}

/// 10 digits, or 3-2-5 with dashes, with a valid check digit.
export function checkBusinessNumber(text: string): MessageKey | null {
  const value = text.trim();
  const digits = value.length === 12 && value[3] === '-' && value[6] === '-' ? value.replace(/-/g, '') : value;
  if (digits.length !== 10 || !digitsOnly(digits)) return 'field.business_number.invalid';
  return hasBusinessNumberCheckDigit(digits) ? null : 'field.business_number.check_digit';
}

export function checkName(text: string): MessageKey | null {
  return text.trim() ? null : 'field.required';
}

export function checkOtp(text: string): MessageKey | null {
  return /^\d{6}$/.test(text.trim()) ? null : 'code.invalid_format';
}

/// The certificate password: at least 10 characters with letters, digits and symbols, the
/// holder CLI's rule (src/dojang/holder/password.cpp). Checked here only; it never leaves.
export function checkCertPassword(text: string): MessageKey | null {
  const letter = /[A-Za-z]/.test(text);
  const digit = /[0-9]/.test(text);
  const symbol = /[!-/:-@[-`{-~]/.test(text);
  return text.length >= 10 && letter && digit && symbol ? null : 'issue.password.weak';
}

/// A hint of how hard the password is to guess: 0 (too weak), 1 (fair), 2 (strong).
export function passwordStrength(text: string): 0 | 1 | 2 {
  if (checkCertPassword(text)) return 0;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[!-/:-@[-`{-~]/, /[^\x00-\x7f]/].filter((re) => re.test(text)).length;
  return text.length >= 14 && classes >= 3 ? 2 : 1;
}
