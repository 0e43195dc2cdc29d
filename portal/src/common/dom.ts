// SPDX-License-Identifier: Apache-2.0
// A tiny element builder: h('p', {class: 'x'}, 'text', child). Text is always set as text,
// never as HTML, so nothing from the server or the user can become markup.
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Child | Child[]>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Array<Child | Child[]>): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

export function clear(element: Element): void {
  while (element.firstChild) element.removeChild(element.firstChild);
}

/// Replaces the main region and moves focus to its heading, so keyboard and screen-reader
/// users land at the top of the new page.
export function show(main: HTMLElement, ...children: Child[]): void {
  clear(main);
  append(main, children);
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
    document.title = `${heading.textContent ?? ''} · dojang`;
  }
}

let counter = 0;
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/// A status line that screen readers announce (role=status) or interrupt with (role=alert).
export function notice(kind: 'error' | 'ok' | 'info', ...children: Child[]): HTMLElement {
  const icon = kind === 'error' ? '⚠ ' : kind === 'ok' ? '✓ ' : 'ℹ ';
  return h(
    'div',
    { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('span', { 'aria-hidden': 'true', class: 'icon' }, icon),
    ...children,
  );
}

export async function copyText(text: string, button: HTMLButtonElement, done: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = h('textarea', { class: 'offscreen', readonly: true });
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  const before = button.textContent;
  button.textContent = done;
  setTimeout(() => (button.textContent = before), 2000);
}

/// Offers `blob` to the user as a download called `name` (a link clicked, then removed).
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
