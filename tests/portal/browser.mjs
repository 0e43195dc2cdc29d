// SPDX-License-Identifier: Apache-2.0
// Browser tests of the web portal (run by portal.sh against a real dojangd). Each test gets its
// own browser context, saves screenshots into --out and fails on any uncaught page error,
// Content-Security-Policy violation or serious accessibility violation (axe-core, WCAG 2 A and
// AA, on the pages the journeys reach). Prints "N passed, N failed".
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const { chromium } = await import(pathToFileURL(path.join(args.modules, 'playwright-core/index.mjs')).href);
const base = args.url;
// axe-core runs inside the page. It goes in through the DevTools protocol (page.evaluate), which
// the page's Content-Security-Policy does not govern, so the server's policy stays as strict as
// it is and the tests still see every violation of it.
const axeSource = await readFile(path.join(args.modules, 'axe-core/axe.min.js'), 'utf8');
const only = process.env.PORTAL_TEST_ONLY;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/// The newest one-time code in the SMS spool for a phone number (digits only), waiting for the
/// dispatcher; `after` skips codes already seen.
async function smsCode(phone, after = new Set(), seconds = 30, data = args.data) {
  const dir = path.join(data, 'spool', 'sms');
  for (let i = 0; i < seconds * 5; i++) {
    let files = [];
    try {
      files = (await readdir(dir)).filter((f) => f.endsWith('.txt'));
    } catch {
      files = [];
    }
    files.sort((a, b) => parseInt(b, 10) - parseInt(a, 10));
    for (const file of files) {
      const text = await readFile(path.join(dir, file), 'utf8');
      if (!text.startsWith(`To: ${phone}\n`)) continue;
      // Six digits standing alone: not a run inside an application number or a link.
      const code = text.split('\n\n').slice(1).join('\n\n').match(standaloneCode)?.[0];
      if (code && !after.has(file)) return { code, file };
      break;
    }
    await sleep(200);
  }
  throw new Error(`no SMS for ${phone} in ${dir}`);
}

/// What `pattern` finds in the newest e-mail of `kind` (the spool file name: otp, approved,
/// rejected, ...) to `address`, its base64 body decoded; waits for the dispatcher.
async function emailMatch(address, kind, pattern, seconds = 30) {
  const dir = path.join(args.data, 'spool', 'email');
  for (let i = 0; i < seconds * 5; i++) {
    const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.eml') && f.includes(`-${kind}=`));
    files.sort((a, b) => parseInt(b, 10) - parseInt(a, 10));
    for (const file of files) {
      const text = await readFile(path.join(dir, file), 'utf8');
      const [head, ...body] = text.split('\r\n\r\n');
      if (!head.split('\r\n').includes(`To: ${address}`)) continue;
      const found = Buffer.from(body.join('').replace(/\s+/g, ''), 'base64').toString('utf8').match(pattern)?.[0];
      if (found) return found;
    }
    await sleep(200);
  }
  throw new Error(`no ${kind} e-mail for ${address} in ${dir}`);
}

/// Six digits standing alone: a one-time code, not a run inside an application number.
const standaloneCode = /(?<![0-9a-z])\d{6}(?![0-9a-z])/i;
const continueLink = /https?:\/\/\S+#\/continue\/a[0-9a-f]{20}/;
const emailCode = (address) => emailMatch(address, 'otp', standaloneCode);

/// The link to an application in the newest SMS to a phone that has one and `contains` a text
/// (the approval and rejection messages), waiting for the dispatcher.
async function smsLink(phone, contains = '', seconds = 30) {
  const dir = path.join(args.data, 'spool', 'sms');
  for (let i = 0; i < seconds * 5; i++) {
    const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.txt'));
    files.sort((a, b) => parseInt(b, 10) - parseInt(a, 10));
    for (const file of files) {
      const text = await readFile(path.join(dir, file), 'utf8');
      const link = text.startsWith(`To: ${phone}\n`) && text.includes(contains) && text.match(continueLink)?.[0];
      if (link) return link;
    }
    await sleep(200);
  }
  throw new Error(`no SMS with a link for ${phone} in ${dir}`);
}

const browser = await chromium.launch({
  executablePath: args.chromium,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

/// A fresh context (own cookies and storage) that records page errors and CSP violations.
async function open(name, options = {}) {
  const context = await browser.newContext({ locale: 'ko-KR', viewport: { width: 390, height: 844 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy|Refused to/i.test(message.text())) {
      problems.push(`CSP: ${message.text()}`);
    }
  });
  let shot = 0;
  const screenshot = async (label) => {
    shot += 1;
    const file = path.join(args.out, `${name}-${String(shot).padStart(2, '0')}-${label}.png`);
    await page.screenshot({ path: file, fullPage: true });
  };
  /// Audits the page as it is now; serious and critical violations become problems of the test
  /// (reported together at its end), each with its rule, the help text and the elements.
  const audit = async (label) => {
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, {
        // WCAG 2.0 and 2.1, levels A and AA (2.1 adds e.g. 2.5.3 label in name, 1.3.5 input purpose).
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        resultTypes: ['violations'],
        // The officer's PDF frame is Chromium's own viewer, with no axe in it: the page only.
        iframes: false,
      });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
    });
    for (const v of violations) {
      const line = `axe ${name}/${label}: ${v.impact} ${v.id} — ${v.help} — ${v.targets.join(', ')}`;
      if (v.impact === 'serious' || v.impact === 'critical') problems.push(line);
      else console.log(`# ${line}`);
    }
  };
  return { context, page, problems, screenshot, audit };
}

async function applyAs(page, person, reason = 'forgot_password', at = base) {
  await page.goto(`${at}/portal/`);
  await page.getByRole('heading', { level: 1, name: '공동인증서 재발급 신청' }).waitFor();
  await page.locator(`input[name=reason][value=${reason}]`).check();
  await page.getByRole('button', { name: '다음' }).click();
  await page.getByLabel('성명', { exact: true }).fill(person.name);
  await page.getByLabel('주민등록번호', { exact: true }).fill(person.resident);
  await page.getByLabel('휴대폰 번호', { exact: true }).fill(person.phone);
  await page.getByLabel('이메일 주소', { exact: true }).fill(person.email);
}

const hong = { name: '홍길동', resident: '900101-1234567', phone: '010-1234-5678', email: 'hong@example.com', digits: '01012345678' };
const lee = { name: '이영희', resident: '920202-2345678', phone: '010-2222-3333', email: 'lee@example.com', digits: '01022223333' };
const park = { name: '박민수', resident: '930303-1456789', phone: '010-3333-4444', email: 'park@example.com', digits: '01033334444' };
const jung = { name: '정다은', resident: '940404-2567890', phone: '010-6666-7777', email: 'jung@example.com', digits: '01066667777' };

const tests = [];
const test = (name, body) => tests.push({ name, body });

/// Everything the page could have kept: sessionStorage, localStorage, its cookies (HttpOnly
/// ones too), the IndexedDB database names and the URL, as "where=what" lines.
async function browserStorage(page) {
  const kept = await page.evaluate(async () => {
    const lines = [];
    for (const [where, store] of [['sessionStorage', sessionStorage], ['localStorage', localStorage]]) {
      for (let i = 0; i < store.length; i++) lines.push(`${where}:${store.key(i)}=${store.getItem(store.key(i))}`);
    }
    lines.push(`document.cookie=${document.cookie}`);
    lines.push(`url=${location.href}`);
    for (const db of (await indexedDB.databases?.()) ?? []) lines.push(`indexedDB=${db.name}`);
    return lines;
  });
  for (const cookie of await page.context().cookies()) kept.push(`cookie:${cookie.name}=${cookie.value}`);
  return kept;
}

/// Fails when the browser kept the person's resident number (with or without the dash, or its
/// back seven or six digits) or, with `personal`, their name, phone or e-mail.
async function checkNothingKept(page, person, when, personal = true) {
  const digits = person.resident.replace('-', '');
  const secrets = [person.resident, digits, digits.slice(6), digits.slice(7)];
  if (personal) secrets.push(person.name, person.phone, person.digits, person.email);
  const kept = await browserStorage(page);
  for (const line of kept) {
    for (const secret of secrets) check(!line.includes(secret), `${when}: the browser keeps "${secret}": ${line}`);
  }
  return kept;
}

/// What the resident number field should show after the first n digits.
function masked(resident, n) {
  const digits = resident.replace('-', '').slice(0, n);
  return n <= 6 ? digits : `${digits.slice(0, 6)}-${digits[6]}${'•'.repeat(n - 7)}`;
}

test('individual_journey', async ({ page, screenshot, audit }) => {
  const response = await page.goto(`${base}/portal/`);
  const csp = response.headers()['content-security-policy'] ?? '';
  check(csp.includes("default-src 'self'") && csp.includes("frame-ancestors 'none'"), `CSP header: ${csp}`);
  await page.getByRole('heading', { level: 1, name: '공동인증서 재발급 신청' }).waitFor();
  // Each reason has its sentence; "what to prepare" follows the choices.
  check((await page.locator('input[name=reason]').count()) === 8, 'eight reasons');
  await page.getByText('인증서 비밀번호가 기억나지 않습니다', { exact: false }).waitFor();
  await screenshot('start');
  await audit('start');
  // Next without a reason: an error that says so.
  await page.getByRole('button', { name: '다음' }).click();
  await page.getByRole('alert').filter({ hasText: '재발급 사유를 하나 고르십시오' }).waitFor();
  // Revocation alone (폐지 신청) says that nothing is issued and that it cannot be undone.
  await page.locator('input[name=reason][value=revocation]').check();
  await page.getByText('폐지는 되돌릴 수 없습니다', { exact: false }).waitFor();
  // Keyboard only: focus the reasons and pick one with the arrow keys, then Enter on Next.
  await page.locator('input[name=reason]').first().focus();
  await page.keyboard.press('ArrowDown');
  check(await page.locator('input[name=reason][value=forgot_password]').isChecked(), 'arrow keys choose a reason');
  await page.locator('#start-next').focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: '본인 확인 정보 입력' }).waitFor();
  await audit('identity');

  // Validation while typing: a short phone number is refused once the field is left.
  const phone = page.getByLabel('휴대폰 번호', { exact: true });
  await phone.fill('010-12');
  await phone.press('Tab');
  await page.getByText('010-1234-5678 과 같은 휴대폰 번호를 입력하십시오.').waitFor();
  check((await phone.getAttribute('aria-invalid')) === 'true', 'aria-invalid on a wrong phone');
  const resident = page.getByLabel('주민등록번호', { exact: true });
  await resident.fill('901301-1234567');
  await resident.press('Tab');
  await page.getByText('주민등록번호 13자리를 확인하십시오', { exact: false }).waitFor();
  await page.getByLabel('이메일 주소', { exact: true }).fill('hong@');
  await page.getByLabel('이메일 주소', { exact: true }).press('Tab');
  await page.getByText('이메일 주소 형식이 올바르지 않습니다', { exact: false }).waitFor();
  await screenshot('validation');
  await audit('validation');

  // The resident number: a text input with a numeric keypad, masked as it is typed.
  check(
    (await resident.getAttribute('type')) === 'text' &&
      (await resident.getAttribute('inputmode')) === 'numeric' &&
      (await resident.getAttribute('autocomplete')) === 'off',
    'the resident number is type=text inputmode=numeric autocomplete=off',
  );
  const hintId = (await resident.getAttribute('aria-describedby')).split(' ')[0];
  const hint = await page.locator(`[id="${hintId}"]`).textContent();
  check(hint.includes('•') && hint.includes('저장되지 않') && hint.includes('다시 입력'), `the hint says the number is masked, not stored and asked again: ${hint}`);
  const back = hong.resident.slice(-6);
  await resident.fill('');
  for (let n = 1; n <= 13; n++) {
    await resident.press(hong.resident.replace('-', '')[n - 1]);
    const shown = await resident.inputValue();
    check(shown === masked(hong.resident, n), `after ${n} digits the field shows "${shown}", wanted "${masked(hong.resident, n)}"`);
    check(!/\d/.test(shown.slice(8)) && !shown.includes(back.slice(0, Math.max(1, n - 7))), `the back digits show: "${shown}"`);
  }
  check((await resident.getAttribute('aria-invalid')) === null, 'the typed number is valid');
  await screenshot('masked');
  // Backspace takes digits off the end, across the dash too; typing brings them back.
  for (let i = 0; i < 7; i++) await resident.press('Backspace');
  check((await resident.inputValue()) === '900101', `after seven Backspaces: ${await resident.inputValue()}`);
  await resident.press('Backspace');
  check((await resident.inputValue()) === '90010', `across the dash: ${await resident.inputValue()}`);
  await resident.pressSequentially('11234567');
  check((await resident.inputValue()) === '900101-1••••••', `typed again: ${await resident.inputValue()}`);
  // Inside the •: the caret two digits from the end, Backspace removes the real digit there.
  await resident.press('ArrowLeft');
  await resident.press('ArrowLeft');
  await resident.press('Backspace');
  check((await resident.inputValue()) === '900101-1•••••', `a digit inside the mask removed: ${await resident.inputValue()}`);
  await resident.press('5');
  check((await resident.inputValue()) === '900101-1••••••', `and typed again: ${await resident.inputValue()}`);
  // Pasting the whole number, with or without the dash, over what is there.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(base).origin });
  for (const text of [hong.resident.replace('-', ''), hong.resident]) {
    await resident.fill('90');
    await page.evaluate((value) => navigator.clipboard.writeText(value), text);
    await resident.press('ControlOrMeta+V');
    check((await resident.inputValue()) === '900101-1••••••', `pasted ${text}: the field shows ${await resident.inputValue()}`);
    check((await resident.getAttribute('aria-invalid')) === null, `pasted ${text}: valid`);
  }
  // A wrong number pasted is still checked (the real digits, not the •).
  await page.evaluate((value) => navigator.clipboard.writeText(value), '901301-1234567');
  await resident.fill('');
  await resident.press('ControlOrMeta+V');
  await resident.press('Tab');
  await page.getByText('주민등록번호 13자리를 확인하십시오', { exact: false }).waitFor();

  // Nothing typed is kept by the browser: after a reload the form is empty and says why.
  await page.getByLabel('성명', { exact: true }).fill(hong.name);
  await resident.fill(hong.resident);
  await phone.fill(hong.phone);
  await page.getByLabel('이메일 주소', { exact: true }).fill(hong.email);
  check((await resident.inputValue()) === '900101-1••••••', `filled: ${await resident.inputValue()}`);
  await checkNothingKept(page, hong, 'identity form filled');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: '본인 확인 정보 입력' }).waitFor();
  await page.locator('#apply-reloaded').filter({ hasText: '다시 입력해야 합니다' }).waitFor();
  for (const label of ['성명', '주민등록번호', '휴대폰 번호', '이메일 주소']) {
    check((await page.getByLabel(label, { exact: true }).inputValue()) === '', `${label} is empty after a reload`);
  }
  await screenshot('reloaded');
  await audit('reloaded');

  await page.getByLabel('성명', { exact: true }).fill(hong.name);
  await resident.fill(hong.resident);
  await phone.fill(hong.phone);
  await page.getByLabel('이메일 주소', { exact: true }).fill(hong.email);
  check((await phone.getAttribute('aria-invalid')) === null, 'the error goes away as soon as the phone is right');
  // The request carries the number as before: "YYMMDD-NNNNNNN".
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/applications'),
    page.getByRole('button', { name: '인증번호 받기' }).click(),
  ]);
  const sent = request.postDataJSON();
  check(sent.resident_number === hong.resident && sent.name === hong.name, `the request body: resident_number ${sent.resident_number}`);

  // The code page: a countdown before a resend, channel switch, help.
  await page.getByRole('heading', { level: 1, name: '인증번호 입력' }).waitFor();
  // Submitted: the browser keeps the application id and status token, nothing typed.
  const kept = await checkNothingKept(page, hong, 'after submitting');
  check(kept.some((line) => line.startsWith('sessionStorage:dojang.journey=') && line.includes('"token"')), `the status token is kept for a reload: ${kept.join(' | ')}`);
  // A reload comes back to the code step.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: '인증번호 입력' }).waitFor();
  await checkNothingKept(page, hong, 'after a reload of the code page');
  await page.locator('#resend-countdown').filter({ hasText: '초 뒤에 다시 요청할 수 있습니다' }).waitFor();
  check(await page.locator('#code-resend').isDisabled(), 'resend disabled during the countdown');
  await page.getByText('인증번호를 받지 못하셨나요?').click();
  await page.getByText('스팸함', { exact: false }).first().waitFor();
  await screenshot('code');
  await audit('code');
  const { code } = await smsCode(hong.digits);
  await page.getByLabel('인증번호 (6자리)', { exact: true }).fill(code);
  await page.getByRole('button', { name: '확인' }).click();

  // The result: the codes once, the client command, the checklist.
  await page.getByRole('heading', { level: 1, name: '참조번호와 인가코드' }).waitFor();
  const reference = (await page.locator('#reference-number').textContent()).trim();
  const authorization = (await page.locator('#authorization-code').textContent()).trim();
  check(/^[0-9-]{6,}$/.test(reference), `reference number ${reference}`);
  check(/^[0-9-]{8,}$/.test(authorization), `authorization code ${authorization}`);
  const command = await page.locator('#issue-command').textContent();
  check(command === `dojang issue --server ${base} --ref ${reference}`, `command: ${command}`);
  check(!command.includes(authorization), 'the command never holds the authorization code');
  await page.getByText('재발급 후 점검 목록').waitFor();
  await screenshot('result');
  await audit('result');

  // The status page shows the approval; the codes are not shown again.
  await page.getByRole('link', { name: '진행 상태' }).first().click();
  await page.locator('#status-now [data-status]').waitFor();
  const status = await page.locator('#status-now [data-status]').getAttribute('data-status');
  check(['approved', 'issued', 'confirmed'].includes(status), `status ${status}`);
  await page.locator('.step[data-step=verified].step-done').waitFor();
  check(!(await page.content()).includes(authorization), 'the status page does not show the authorization code');
  await screenshot('status');
  await audit('status');
  const stored = await checkNothingKept(page, hong, 'on the status page');
  check(!stored.some((line) => line.includes(reference) || line.includes(authorization)), 'the codes are not kept');
});

test('five_wrong_codes', async ({ page, screenshot, audit }) => {
  await applyAs(page, lee, 'expired');
  await page.getByRole('button', { name: '인증번호 받기' }).click();
  await page.getByRole('heading', { level: 1, name: '인증번호 입력' }).waitFor();
  const { code } = await smsCode(lee.digits);
  const wrong = code === '000000' ? '111111' : '000000';
  const field = page.getByLabel('인증번호 (6자리)', { exact: true });
  for (let attempt = 1; attempt <= 4; attempt++) {
    await field.fill(wrong);
    await page.getByRole('button', { name: '확인' }).click();
    await page.locator('#attempts-left').filter({ hasText: `${5 - attempt}회` }).waitFor();
    if (attempt === 1) await screenshot('first-wrong');
  }
  await field.fill(wrong);
  await page.getByRole('button', { name: '확인' }).click();
  await page.locator('#code-result [role=alert]').waitFor();
  await field.fill(wrong);
  await page.getByRole('button', { name: '확인' }).click();
  await page.locator('#code-result [role=alert]').filter({ hasText: /인증번호 입력 오류 횟수를 초과했습니다|신청이 잠겼습니다/ }).waitFor();
  // Even the right code no longer works: the code is dead.
  await field.fill(code);
  await page.getByRole('button', { name: '확인' }).click();
  await page.locator('#code-result [role=alert]').filter({ hasText: /초과|잠겼|만료/ }).waitFor();
  check(!(await page.locator('#reference-number').count()), 'no codes after five wrong entries');
  await screenshot('locked');
  await audit('locked');
  // The help link of the error leads to its help page.
  await page.locator('#code-result a', { hasText: '도움말' }).click();
  await page.locator('#error-code').waitFor();
  await screenshot('help');
});

test('language_switch', async ({ page, screenshot, audit }) => {
  await page.goto(`${base}/portal/`);
  await page.getByRole('heading', { level: 1, name: '공동인증서 재발급 신청' }).waitFor();
  check((await page.getAttribute('html', 'lang')) === 'ko', 'Korean first');
  await page.getByRole('button', { name: 'English — read this page in English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Reissue your joint certificate' }).waitFor();
  check((await page.getAttribute('html', 'lang')) === 'en', 'html lang=en');
  await page.getByText('Possibly leaked').waitFor();
  await screenshot('english');
  await audit('start-en');
  // Remembered across a reload.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Reissue your joint certificate' }).waitFor();
  // Help in English: the error catalog and one error's page.
  await page.goto(`${base}/portal/#/help`);
  await page.getByRole('heading', { level: 1, name: 'Help' }).waitFor();
  await page.locator('#error-list a').first().waitFor();
  check((await page.locator('#error-list li').count()) >= 20, 'every error code listed');
  await audit('help-en');
  await page.getByRole('link', { name: 'The one-time code is not correct' }).click();
  await page.getByRole('heading', { level: 1, name: 'The one-time code is not correct' }).waitFor();
  check((await page.locator('#error-code').textContent()) === 'OTP_INVALID', 'OTP_INVALID page');
  await screenshot('help-en');
  await audit('help-code-en');
  // Back to Korean, on the same page.
  await page.getByRole('button', { name: '한국어 — 이 페이지를 한국어로 보기' }).click();
  await page.getByRole('heading', { level: 1, name: '인증번호가 올바르지 않습니다' }).waitFor();
  check((await page.getAttribute('html', 'lang')) === 'ko', 'html lang=ko again');
  await page.goto(`${base}/portal/#/help`);
  await page.getByRole('heading', { level: 2, name: '자주 겪는 문제와 해결 방법' }).waitFor();
  await page.locator('#contact').waitFor();
  await screenshot('help-ko');
  await audit('help-ko');
});

/// No horizontal scrolling: the page is no wider than the viewport.
async function fitsWidth(page, label) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth }));
  check(scroll <= inner, `${label}: the page is ${scroll}px wide in a ${inner}px viewport (horizontal scroll)`);
}

/// The element with the keyboard focus, and whether it shows a focus ring.
async function focused(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return {
      tag: element.tagName.toLowerCase(),
      type: element.getAttribute('type'),
      id: element.id,
      name: element.getAttribute('name'),
      value: element.getAttribute('value'),
      ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    };
  });
}

/// Presses `key` and checks where the focus went (`want`: some of tag, type, id, name, value).
async function pressTo(page, key, want) {
  await page.keyboard.press(key);
  const now = await focused(page);
  const matches = Object.entries(want).every(([k, v]) => now[k] === v);
  check(matches && now.ring, `after ${key}: focus on ${JSON.stringify(now)}, wanted ${JSON.stringify(want)} with a visible focus ring`);
}

test('phone_keyboard', async ({ page, screenshot, audit }) => {
  // A small phone, and the keyboard alone: no click from here to the code page.
  await page.setViewportSize({ width: 375, height: 667 });
  await page.goto(`${base}/portal/`);
  await page.getByRole('heading', { level: 1, name: '공동인증서 재발급 신청' }).waitFor();
  await fitsWidth(page, 'start');
  const prepare = page.locator('#prepare-list');
  // The page starts with the focus on its heading; Tab reaches the link for those who applied
  // already, then the holder type (checked one).
  await pressTo(page, 'Tab', { id: 'start-continue-link' });
  await pressTo(page, 'Tab', { name: 'holder_type', value: 'individual' });
  await page.keyboard.press('ArrowDown');
  check(await page.locator('input[name=holder_type][value=corporate]').isChecked(), 'arrow down chooses a company');
  await prepare.getByText('사업자등록증 사본', { exact: false }).waitFor();
  await page.keyboard.press('ArrowUp');
  check(await page.locator('input[name=holder_type][value=individual]').isChecked(), 'arrow up goes back to an individual');
  // No reason is chosen yet: Tab lands on the first one and Space chooses it.
  await pressTo(page, 'Tab', { name: 'reason', value: 'expired' });
  await page.keyboard.press('Space');
  check(await page.locator('input[name=reason][value=expired]').isChecked(), 'space chooses a reason');
  await page.keyboard.press('ArrowDown');
  check(await page.locator('input[name=reason][value=forgot_password]').isChecked(), 'arrow down moves to the next reason');
  // The proxy checkbox: Space ticks it (and "what to prepare" follows), Space again clears it.
  const proxy = page.getByLabel('대리인이 신청합니다', { exact: false });
  await pressTo(page, 'Tab', { type: 'checkbox' });
  await page.keyboard.press('Space');
  check(await proxy.isChecked(), 'space ticks the proxy checkbox');
  await prepare.getByText('위임장과 대리인 신분증 사본').waitFor();
  await fitsWidth(page, 'start, every choice made');
  await screenshot('keyboard-start');
  await page.keyboard.press('Space');
  check(!(await proxy.isChecked()), 'space clears the proxy checkbox');
  await pressTo(page, 'Tab', { id: 'start-next' });
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: '본인 확인 정보 입력' }).waitFor();
  await fitsWidth(page, 'identity form');

  // The identity form, typed field after field; Enter in the last field sends it.
  for (const [name, value] of [['name', jung.name], ['resident_number', jung.resident], ['phone', jung.phone], ['email', jung.email]]) {
    await pressTo(page, 'Tab', { name });
    await page.keyboard.type(value);
  }
  check(
    (await page.locator('input[name=resident_number]').inputValue()) === masked(jung.resident, 13),
    `typed with the keyboard, the resident number shows ${await page.locator('input[name=resident_number]').inputValue()}`,
  );
  await page.keyboard.press('Tab');
  await fitsWidth(page, 'identity form, filled');
  await screenshot('identity');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: '인증번호 입력' }).waitFor();
  await page.locator('#resend-countdown').filter({ hasText: '초 뒤에 다시 요청할 수 있습니다' }).waitFor();
  await fitsWidth(page, 'code page');
  await screenshot('code');
  await audit('code-phone');
});

// A tiny but real PDF: the server checks the content, not only the type.
const pdf = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

const dojangsangsa = { name: '도장상사', business: '124-81-00998', representative: '김대표', phone: '010-4444-5555', email: 'ceo@dojang.example', digits: '01044445555' };
const banryeo = { name: '반려상사', business: '220-81-62517', representative: '최대표', phone: '010-5555-6666', email: 'choi@banryeo.example', digits: '01055556666' };

/// Enters the one-time code sent to `digits` and waits for the documents page.
async function verifyForDocuments(page, digits) {
  await page.getByRole('heading', { level: 1, name: '인증번호 입력' }).waitFor();
  const { code } = await smsCode(digits);
  await page.getByLabel('인증번호 (6자리)', { exact: true }).fill(code);
  await page.getByRole('button', { name: '확인' }).click();
  await page.getByRole('heading', { level: 1, name: '서류 제출' }).waitFor();
}

/// A specimen ID card drawn by the browser itself, as a PNG.
async function specimenCard(page, name) {
  const url = await page.evaluate((holder) => {
    const canvas = document.createElement('canvas');
    canvas.width = 480;
    canvas.height = 300;
    const g = canvas.getContext('2d');
    g.fillStyle = '#e8eef5';
    g.fillRect(0, 0, 480, 300);
    g.fillStyle = '#1b1f24';
    g.font = 'bold 28px sans-serif';
    g.fillText('주민등록증 (견본)', 30, 60);
    g.font = '22px sans-serif';
    g.fillText(`SPECIMEN · ${holder}`, 30, 120);
    g.fillText('900101-1******', 30, 160);
    return canvas.toDataURL('image/png');
  }, name);
  return Buffer.from(url.split(',')[1], 'base64');
}

/// Uploads every document the documents page asks for (IDs as PNG, the rest as PDF), then goes
/// to the status page, which shows the review; answers the kinds asked for, in order.
async function uploadDocuments(page, holder, screenshot, audit, done = '제출 완료 — 진행 상태 보기') {
  const inputs = page.locator('input[type=file]');
  const count = await inputs.count();
  check(count >= 1, 'documents are required');
  const kinds = [];
  for (let i = 0; i < count; i++) kinds.push(await inputs.nth(i).getAttribute('name'));
  const card = await specimenCard(page, holder);
  for (let i = 0; i < count; i++) {
    const kind = kinds[i];
    const image = kind.endsWith('_id');
    await inputs.nth(i).setInputFiles(
      image ? { name: `${kind}.png`, mimeType: 'image/png', buffer: card } : { name: `${kind}.pdf`, mimeType: 'application/pdf', buffer: pdf },
    );
    await page.locator('.doc').nth(i).getByText('제출했습니다', { exact: false }).waitFor();
    check((await page.locator('.doc progress').nth(i).getAttribute('value')) === '100', 'progress at 100%');
  }
  await page.locator('#documents-remaining').filter({ hasText: '모든 서류를 제출했습니다' }).waitFor();
  if (screenshot) await screenshot('documents');
  if (audit) await audit('documents');
  await page.getByRole('link', { name: done }).click();
  await page.locator('#status-now [data-status=in_review]').waitFor();
  await page.locator('.step[data-step=in_review].step-current').waitFor();
  return kinds;
}

/// A company applies, verifies its code and uploads every required document.
async function companyApplies(page, company, screenshot, audit) {
  await page.goto(`${base}/portal/`);
  await page.locator('input[name=holder_type][value=corporate]').check();
  await page.getByText('사업자등록증 사본', { exact: false }).waitFor();
  await page.locator('input[name=reason][value=info_changed]').check();
  await page.getByRole('button', { name: '다음' }).click();
  await page.getByRole('heading', { level: 1, name: '사업자 정보 입력' }).waitFor();
  await page.getByLabel('상호 (회사 이름)', { exact: true }).fill(company.name);
  const business = page.getByLabel('사업자등록번호', { exact: true });
  // The check digit is checked while typing.
  await business.fill(company.business.slice(0, -1) + String((Number(company.business.slice(-1)) + 1) % 10));
  await business.press('Tab');
  await page.getByText('마지막 검증 숫자가 맞지 않으니', { exact: false }).waitFor();
  if (screenshot) await screenshot('check-digit');
  await business.fill(company.business);
  check((await business.getAttribute('aria-invalid')) === null, 'a right business number is accepted');
  await page.getByLabel('대표자 성명', { exact: true }).fill(company.representative);
  await page.getByLabel('휴대폰 번호', { exact: true }).fill(company.phone);
  await page.getByLabel('이메일 주소', { exact: true }).fill(company.email);
  await page.getByRole('button', { name: '인증번호 받기' }).click();
  await verifyForDocuments(page, company.digits);
  const inputs = page.locator('input[type=file]');
  check((await inputs.count()) >= 1, 'documents are required');
  // A text file is refused before it is sent; a fake PDF is refused by the server.
  await inputs.nth(0).setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await page.getByText('PDF, JPG, PNG 파일만 올릴 수 있습니다.').waitFor();
  await inputs.nth(0).setInputFiles({ name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not a pdf at all') });
  await page.locator('.doc [role=alert]').first().waitFor();
  if (audit) await audit('document-refused');
  return (await uploadDocuments(page, company.representative, screenshot, audit)).length;
}

async function officerSignsIn(page, screenshot, audit) {
  await page.goto(`${base}/portal/officer/`);
  await page.getByRole('heading', { level: 1, name: '담당자 로그인' }).waitFor();
  await page.getByLabel('아이디', { exact: true }).fill('reviewer');
  await page.getByLabel('비밀번호', { exact: true }).fill('wrong password');
  await page.getByRole('button', { name: '로그인' }).click();
  await page.getByText('아이디 또는 비밀번호가 올바르지 않습니다.').waitFor();
  if (audit) await audit('signin');
  await page.getByLabel('비밀번호', { exact: true }).fill('correct horse battery staple');
  await page.getByRole('button', { name: '로그인' }).click();
  await page.getByRole('heading', { level: 1, name: '심사 대기 목록' }).waitFor();
  const cookie = (await page.context().cookies()).find((c) => c.name === '__Host-dojang_officer');
  check(cookie && cookie.secure && cookie.httpOnly && cookie.sameSite === 'Strict', `session cookie ${JSON.stringify(cookie)}`);
  if (screenshot) await screenshot('queue');
  if (audit) await audit('queue');
}

async function openReview(page, applicant, holderType = 'corporate') {
  await page.locator('#filter-holder_type').selectOption(holderType);
  await page.getByRole('button', { name: '조회' }).click();
  await page.getByRole('link', { name: applicant.name }).click();
  await page.getByRole('heading', { level: 1, name: `신청 심사: ${applicant.name}` }).waitFor();
}

if (args.officers === 'true') {
  test('company_journey', async ({ page, screenshot, audit, open }) => {
    const documents = await companyApplies(page, dojangsangsa, screenshot, audit);
    await screenshot('in-review');
    await audit('in-review');
    // An officer, in a browser of their own, reviews the documents and approves.
    const officer = await open('company_journey-officer', { viewport: { width: 1280, height: 900 } });
    try {
      await officerSignsIn(officer.page, officer.screenshot, officer.audit);
      // The queue on a phone: one card per application, nothing wider than the screen.
      await officer.page.setViewportSize({ width: 390, height: 844 });
      await officer.page.locator('#filter-holder_type').selectOption('corporate');
      await officer.page.getByRole('button', { name: '조회' }).click();
      await officer.page.getByRole('link', { name: dojangsangsa.name }).waitFor();
      await fitsWidth(officer.page, 'the officers\' queue on a phone');
      await officer.screenshot('queue-phone');
      await officer.audit('queue-phone');
      await officer.page.setViewportSize({ width: 1280, height: 900 });
      await openReview(officer.page, dojangsangsa);
      // Numbers as people write them (the register keeps digits).
      await officer.page.locator('#register-facts').getByText(dojangsangsa.business, { exact: true }).waitFor();
      await officer.page.locator('#register-facts').getByText(dojangsangsa.phone, { exact: true }).waitFor();
      check((await officer.page.locator('[data-kind]').count()) === documents, 'every document shown inline');
      const frames = officer.page.locator('iframe.document-view');
      if (await frames.count()) {
        const src = await frames.first().getAttribute('src');
        const fetched = await officer.page.evaluate(async (url) => {
          const r = await fetch(url);
          return { status: r.status, type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength };
        }, src);
        check(fetched.status === 200 && fetched.type === 'application/pdf' && fetched.size === pdf.length, `PDF ${JSON.stringify(fetched)}`);
      }
      const images = officer.page.locator('img.document-image');
      for (let i = 0; i < (await images.count()); i++) {
        await officer.page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await images.nth(i).elementHandle());
      }
      await officer.page.locator('#register-facts').getByText(dojangsangsa.name).waitFor();
      // The register's certificate that this CA never issued is named as such.
      await officer.page.locator('#register-certificates tr[data-serial="0badc0de"][data-status=unknown]').getByText('이 인증기관의 기록에 없음').waitFor();
      await officer.page.waitForTimeout(1500); // the PDF viewer draws the page
      await officer.screenshot('review');
      await officer.audit('review');
      // Approval is asked once more; cancelling decides nothing.
      await officer.page.getByRole('button', { name: '승인', exact: true }).click();
      await officer.page.locator('#approve-cancel').click();
      check((await officer.page.locator('#decision-result').textContent()) === '', 'a cancelled approval decided something');
      await officer.page.getByRole('button', { name: '승인', exact: true }).click();
      await officer.page.locator('#approve-confirm').click();
      await officer.page.locator('#decision-result').filter({ hasText: /승인했습니다|두 번째 승인/ }).waitFor();
      await officer.screenshot('approved');
      check(officer.problems.length === 0, officer.problems.join('\n'));
    } finally {
      await officer.context.close();
    }
    // The applicant's status page, polling, shows the codes.
    await page.getByRole('heading', { level: 1, name: '참조번호와 인가코드' }).waitFor({ timeout: 30000 });
    const reference = (await page.locator('#reference-number').textContent()).trim();
    check(/^[0-9-]{6,}$/.test(reference), `reference number ${reference}`);
    await screenshot('codes');
  });

  test('company_rejection', async ({ page, screenshot, audit, open }) => {
    await companyApplies(page, banryeo);
    const officer = await open('company_rejection-officer', { viewport: { width: 1280, height: 900 } });
    try {
      await officerSignsIn(officer.page);
      await openReview(officer.page, banryeo);
      // A reason is required; "other" also needs a note.
      await officer.page.getByRole('button', { name: '반려' }).click();
      await officer.page.getByText('반려 사유를 고르십시오.').waitFor();
      await officer.audit('reject-reason-missing');
      await officer.page.locator('#reject-reason').selectOption('unreadable_document');
      await officer.page.locator('#reject-text').fill('사업자등록증이 흐려서 읽을 수 없습니다.');
      await officer.screenshot('reject');
      await officer.page.getByRole('button', { name: '반려' }).click();
      await officer.page.locator('#decision-result').filter({ hasText: '반려했습니다.' }).waitFor();
      // The queue of rejected applications lists it.
      await officer.page.goto(`${base}/portal/officer/#/queue?status=rejected`);
      await officer.page.getByRole('link', { name: banryeo.name }).waitFor();
      await officer.screenshot('rejected-queue');
      await officer.page.getByRole('button', { name: '로그아웃' }).click();
      await officer.page.getByRole('heading', { level: 1, name: '담당자 로그인' }).waitFor();
      check(officer.problems.length === 0, officer.problems.join('\n'));
    } finally {
      await officer.context.close();
    }
    await page.locator('#status-now [data-status=rejected]').waitFor({ timeout: 30000 });
    await page.getByText('제출하신 서류를 읽을 수 없습니다.').waitFor();
    await page.getByText('사업자등록증이 흐려서 읽을 수 없습니다.').waitFor();
    await page.locator('.step[data-step=rejected].step-rejected').waitFor();
    // Rejected for a document: the page offers to fix it instead of starting over.
    await page.locator('#status-fix').waitFor();
    await screenshot('rejected');
    await audit('rejected');

    // The applicant goes on from the link in the rejection SMS, in another browser: a fresh code
    // opens the application there, the document is replaced and the application resubmitted.
    const link = await smsLink(banryeo.digits, '반려');
    const second = await open('company_rejection-second');
    try {
      const b = second.page;
      b.setDefaultTimeout(15000);
      // The message names the address the server was set up with (here port 0 of `init`).
      await b.goto(link.replace(/^https?:\/\/[^/]+/, base));
      await b.getByRole('heading', { level: 1, name: '신청 이어하기' }).waitFor();
      const id = link.split('/').pop();
      check((await b.getByLabel('신청번호', { exact: true }).inputValue()) === id, 'the link fills in the application number');
      await second.audit('continue');
      // Within a minute of the last SMS code another one is refused, and the page says why.
      await b.getByRole('button', { name: '인증번호 받기' }).click();
      await b.locator('#continue-sent [role=alert], #continue-code:not([hidden])').first().waitFor();
      if (await b.locator('#continue-code').isHidden()) {
        await b.locator('#continue-sent').getByText('너무 자주', { exact: false }).waitFor();
        await second.screenshot('continue-too-soon');
        await b.locator('input[name=continue_channel][value=email]').check();
        await b.getByRole('button', { name: '인증번호 받기' }).click();
      }
      await b.locator('#continue-code').waitFor();
      const byEmail = await b.locator('input[name=continue_channel][value=email]').isChecked();
      const code = byEmail ? await emailCode(banryeo.email) : (await smsCode(banryeo.digits)).code;
      await b.getByLabel('인증번호 (6자리)', { exact: true }).fill(code === '000000' ? '111111' : '000000');
      await b.getByRole('button', { name: '신청 열기' }).click();
      await b.locator('#continue-result [role=alert]').waitFor();
      await b.getByLabel('인증번호 (6자리)', { exact: true }).fill(code);
      await second.screenshot('continue-code');
      await b.getByRole('button', { name: '신청 열기' }).click();
      await b.locator('#status-now [data-status=rejected]').waitFor();
      await b.locator('#status-fix').click();
      await b.getByRole('heading', { level: 1, name: '서류 제출' }).waitFor();
      await uploadDocuments(b, banryeo.representative, second.screenshot, second.audit, '다시 심사 요청');
      check(second.problems.length === 0, second.problems.join('\n'));

      // An officer approves the resubmitted application; the second browser shows the codes.
      const officer = await open('company_rejection-officer-again', { viewport: { width: 1280, height: 900 } });
      try {
        await officerSignsIn(officer.page);
        await openReview(officer.page, banryeo);
        await officer.page.getByRole('button', { name: '승인', exact: true }).click();
        await officer.page.locator('#approve-confirm').click();
        await officer.page.locator('#decision-result').filter({ hasText: /승인했습니다|두 번째 승인/ }).waitFor();
        check(officer.problems.length === 0, officer.problems.join('\n'));
      } finally {
        await officer.context.close();
      }
      await b.getByRole('heading', { level: 1, name: '참조번호와 인가코드' }).waitFor({ timeout: 30000 });
      check(/^[0-9-]{6,}$/.test((await b.locator('#reference-number').textContent()).trim()), 'the reference number is shown');
      // The approval links to the application too, over the channel the applicant chose last.
      const approval = byEmail ? await emailMatch(banryeo.email, 'approved', continueLink) : await smsLink(banryeo.digits, '승인');
      check(approval === link, `the approval links to ${approval}, not to the application ${link}`);
      await second.screenshot('codes');
    } finally {
      await second.context.close();
    }
  });

  test('proxy_journey', async ({ page, screenshot, audit, open }) => {
    const agent = { name: '김대리', phone: '010-7777-8888' };
    // An individual's application made by a proxy: the documents, then an officer's review.
    await page.goto(`${base}/portal/`);
    await page.getByRole('heading', { level: 1, name: '공동인증서 재발급 신청' }).waitFor();
    await page.locator('input[name=reason][value=forgot_password]').check();
    await page.getByLabel('대리인이 신청합니다', { exact: false }).check();
    await page.locator('#prepare-list').getByText('위임장과 대리인 신분증 사본').waitFor();
    await page.getByRole('button', { name: '다음' }).click();
    await page.getByRole('heading', { level: 1, name: '본인 확인 정보 입력' }).waitFor();
    await page.getByLabel('성명', { exact: true }).fill(park.name);
    await page.getByLabel('주민등록번호', { exact: true }).fill(park.resident);
    await page.getByLabel('휴대폰 번호', { exact: true }).fill(park.phone);
    await page.getByLabel('이메일 주소', { exact: true }).fill(park.email);
    await page.getByLabel('대리인 성명', { exact: true }).fill(agent.name);
    await page.getByLabel('대리인 휴대폰 번호', { exact: true }).fill(agent.phone);
    await screenshot('identity');
    await audit('identity-proxy');
    await page.getByRole('button', { name: '인증번호 받기' }).click();
    await verifyForDocuments(page, park.digits);
    const kinds = await uploadDocuments(page, agent.name, screenshot);
    check(kinds.join(',') === 'power_of_attorney,proxy_id', `documents asked of a proxy: ${kinds.join(',')}`);
    await page.locator('#status-now [data-status=in_review]').waitFor();
    await screenshot('in-review');

    const officer = await open('proxy_journey-officer', { viewport: { width: 1280, height: 900 } });
    try {
      await officerSignsIn(officer.page);
      await openReview(officer.page, park, 'individual');
      check((await officer.page.locator('[data-kind]').count()) === 2, 'the power of attorney and the proxy ID shown inline');
      await officer.page.locator('#application-facts').getByText(agent.name, { exact: false }).waitFor();
      await officer.page.locator('#register-facts').getByText(park.name).waitFor();
      const image = officer.page.locator('img.document-image[data-kind=proxy_id]');
      await officer.page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await image.elementHandle());
      await officer.page.waitForTimeout(1000); // the PDF viewer draws the page
      await officer.screenshot('review');
      await officer.page.getByRole('button', { name: '승인', exact: true }).click();
      await officer.page.locator('#approve-confirm').click();
      await officer.page.locator('#decision-result').filter({ hasText: /승인했습니다|두 번째 승인/ }).waitFor();
      await officer.screenshot('approved');
      check(officer.problems.length === 0, officer.problems.join('\n'));
    } finally {
      await officer.context.close();
    }
    // The applicant's status page, polling, shows the codes.
    await page.getByRole('heading', { level: 1, name: '참조번호와 인가코드' }).waitFor({ timeout: 30000 });
    const reference = (await page.locator('#reference-number').textContent()).trim();
    const authorization = (await page.locator('#authorization-code').textContent()).trim();
    check(/^[0-9-]{6,}$/.test(reference), `reference number ${reference}`);
    check(/^[0-9-]{8,}$/.test(authorization), `authorization code ${authorization}`);
    await screenshot('codes');
  });
}

// Issuance in the browser, on the result page: the key is made, the certificate fetched and the
// key file written by the page itself. The people are c-7, c-8 and c-9 of portal.sh's register;
// what they download goes to <out>/downloads, where portal.sh (downloads.sh) checks it with
// OpenSSL, python3 and the holder CLI.
const choi = { name: '최지우', resident: '950505-2678901', phone: '010-8181-8282', email: 'choi.jiwoo@example.com', digits: '01081818282' };
const kang = { name: '강민준', resident: '960606-1789012', phone: '010-9191-9292', email: 'kang.minjun@example.com', digits: '01091919292' };
const yoon = { name: '윤서연', resident: '970707-2890123', phone: '010-7272-7373', email: 'yoon.seoyeon@example.com', digits: '01072727373' };
// The certificate password (portal.sh passes it, as downloads.sh opens the files with it).
const certPassword = args['cert-password'] ?? 'Dojang-test-2026!';
const downloads = path.join(args.out, 'downloads');
const steps = ['key', 'request', 'certificate', 'save', 'confirm'];

/// Applies as `person`, enters the one-time code and waits for the result page's issuance form.
async function toIssueForm(page, person, seen = new Set(), server = { url: base, data: args.data }) {
  await applyAs(page, person, 'forgot_password', server.url);
  await page.getByRole('button', { name: '인증번호 받기' }).click();
  await page.getByRole('heading', { level: 1, name: '인증번호 입력' }).waitFor();
  const { code, file } = await smsCode(person.digits, seen, 30, server.data);
  seen.add(file);
  await page.getByLabel('인증번호 (6자리)', { exact: true }).fill(code);
  await page.getByRole('button', { name: '확인' }).click();
  await page.getByRole('heading', { level: 1, name: '참조번호와 인가코드' }).waitFor();
  const reference = (await page.locator('#reference-number').textContent()).trim();
  check(/^[0-9-]{6,}$/.test(reference), `reference number ${reference}`);
  check(/^[0-9-]{8,}$/.test((await page.locator('#authorization-code').textContent()).trim()), 'the authorization code is shown');
  await page.locator('section#issue-here').waitFor();
}

/// Records every request of the context (service workers included) with its body.
function recordRequests(context) {
  const sent = [];
  context.on('request', (request) => sent.push({ method: request.method(), url: request.url(), body: request.postDataBuffer() }));
  return sent;
}

/// Fails when a recorded request carries one of the passwords typed (as text, URL-encoded or in
/// base64) in its URL or body.
function checkPasswordNotSent(sent, when, passwords = [certPassword]) {
  const forms = passwords.flatMap((p) => [p, encodeURIComponent(p), Buffer.from(p).toString('base64')]);
  for (const { method, url, body } of sent) {
    for (const form of forms) {
      check(!url.includes(form), `${when}: a password left the browser in the URL of ${method} ${url}`);
      check(!body || !body.includes(Buffer.from(form)), `${when}: a password left the browser in the body of ${method} ${url}`);
    }
  }
}

/// The recorded requests that could change something on the server (not GET, HEAD, OPTIONS).
const writes = (sent) => sent.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method));

/// The error shown for an input of the issuance form: its aria-invalid and the text of the
/// .field-error of its field (the nearest enclosing element that has one).
async function issueFieldError(page, name) {
  const input = page.locator(`section#issue-here input[name=${name}]`);
  const text = await input.evaluate((element) => element.closest(':has(.field-error)')?.querySelector('.field-error')?.textContent ?? '');
  return { invalid: await input.getAttribute('aria-invalid'), text: text.trim() };
}

/// The form as the page shows it first: two password fields, the hint, the storage choice.
async function checkIssueForm(page) {
  const form = page.locator('section#issue-here');
  for (const name of ['cert_password', 'cert_password_again']) {
    check((await form.locator(`input[name=${name}]`).getAttribute('type')) === 'password', `${name} is a password input`);
  }
  await form.locator('#password-strength').waitFor({ state: 'attached' });
  check((await form.locator('input[name=storage]').count()) === 2, 'two storage choices');
  check(await form.locator('input[name=storage][value=disk]').isChecked(), 'the disk is the default storage');
  check(!(await form.locator('input[name=storage][value=browser]').isChecked()), 'the browser is not chosen by default');
  check((await form.getByRole('radio', { name: /^하드디스크/ }).getAttribute('value')) === 'disk', 'the disk choice is labelled 하드디스크·이동식디스크');
  check((await form.getByRole('radio', { name: /^브라우저/ }).getAttribute('value')) === 'browser', 'the browser choice is labelled 브라우저');
  await form.locator('#issue-start').waitFor();
}

/// Fills both passwords, chooses the storage and issues; waits for the end, checks every step
/// and prints how long it took. Returns the serial the page reports.
async function issue(page, storage) {
  await page.locator('section#issue-here input[name=cert_password]').fill(certPassword);
  await page.locator('section#issue-here input[name=cert_password_again]').fill(certPassword);
  check(((await page.locator('#password-strength').textContent()) ?? '').trim() !== '', 'the strength hint says something about a strong password');
  await page.locator(`section#issue-here input[name=storage][value=${storage}]`).check();
  // Each step of ol#issue-progress, in the order it got step-done (the list may come and go).
  await page.evaluate(() => {
    window.issueStepsDone = [];
    const look = () => {
      for (const item of document.querySelectorAll('ol#issue-progress li.step-done[data-step]')) {
        if (!window.issueStepsDone.includes(item.dataset.step)) window.issueStepsDone.push(item.dataset.step);
      }
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
  });
  const started = Date.now();
  await page.locator('#issue-start').click();
  const done = page.locator('section#issue-done');
  const failed = page.locator('#issue-result [role=alert]');
  // Key generation and PBKDF2 (600,000 iterations) run in the page: slow machines take a while.
  const saveNow = page.locator('#issue-result #download-zip');
  await done.or(failed).or(saveNow).first().waitFor({ timeout: 120000 });
  if (storage === 'disk' && !(await done.count()) && !(await failed.count())) {
    // On a disk the certificate is confirmed only once the holder has taken a file.
    check((await page.locator('ol#issue-progress li[data-step=confirm].step-done').count()) === 0, 'confirmed before the holder saved a file');
    const [first] = await Promise.all([page.waitForEvent('download'), saveNow.click()]);
    check((await first.failure()) === null, `the first ZIP download failed: ${await first.failure()}`);
    await done.or(failed).first().waitFor({ timeout: 120000 });
  }
  if (await failed.count()) throw new Error(`the issuance failed: ${(await failed.first().textContent()).trim()}`);
  console.log(`issued in the browser in ${Date.now() - started} ms (storage ${storage})`);
  const stepsDone = await page.evaluate(() => window.issueStepsDone);
  for (const step of steps) {
    check(stepsDone.includes(step), `the step ${step} never got step-done (done: ${stepsDone.join(', ') || 'none'})`);
  }
  const serial = await done.getAttribute('data-serial');
  check(/^[0-9A-Fa-f:]+$/.test(serial ?? ''), `data-serial ${serial}`);
  return serial;
}

/// Downloads the ZIP and the .pfx as <downloads>/<storage>.zip and .pfx, with the serial in
/// <storage>.serial.
async function saveDownloads(page, storage, serial) {
  await mkdir(downloads, { recursive: true });
  for (const [button, extension, name] of [['#download-zip', 'zip', /\.zip$/i], ['#download-pfx', 'pfx', /\.(pfx|p12)$/i]]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(button).click()]);
    check((await download.failure()) === null, `${button}: the download failed: ${await download.failure()}`);
    check(name.test(download.suggestedFilename()), `${button}: the file is called ${download.suggestedFilename()}`);
    const file = path.join(downloads, `${storage}.${extension}`);
    await download.saveAs(file);
    const bytes = await readFile(file);
    check(extension === 'zip' ? bytes.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')) : bytes[0] === 0x30, `${button}: ${file} is not a ${extension}`);
  }
  await writeFile(path.join(downloads, `${storage}.serial`), `${serial}\n`);
}

/// The records of IndexedDB's dojang-certificates/certificates (null when there is no such
/// database), with the bytes in base64 and the types of the byte fields.
async function storedCertificates(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const opening = indexedDB.open('dojang-certificates');
        // Opening a database that does not exist creates it: abort that, so that the page's own
        // first opening still creates its object store.
        opening.onupgradeneeded = () => opening.transaction.abort();
        opening.onerror = () => resolve(null);
        opening.onsuccess = () => {
          const db = opening.result;
          if (!db.objectStoreNames.contains('certificates')) {
            db.close();
            resolve({ keyPath: null, records: [] });
            return;
          }
          const store = db.transaction('certificates', 'readonly').objectStore('certificates');
          const all = store.getAll();
          all.onerror = () => {
            db.close();
            reject(new Error(`getAll: ${all.error}`));
          };
          all.onsuccess = () => {
            const base64 = (value) => (value instanceof ArrayBuffer ? btoa(String.fromCharCode(...new Uint8Array(value))) : null);
            const kind = (value) => Object.prototype.toString.call(value);
            resolve({
              keyPath: store.keyPath,
              records: all.result.map((record) => ({
                serial: record.serial,
                certificate: base64(record.certificate),
                certificateType: kind(record.certificate),
                key: base64(record.key),
                keyType: kind(record.key),
                subject: record.subject ?? null,
                notAfter: record.not_after ?? null,
                savedAt: record.saved_at ?? null,
                text: JSON.stringify(record, (_, value) => (value instanceof ArrayBuffer ? undefined : value)),
              })),
            });
            db.close();
          };
        };
      }),
  );
}

/// The IndexedDB record of `serial`, checked field by field.
async function storedCertificate(page, serial, when) {
  const stored = await storedCertificates(page);
  check(stored !== null, `${when}: no IndexedDB database dojang-certificates`);
  check(stored.keyPath === 'serial', `${when}: the object store certificates has keyPath ${JSON.stringify(stored.keyPath)}, not serial`);
  const record = stored.records.find((r) => r.serial === serial);
  check(record, `${when}: no record with serial ${serial} (records: ${stored.records.map((r) => r.serial).join(', ') || 'none'})`);
  check(record.certificateType === '[object ArrayBuffer]' && record.keyType === '[object ArrayBuffer]', `${when}: certificate is ${record.certificateType}, key ${record.keyType}, not ArrayBuffers`);
  const certificate = Buffer.from(record.certificate, 'base64');
  const key = Buffer.from(record.key, 'base64');
  check(certificate.length > 0 && certificate[0] === 0x30, `${when}: the stored certificate is not DER`);
  check(key.length > 0 && key[0] === 0x30, `${when}: the stored key is not DER`);
  check(record.subject !== null && record.subject !== '', `${when}: the record has no subject`);
  check(record.notAfter !== null && record.savedAt !== null, `${when}: the record lacks not_after or saved_at`);
  check(!record.text.includes(certPassword), `${when}: the record keeps the password`);
  return { certificate, key };
}

test('issuance_in_the_browser', async ({ page, context, screenshot, audit, open }) => {
  // Person A (c-7) keeps the certificate on disk: the form's errors first, then the issuance.
  const sent = recordRequests(context);
  await toIssueForm(page, choi);
  await checkIssueForm(page);
  await screenshot('issue-form');
  await audit('issue-form');
  const password = page.locator('section#issue-here input[name=cert_password]');
  const again = page.locator('section#issue-here input[name=cert_password_again]');
  const writesBefore = writes(sent).length;
  const weakPasswords = ['Short-1', 'longpassword2026', 'long-password-!', '2026-1234-5678!'];
  // Weak passwords (the rule of holder/password.cpp: 10+ characters with letters, digits and
  // symbols) are refused in the page.
  for (const weak of weakPasswords) {
    await password.fill(weak);
    await again.fill(weak);
    await page.locator('#issue-start').click();
    await page.locator('section#issue-here input[name=cert_password][aria-invalid=true]').waitFor();
    const error = await issueFieldError(page, 'cert_password');
    check(error.text !== '', `the weak password "${weak}" shows no error in its field`);
  }
  await screenshot('issue-weak');
  await audit('issue-weak');
  // A second password that differs: the error is on the second field.
  await password.fill(certPassword);
  await again.fill(`${certPassword}x`);
  await page.locator('#issue-start').click();
  await page.locator('section#issue-here input[name=cert_password_again][aria-invalid=true]').waitFor();
  const mismatch = await issueFieldError(page, 'cert_password_again');
  check(mismatch.text !== '', 'a different second password shows no error in its field');
  check((await issueFieldError(page, 'cert_password')).invalid !== 'true', 'the good first password is marked invalid');
  await screenshot('issue-mismatch');
  await audit('issue-mismatch');
  // Nothing was issued, nor even asked for.
  await sleep(1500);
  check((await page.locator('section#issue-done').count()) === 0, 'a refused password issued a certificate');
  check(writes(sent).length === writesBefore, `a refused password sent ${writes(sent).slice(writesBefore).map((r) => r.url).join(', ')}`);

  const serial = await issue(page, 'disk');
  check(writes(sent).length > writesBefore, 'the issuance sent nothing to the server');
  check((await page.locator('#issue-result [role=alert]').count()) === 0, 'an error is shown next to a finished issuance');
  await saveDownloads(page, 'disk', serial);
  // The checklist ticks what the page saw: saved, the password set, a second copy (ZIP + .pfx).
  for (const item of ['install', 'password', 'backup']) {
    check(await page.locator(`input[data-check=${item}]`).isChecked(), `the checklist item ${item} is not ticked after the issuance`);
  }
  check(!(await page.locator('input[data-check=old_devices]').isChecked()), 'the checklist ticks the old devices for the holder');
  await screenshot('issue-done');
  await audit('issue-done');
  checkPasswordNotSent(sent, 'storage disk', [certPassword, `${certPassword}x`, ...weakPasswords]);
  for (const line of await checkNothingKept(page, choi, 'after the issuance', false)) {
    check(!line.includes(certPassword), `the browser keeps the password: ${line}`);
  }

  // Person B (c-8) keeps it in the browser too: IndexedDB holds it, across a reload.
  const b = await open('issuance_in_the_browser-browser');
  try {
    b.page.setDefaultTimeout(15000);
    const bSent = recordRequests(b.context);
    await toIssueForm(b.page, kang);
    const bSerial = await issue(b.page, 'browser');
    check(bSerial !== serial, `two people got the same serial ${serial}`);
    await saveDownloads(b.page, 'browser', bSerial);
    await b.screenshot('issue-done');
    await b.audit('issue-done-browser');
    const kept = await storedCertificate(b.page, bSerial, 'after the issuance');
    await b.page.reload();
    await b.page.waitForLoadState('load');
    const reloaded = await storedCertificate(b.page, bSerial, 'after a reload');
    check(reloaded.certificate.equals(kept.certificate) && reloaded.key.equals(kept.key), 'the stored certificate changed across a reload');
    await writeFile(path.join(downloads, 'browser-indexeddb-signCert.der'), kept.certificate);
    await writeFile(path.join(downloads, 'browser-indexeddb-signPri.key'), kept.key);
    checkPasswordNotSent(bSent, 'storage browser');
    check(writes(bSent).length > 0, 'storage browser: the issuance sent nothing to the server');
    for (const line of await checkNothingKept(b.page, kang, 'storage browser, after a reload', false)) {
      check(!line.includes(certPassword), `the browser keeps the password: ${line}`);
    }
    check(b.problems.length === 0, b.problems.join('\n'));
  } finally {
    await b.context.close();
  }

  // Person C (c-9): the server refuses the request (its body replaced on the way), and the page
  // says so in #issue-result.
  const c = await open('issuance_in_the_browser-error');
  try {
    c.page.setDefaultTimeout(15000);
    const cSent = recordRequests(c.context);
    await toIssueForm(c.page, yoon);
    await c.page.route('**/*', (route) =>
      ['GET', 'HEAD', 'OPTIONS'].includes(route.request().method()) ? route.continue() : route.continue({ postData: '{}' }),
    );
    await c.page.locator('section#issue-here input[name=cert_password]').fill(certPassword);
    await c.page.locator('section#issue-here input[name=cert_password_again]').fill(certPassword);
    await c.page.locator('#issue-start').click();
    const alert = c.page.locator('#issue-result [role=alert]').first();
    await alert.waitFor({ timeout: 120000 });
    check(((await alert.textContent()) ?? '').trim() !== '', 'the server error is an empty alert');
    check((await c.page.locator('section#issue-done').count()) === 0, 'a refused request ended in #issue-done');
    check(writes(cSent).length > 0, 'the refused issuance sent nothing to the server');
    checkPasswordNotSent(cSent, 'a refused request');
    await c.screenshot('issue-error');
    await c.audit('issue-error');
    check(c.problems.length === 0, c.problems.join('\n'));
  } finally {
    await c.context.close();
  }
});

const han = { name: '한예슬', resident: '990909-2012345', phone: '010-4646-4747', email: 'han.yeseul@example.com', digits: '01046464747' };

test('application_outlives_the_tab', async ({ page, screenshot, open }) => {
  // The codes are shown, and the tab is closed before anything is issued.
  await toIssueForm(page, han);
  const reference = (await page.locator('#reference-number').textContent()).trim();
  const authorization = (await page.locator('#authorization-code').textContent()).trim();
  const id = await page.locator('#result-application').getAttribute('data-application');
  check(/^a[0-9a-f]{20}$/.test(id ?? ''), `the result page names the application: ${id}`);
  await screenshot('codes');
  await page.goto('about:blank');

  // Another browser: the start page leads to the continuation, which asks for a fresh code.
  const b = await open('application_outlives_the_tab-second');
  try {
    b.page.setDefaultTimeout(15000);
    await b.page.goto(`${base}/portal/`);
    await b.page.locator('#start-continue a').click();
    await b.page.getByRole('heading', { level: 1, name: '신청 이어하기' }).waitFor();
    const number = b.page.getByLabel('신청번호', { exact: true });
    await number.fill('b123');
    await b.page.getByRole('button', { name: '인증번호 받기' }).click();
    await b.page.locator('input[name=application][aria-invalid=true]').waitFor();
    await number.fill(id.toUpperCase());
    // The SMS code of the application went out a moment ago: this one goes by e-mail.
    await b.page.locator('input[name=continue_channel][value=email]').check();
    await b.page.getByRole('button', { name: '인증번호 받기' }).click();
    await b.page.locator('#continue-code').waitFor();
    await b.screenshot('continue');
    await b.audit('continue');
    const code = await emailCode(han.email);
    await b.page.getByLabel('인증번호 (6자리)', { exact: true }).fill(code);
    await b.page.getByRole('button', { name: '신청 열기' }).click();
    // The same codes, still unused, and the issuance in this browser.
    await b.page.getByRole('heading', { level: 1, name: '참조번호와 인가코드' }).waitFor();
    check((await b.page.locator('#reference-number').textContent()).trim() === reference, 'another reference number');
    check((await b.page.locator('#authorization-code').textContent()).trim() === authorization, 'another authorization code');
    const serial = await issue(b.page, 'browser');
    check(/^[0-9A-Fa-f]+$/.test(serial ?? ''), `no serial after the issuance: ${serial}`);
    // Used codes leave the screen.
    await b.page.locator('#codes-used').waitFor();
    check((await b.page.locator('#reference-number, #authorization-code').count()) === 0, 'the used codes are still on the screen');
    await b.screenshot('issued');
    await b.audit('issued');
    // The status page of this browser follows the application to its end.
    await b.page.goto(`${base}/portal/#/status`);
    await b.page.locator('#status-now [data-status=confirmed]').waitFor({ timeout: 30000 });
    check(b.problems.length === 0, b.problems.join('\n'));
  } finally {
    await b.context.close();
  }
});

/// The card of one certificate on the manager page.
const card = (page, serial) => page.locator(`li.certificate[data-serial="${serial}"]`);

/// Waits until the card's live status (OCSP through the server, checked in the page) is `want`;
/// the responder may take a moment to see a revocation, so the page is opened again meanwhile.
async function waitForStatus(page, serial, want) {
  let seen = '';
  for (let i = 0; i < 30; i++) {
    const status = card(page, serial).locator('.status');
    await status.and(page.locator(':not([data-status=checking])')).waitFor({ timeout: 20000 });
    seen = await status.getAttribute('data-status');
    if (seen === want) return;
    await sleep(1000);
    await page.reload();
    await card(page, serial).waitFor();
  }
  throw new Error(`certificate ${serial}: status ${seen}, expected ${want}`);
}

const seo = { name: '서지호', resident: '980808-1901234', phone: '010-5656-5757', email: 'seo.jiho@example.com', digits: '01056565757' };

test('certificate_manager', async ({ page, context, screenshot, audit }) => {
  const { execFileSync } = await import('node:child_process');
  const sent = recordRequests(context);
  const newPassword = 'Another-pass-2027#';
  // A certificate kept in the browser, then the manager at its own address.
  const codesSeen = new Set();
  await toIssueForm(page, seo, codesSeen);
  const firstCode = Date.now();
  const first = await issue(page, 'browser');
  await page.goto(`${base}/portal/certificates`);
  await page.getByRole('heading', { level: 1, name: '내 인증서 관리' }).waitFor();
  await card(page, first).waitFor();
  await waitForStatus(page, first, 'good');
  const days = Number(await card(page, first).locator('[data-days]').getAttribute('data-days'));
  check(days > 300 && days <= 366, `days left ${days}`);
  await screenshot('manager');
  await audit('manager');

  // The password: a wrong current one is refused; the change keeps the key and R.
  await card(page, first).locator('[data-action=password]').click();
  const form = card(page, first).locator('form');
  await form.locator('input[name$=-current]').fill('Not-the-password-1!');
  await form.locator('input[name$=-new]').fill(newPassword);
  await form.locator('input[name$=-again]').fill(newPassword);
  await form.locator('button[type=submit]').click();
  await form.getByText('비밀번호가 맞지 않습니다').waitFor({ timeout: 30000 });
  await form.locator('input[name$=-current]').fill(certPassword);
  await form.locator('button[type=submit]').click();
  await form.getByText('비밀번호를 바꿨습니다').waitFor({ timeout: 30000 });
  await audit('manager-password');

  // Export as .pfx with the new password: OpenSSL opens it with that password only, and the
  // key attributes still carry R.
  await card(page, first).locator('[data-action=export-pfx]').click();
  const exportForm = card(page, first).locator('form');
  await exportForm.locator('input[name$=-current]').fill(newPassword);
  const [download] = await Promise.all([page.waitForEvent('download'), exportForm.locator('button[type=submit]').click()]);
  await mkdir(downloads, { recursive: true });
  const pfxFile = path.join(downloads, 'manager.pfx');
  await download.saveAs(pfxFile);
  const info = execFileSync('openssl', ['pkcs12', '-in', pfxFile, '-passin', `pass:${newPassword}`, '-nodes', '-info'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString('latin1');
  check(/1\.2\.410\.200004\.10\.1\.1\.3: ([0-9A-F]{2} ){20}/.test(info), 'the exported .pfx keeps R (randomNum) as a key attribute');
  let oldOpens = true;
  try {
    execFileSync('openssl', ['pkcs12', '-in', pfxFile, '-passin', `pass:${certPassword}`, '-nodes', '-noout'], { stdio: 'ignore' });
  } catch {
    oldOpens = false;
  }
  check(!oldOpens, 'the .pfx exported after the change opens with the old password');

  // The same holder reissues again (a forgotten password): the new certificate joins the old
  // one in the browser, and once it is confirmed OCSP calls the old one revoked. A phone gets
  // one code a minute: wait that minute out.
  await sleep(Math.max(0, 62_000 - (Date.now() - firstCode)));
  await toIssueForm(page, seo, codesSeen);
  const second = await issue(page, 'browser');
  check(second !== first, 'the reissue has the old serial');
  await page.goto(`${base}/portal/certificates`);
  await card(page, second).waitFor();
  await waitForStatus(page, second, 'good');
  await waitForStatus(page, first, 'revoked');
  await screenshot('manager-revoked');

  // A renewal asked for 365 days before expiry: refused, with the day it opens.
  await card(page, second).locator('[data-action=renew]').click();
  const early = card(page, second).locator('form');
  await early.locator('input[type=password]').fill(certPassword);
  await early.locator('button[type=submit]').click();
  await early.getByText('아직 갱신 기간이 아닙니다').waitFor({ timeout: 30000 });
  await early.locator('details.problem-detail summary').click();
  check(/renewal opens on \d{4}-\d{2}-\d{2}/.test(await early.locator('details.problem-detail').innerText()), 'the refusal does not name the day renewal opens');
  await audit('manager-too-early');

  // Delete the revoked one (two clicks).
  await card(page, first).locator('[data-action=delete]').click();
  await card(page, first).locator('[data-action=delete-confirm]').click();
  await card(page, first).waitFor({ state: 'detached' });
  check((await page.locator('li.certificate').count()) === 1, 'one certificate left after the delete');

  // A file opened from disk: the .pfx exported above, with its password.
  await page.locator('#open-files').setInputFiles(pfxFile);
  const open = page.locator('#open-result form');
  await open.locator('input[name$=-current]').fill(newPassword);
  await open.locator('button[type=submit]').click();
  await page.locator(`#opened-certificates li.certificate[data-serial="${first}"]`).waitFor();
  await audit('manager-opened');
  checkPasswordNotSent(sent, 'certificate manager', [certPassword, newPassword, 'Not-the-password-1!']);
});

/// openssl's view of a certificate (DER in a Buffer): `openssl x509 ARGS`.
async function opensslX509(der, args) {
  const { execFileSync } = await import('node:child_process');
  return execFileSync('openssl', ['x509', '-inform', 'DER', ...args], { input: der }).toString('utf8');
}

test('renewal_in_the_browser', async ({ page, screenshot, audit }) => {
  check(args['renewal-url'], 'portal.sh gives no --renewal-url (a server with 20-day certificates)');
  const short = { url: args['renewal-url'], data: args['renewal-data'] };
  // A certificate of the 20-day server, kept in the browser: inside its renewal window.
  await toIssueForm(page, hong, new Set(), short);
  const old = await issue(page, 'browser');
  const before = (await storedCertificates(page)).records.find((r) => r.serial === old);
  check(before, 'the certificate to renew is not in IndexedDB');
  const oldDer = Buffer.from(before.certificate, 'base64');
  await page.goto(`${short.url}/portal/certificates`);
  await card(page, old).waitFor();
  await waitForStatus(page, old, 'good');
  await card(page, old).getByText('갱신할 수 있는 기간').waitFor();
  await screenshot('renewable');
  await audit('renewable');

  // A wrong password first, then the renewal.
  await card(page, old).locator('[data-action=renew]').click();
  const form = card(page, old).locator('form');
  await form.locator('input[type=password]').fill('Wrong-password-1!');
  await form.locator('button[type=submit]').click();
  await form.getByText('비밀번호가 맞지 않습니다').waitFor({ timeout: 30000 });
  await form.locator('input[type=password]').fill(certPassword);
  await form.locator('button[type=submit]').click();
  await page.locator('#manage-flash').getByText('갱신했습니다').waitFor({ timeout: 60000 });
  const serials = await page.locator('li.certificate').evaluateAll((items) => items.map((item) => item.dataset.serial));
  check(serials.length === 1 && serials[0] !== old, `after the renewal the browser keeps ${serials.join(', ')}`);
  const renewed = serials[0];
  await waitForStatus(page, renewed, 'good');
  await screenshot('renewed');
  await audit('renewed');

  // What OpenSSL says: the renewed certificate has the new key of the stored key file, the
  // same subject and subjectAltName (so the same VID), and the old one is revoked.
  const after = (await storedCertificates(page)).records.find((r) => r.serial === renewed);
  check(after, 'the renewed certificate is not in IndexedDB');
  const newDer = Buffer.from(after.certificate, 'base64');
  const describe = ['-noout', '-subject', '-ext', 'subjectAltName'];
  check((await opensslX509(newDer, describe)) === (await opensslX509(oldDer, describe)), 'the renewal changed the subject or subjectAltName');
  check((await opensslX509(newDer, ['-noout', '-pubkey'])) !== (await opensslX509(oldDer, ['-noout', '-pubkey'])), 'the renewed certificate has the old key');
  const { execFileSync } = await import('node:child_process');
  const work = path.join(args.out, 'renewal');
  await mkdir(work, { recursive: true });
  await writeFile(path.join(work, 'old.der'), oldDer);
  await writeFile(path.join(work, 'chain.pem'), await (await fetch(`${short.url}/ca/issuing.pem`)).text());
  await writeFile(path.join(work, 'root.pem'), await (await fetch(`${short.url}/ca/root.pem`)).text());
  execFileSync('openssl', ['x509', '-inform', 'DER', '-in', path.join(work, 'old.der'), '-out', path.join(work, 'old.pem')]);
  const ocsp = execFileSync('openssl', ['ocsp', '-issuer', path.join(work, 'chain.pem'), '-cert', path.join(work, 'old.pem'), '-CAfile', path.join(work, 'root.pem'), '-url', `${short.url}/ocsp`, '-no_nonce'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  check(/: revoked/.test(ocsp) && /Reason: superseded/.test(ocsp), `OCSP on the renewed-away certificate: ${ocsp}`);

  // The holder revokes the renewed certificate with its key.
  await card(page, renewed).locator('[data-action=revoke]').click();
  const revoke = card(page, renewed).locator('form');
  await revoke.locator('select').selectOption('key_compromise');
  await revoke.locator('input[type=password]').fill(certPassword);
  await revoke.locator('button[type=submit]').click();
  await page.locator('#manage-flash').getByText('폐지했습니다').waitFor({ timeout: 30000 });
  await waitForStatus(page, renewed, 'revoked');
  await audit('revoked');
});

test('help_for_holders', async ({ page, screenshot, audit }) => {
  // Questions and answers first, each opening where it is asked; the operator's number dials.
  await page.goto(`${base}/portal/#/help`);
  await page.getByRole('heading', { level: 2, name: '자주 묻는 질문' }).waitFor();
  const questions = page.locator('#faq details');
  check((await questions.count()) >= 8, `${await questions.count()} questions on the help page`);
  await page.getByText('인증서 비밀번호를 잊었어요. 찾을 수 있나요?').click();
  await page.getByText('찾을 수 없습니다.', { exact: false }).waitFor();
  const config = await (await fetch(`${base}/portal/config.json`)).json();
  const phone = page.locator('#contact-phone');
  check((await phone.getAttribute('href')) === `tel:${config.contact.replace(/[^+\d]/g, '')}`, `the contact link is ${await phone.getAttribute('href')} for ${config.contact}`);
  check((await phone.textContent()) === config.contact, 'the contact link shows the number as configured');
  await screenshot('help');
  await audit('help');
});

let passed = 0;
let failed = 0;
for (const { name, body } of tests) {
  if (only && !only.split(',').includes(name)) continue;
  const session = await open(name);
  session.page.setDefaultTimeout(15000);
  const started = Date.now();
  try {
    await body({ ...session, open });
    check(session.problems.length === 0, session.problems.join('\n'));
    passed += 1;
    console.log(`ok - ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failed += 1;
    console.log(`not ok - ${name}: ${error.message}`);
    await session.screenshot('failure').catch(() => undefined);
  } finally {
    await session.context.close();
  }
}
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
