// SPDX-License-Identifier: Apache-2.0
// The resident registration number (주민등록번호) field, masked as it is typed, as Korean bank
// sites do: the input shows the front six digits, a dash, the seventh digit and • for the rest
// ("900101-1••••••"); the real digits live only in a variable of this module's caller.
//
// How an edit is understood: the field always shows maskedResident(digits). Before the browser
// changes it (beforeinput) the selection is noted; after (input) the value and caret tell which
// part of the old display was replaced by what: old[a, b) became new[a, caret), where
// a = min(selection start, caret) and b = old length − (new length − caret). That holds for
// typing, Backspace and Delete (with or without a selection), cut, paste and IME commits. The
// replaced display positions map back to digit positions, the digits typed or pasted are put
// there (anything else — dashes, •, letters — is dropped) and the field is drawn again. Should
// the noted selection not fit (an input method rewriting text elsewhere), a common prefix and
// suffix of the old and new display find the change instead.

export const residentLength = 13;
const front = 6;
export const maskChar = '•';

/// What the field shows for these digits: the front six, then (from the seventh digit on) a
/// dash, the seventh digit and • for each further one.
export function maskedResident(digits: string): string {
  if (digits.length <= front) return digits;
  return `${digits.slice(0, front)}-${digits[front]}${maskChar.repeat(digits.length - front - 1)}`;
}

/// The number as the form and the server take it: "YYMMDD-NNNNNNN" (partial while typing).
export function formattedResident(digits: string): string {
  return digits.length <= front ? digits : `${digits.slice(0, front)}-${digits.slice(front)}`;
}

/// Digits of the display that come before a position of it.
function digitsBefore(position: number, count: number): number {
  return count > front && position > front ? position - 1 : position;
}

/// The display position just after `index` digits.
function positionAfter(index: number, count: number): number {
  return count > front && index >= front ? index + 1 : index;
}

/// ASCII digits of a text; full-width digits (some input methods) count as digits.
function digitsOf(text: string): string {
  return text.replace(/[\uFF10-\uFF19]/g, (c) => String(c.charCodeAt(0) - 0xff10)).replace(/\D/g, '');
}

export interface Edit {
  /// What the field showed before.
  before: string;
  /// Where the selection started before the edit (-1 when unknown).
  start: number;
  /// The field's value after the browser's edit.
  after: string;
  /// The caret after the browser's edit.
  caret: number;
  /// The InputEvent's inputType ('' when unknown).
  kind: string;
}

/// The digits after an edit of the masked display, and where the caret goes.
export function applyEdit(digits: string, edit: Edit): { digits: string; caret: number } {
  const { before, after, caret } = edit;
  let a = Math.min(edit.start, caret);
  let b = before.length - (after.length - caret);
  let insertedEnd = caret;
  const fits =
    edit.start >= 0 &&
    a >= 0 &&
    a <= b &&
    b <= before.length &&
    before.slice(0, a) === after.slice(0, a) &&
    before.slice(b) === after.slice(caret);
  if (!fits) {
    let prefix = 0;
    while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++;
    let suffix = 0;
    while (
      suffix < before.length - prefix &&
      suffix < after.length - prefix &&
      before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
    ) {
      suffix++;
    }
    a = prefix;
    b = before.length - suffix;
    insertedEnd = after.length - suffix;
  }
  const typed = digitsOf(after.slice(a, insertedEnd));
  const count = digits.length;
  let from = digitsBefore(a, count);
  let to = digitsBefore(b, count);
  if (from === to && b > a && !typed) {
    // Only the dash was removed: Backspace takes the digit before it, Delete the one after.
    if (edit.kind === 'deleteContentForward' || edit.kind === 'deleteWordForward') to = Math.min(count, to + 1);
    else from = Math.max(0, from - 1);
  }
  // A whole number pasted or dropped replaces what was there.
  if (typed.length === residentLength && /^insertFrom|^insertReplacementText$/.test(edit.kind)) {
    from = 0;
    to = count;
  }
  const room = residentLength - (count - (to - from));
  const inserted = typed.slice(0, Math.max(0, room));
  const next = digits.slice(0, from) + inserted + digits.slice(to);
  return { digits: next, caret: positionAfter(from + inserted.length, next.length) };
}

export interface ResidentMask {
  /// Takes over an input: call before any other 'input' listener is added to it.
  attach: (input: HTMLInputElement) => void;
  /// The number typed so far, "YYMMDD-NNNNNNN" once complete.
  value: () => string;
  /// Forgets the digits and empties the field.
  clear: () => void;
}

/// A mask that keeps the digits in `store` (memory only: never written to any storage, the
/// URL or the DOM beyond what maskedResident shows).
export function residentMask(store: { digits: string }): ResidentMask {
  let input: HTMLInputElement | undefined;
  let shown = '';
  let selectionStart = -1;
  let kind = '';
  let composing: number | undefined;
  const draw = (caret?: number) => {
    if (!input) return;
    shown = maskedResident(store.digits);
    input.value = shown;
    if (caret !== undefined && document.activeElement === input) input.setSelectionRange(caret, caret);
  };
  const reconcile = (start: number, inputType: string) => {
    if (!input || input.value === shown) return;
    const after = input.value;
    const caret = input.selectionEnd ?? after.length;
    const next = applyEdit(store.digits, { before: shown, start, after, caret, kind: inputType });
    store.digits = next.digits;
    draw(next.caret);
  };
  return {
    attach(element) {
      input = element;
      input.setAttribute('spellcheck', 'false');
      input.addEventListener('beforeinput', (event) => {
        // The browser's undo history holds displays, not digits.
        if (event.inputType === 'historyUndo' || event.inputType === 'historyRedo') {
          event.preventDefault();
          return;
        }
        if (composing !== undefined) return;
        selectionStart = element.selectionStart ?? -1;
        kind = event.inputType;
      });
      input.addEventListener('compositionstart', () => {
        composing = element.selectionStart ?? -1;
      });
      input.addEventListener('compositionend', () => {
        const start = composing ?? -1;
        composing = undefined;
        reconcile(start, 'insertCompositionText');
        // The last input event came before compositionend: let the field check itself again.
        element.dispatchEvent(new Event('input', { bubbles: true }));
      });
      input.addEventListener('input', () => {
        if (composing !== undefined) return;
        reconcile(selectionStart, kind);
        selectionStart = -1;
        kind = '';
      });
      // Dragging would move • around, and a drop lands away from the selection.
      input.addEventListener('dragstart', (event) => event.preventDefault());
      input.addEventListener('drop', (event) => event.preventDefault());
      draw();
    },
    value: () => formattedResident(store.digits),
    clear() {
      store.digits = '';
      draw();
    },
  };
}
