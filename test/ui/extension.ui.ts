// kraken-import in a real VS Code, as a person sees it: the packaged .vsix installed into code-server (VS Code
// 1.100.3's workbench) and driven from headless chromium (see test/ui/README.md for the harness).
//
// On a workspace copy of examples/:
//   (a) the seed account opens with no error squiggles, and the language status says "Kraken: Account";
//   (b) the deliberate mistake `"sales_channel": "direct"` has its squiggle under "direct" and its Problems entry
//       (message, source, code, Ln/Col);
//   (e) the quick fix turns "direct" into "DIRECT" and the error goes;
//   (d) hovering a property shows its documentation;
//   (c) Ctrl+Space inside an object offers a missing property and inserts it;
//   (f) "Kraken Import: Validate with Kraken" against a local sandbox (asks the API key in an input box, kept in
//       SecretStorage) shows Kraken's own error inline, with source "Kraken";
//   (g) after a reload of the window, "Show Kraken Responses…" still lists that call (the history lives in the
//       workspace's state) and opens its response in a tab, without sending anything again.
//
// Build and run (after scripts/setup-code-server.sh): node scripts/build.mjs && node --test --test-reporter=spec out/ui/
// Screenshots: .test-output/ui/ext-*.png. Env: KRAKEN_VSIX=<file> to test an existing package instead of packing one.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startSandbox, type RequestLogEntry, type SandboxHandle } from '../../sandbox/src/index';
import {
  collectConsole,
  freePort,
  launchBrowser,
  openProblems,
  openWorkbench,
  openWorkspaceFile,
  readProblemDetails,
  repoRoot,
  screenshot,
  startCodeServer,
  waitForProblem,
  type CodeServer,
  type Problem,
} from '../../tools/codeServer';

const SEED = 'account-de.json';
const MISTAKES = 'mistakes/account-with-mistakes.json';
const SANDBOX_KEY = 'sandbox-ui-test-key';
const EDITOR = '.editor-group-container.active .editor-container .monaco-editor';

let scratch: string;
let workspace: string;
let sandbox: SandboxHandle | undefined;
let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;
let consoleLines: string[] = [];
const sandboxRequests: RequestLogEntry[] = [];
const timings: Record<string, number> = {};

// ------------------------------------------------------------------------------------------------ setup

function packageVsix(out: string): string {
  if (process.env.KRAKEN_VSIX) return process.env.KRAKEN_VSIX;
  const root = repoRoot();
  for (const f of ['dist/client.js', 'dist/server.js']) {
    if (!existsSync(join(root, f))) throw new Error(`${f} missing: run node scripts/build.mjs first`);
  }
  execFileSync(process.execPath, [join(root, 'scripts', 'package.mjs'), '--no-build', '--quiet', '--out', out], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out;
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'kraken-ui-ext-'));
  workspace = join(scratch, 'examples');
  cpSync(join(repoRoot(), 'examples'), workspace, { recursive: true });

  let t = Date.now();
  const vsix = packageVsix(join(scratch, 'kraken-import.vsix'));
  timings.packageMs = Date.now() - t;

  // The extension's default environment is "Local sandbox" on 127.0.0.1:8787. Use that port when it is free (no
  // settings needed); otherwise (another sandbox running) a free port, given to the extension through its settings.
  let port = 8787;
  try {
    sandbox = await startSandbox({ port, apiKey: SANDBOX_KEY, log: () => undefined, onRequest: (e) => sandboxRequests.push(e) });
  } catch {
    port = await freePort();
    sandbox = await startSandbox({ port, apiKey: SANDBOX_KEY, log: () => undefined, onRequest: (e) => sandboxRequests.push(e) });
  }
  timings.sandboxPort = port;
  // reduceMotion: hovers and widgets appear without a fade, so a screenshot never catches them half-drawn.
  const settings: Record<string, unknown> = { 'editor.hover.delay': 100, 'workbench.reduceMotion': 'on' };
  if (port !== 8787) {
    settings['krakenImport.environments'] = [
      {
        name: 'Local sandbox',
        baseUrl: `http://127.0.0.1:${port}`,
        flow: 'v1',
        importSupplier: 'TENTACLE_ENERGY',
        operationsTeam: 'A',
        auth: 'api-key-header',
      },
    ];
  }

  t = Date.now();
  server = await startCodeServer({ workspace, extensionVsix: vsix, settings });
  timings.installAndStartMs = Date.now() - t;
  browser = await launchBrowser();
  t = Date.now();
  page = await openWorkbench(browser, server);
  consoleLines = collectConsole(page);
  timings.workbenchMs = Date.now() - t;
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  await sandbox?.close();
  rmSync(scratch, { recursive: true, force: true });
  console.log('timings (ms):', JSON.stringify(timings));
});

/** Runs a test step; on failure keeps a screenshot and prints the page console. */
async function step(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    await screenshot(page, `ext-failure-${name}`).catch(() => undefined);
    console.error(consoleLines.slice(-80).join('\n'));
    throw e;
  }
}

// ------------------------------------------------------------------------------------------------ helpers

/** Runs a command from the palette by its "Category: Title" label. */
async function runCommand(label: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`>${label}`);
  const row = page.locator(`.quick-input-widget .quick-input-list .monaco-list-row[aria-label^="${label}"]`).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
}

/** The rendered text of the active editor's line that contains `needle` (monaco renders spaces as U+00A0). */
async function lineText(needle: string): Promise<string | undefined> {
  return page.evaluate(
    ({ sel, needle }) => {
      const lines = Array.from(document.querySelectorAll(`${sel} .view-lines .view-line`)).map((l) =>
        (l.textContent ?? '').replace(/\u00a0/g, ' '),
      );
      return lines.find((l) => l.includes(needle));
    },
    { sel: EDITOR, needle },
  );
}

/** Moves the cursor to line:column (1-based) with Go to Line. */
async function goTo(line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 15_000 });
  await page.waitForSelector(`.statusbar-item[id="status.editor.selection"]:has-text("Ln ${line}, Col ${column}")`, { timeout: 15_000 });
}

/** The bounding boxes of the error squiggles and of the token spans with exactly `token` as text, on screen. */
async function squiggleOverToken(token: string): Promise<{ squiggles: DOMRectLike[]; tokens: DOMRectLike[] }> {
  return page.evaluate(
    ({ sel, token }) => {
      const box = (el: Element) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      };
      const ed = document.querySelector(sel)!;
      return {
        squiggles: Array.from(ed.querySelectorAll('.squiggly-error')).map(box),
        tokens: Array.from(ed.querySelectorAll('.view-lines .view-line span span'))
          .filter((s) => (s.textContent ?? '') === token)
          .map(box),
      };
    },
    { sel: EDITOR, token },
  );
}
interface DOMRectLike {
  x: number;
  y: number;
  width: number;
  height: number;
}

function errorsOf(problems: Problem[], file: string): Problem[] {
  return problems.filter((p) => p.severity === 'error' && p.file.endsWith('/' + file));
}

// ------------------------------------------------------------------------------------------------ tests

test('(a) the seed account opens clean, with its payload kind in the language status', { timeout: 180_000 }, async () => {
  await step('a', async () => {
    const t = Date.now();
    await openWorkspaceFile(page, SEED);
    // The server has answered once the language status carries a kind; the status bar's language status
    // indicator then opens a hover listing the items.
    const indicator = page.locator('.statusbar-item[id="status.languageStatus"]');
    await indicator.waitFor({ state: 'visible', timeout: 60_000 });
    await indicator.click();
    const hover = page.locator('.monaco-hover .hover-language-status');
    await hover.first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForSelector('.monaco-hover .hover-language-status:has-text("Kraken: Account")', { timeout: 60_000 });
    timings.openToKindMs = Date.now() - t;
    // Pin it, so the status bar shows it from now on (and the screenshots show it).
    const pin = page.locator('.monaco-hover .hover-language-status:has-text("Kraken: Account") .action-label.codicon-pin');
    if (await pin.count()) await pin.first().click();
    await page.keyboard.press('Escape');
    await page.mouse.move(700, 400);
    await page.waitForSelector('.statusbar-item:has-text("Kraken: Account")', { timeout: 15_000 });

    // Warnings (check digits of the sample's market partner IDs, further down) but no errors: wait until the
    // server has published them to Problems, then there must be no error there nor a squiggle in view.
    await openProblems(page);
    await waitForProblem(page, /kraken-import\(market-partner-check-digit\)/, { timeoutMs: 60_000 });
    const problems = await readProblemDetails(page);
    assert.deepEqual(errorsOf(problems, SEED), [], 'no errors in Problems for the seed account');
    assert.ok(
      problems.every((p) => p.file.endsWith('/' + SEED)),
      `only the seed account has problems: ${JSON.stringify(problems)}`,
    );
    assert.equal(await page.locator(`${EDITOR} .squiggly-error`).count(), 0, 'no error squiggles in the seed account');
    await screenshot(page, 'ext-a-seed-clean');
  });
});

test('(c) completion: Ctrl+Space inside an object offers the missing properties and inserts one', { timeout: 120_000 }, async () => {
  await step('c', async () => {
    await openWorkspaceFile(page, SEED);
    // Line 7 of the seed is `      "given_name": "Johann",` inside customers[0]: a new line after it.
    await goTo(7, 30);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Space');
    const widget = page.locator(`${EDITOR} .suggest-widget.visible`);
    await widget.waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForSelector(`${EDITOR} .suggest-widget.visible .monaco-list-row[aria-label*="pronouns"]`, {
      state: 'attached',
      timeout: 30_000,
    });
    const labels = await page.$$eval(`${EDITOR} .suggest-widget.visible .monaco-list-row`, (rows) =>
      rows.map((r) => r.getAttribute('aria-label') ?? ''),
    );
    // Properties the customer does not have yet are offered; those it has are not.
    assert.ok(!labels.some((l) => /^"?given_name\b/.test(l)), `given_name is already there: ${JSON.stringify(labels)}`);
    await screenshot(page, 'ext-c-completion');
    await page.keyboard.type('pronouns');
    await page.waitForSelector(`${EDITOR} .suggest-widget.visible .monaco-list-row.focused[aria-label*="pronouns"]`, { timeout: 15_000 });
    await page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: 15_000 });
    await page.waitForFunction(
      (sel) =>
        Array.from(document.querySelectorAll(`${sel} .view-lines .view-line`)).some((l) =>
          /^\s*"pronouns"\s*:/.test((l.textContent ?? '').replace(/\u00a0/g, ' ')),
        ),
      EDITOR,
      { timeout: 15_000 },
    );
    const inserted = await lineText('"pronouns"');
    assert.match(inserted ?? '', /^ {6}"pronouns"\s*:/, `inserted at the customer's indentation: ${JSON.stringify(inserted)}`);
    await screenshot(page, 'ext-c-completion-inserted');
    // Leave the seed as it was.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+Z');
  });
});

test('(b) a broken field: squiggle under the value, Problems entry with message, code and position', { timeout: 120_000 }, async () => {
  await step('b', async () => {
    await openWorkspaceFile(page, MISTAKES);
    await openProblems(page);
    const rows = await waitForProblem(page, /"direct" is not a valid sales channel/, { timeoutMs: 60_000 });
    const problems = await readProblemDetails(page);
    const direct = problems.find((p) => p.message.includes('"direct" is not a valid sales channel'));
    assert.ok(direct, JSON.stringify(rows));
    assert.equal(direct.severity, 'error');
    assert.ok(direct.file.endsWith('/' + MISTAKES), direct.file);
    assert.match(direct.message, /did you mean "DIRECT"\?/);
    assert.equal(direct.source, 'kraken-import');
    assert.equal(direct.code, 'invalid-enum');
    assert.deepEqual([direct.line, direct.column], [30, 20]);
    // The file's four errors, in order.
    assert.deepEqual(
      errorsOf(problems, MISTAKES).map((p) => [p.code, p.line, p.column]),
      [
        ['phone-number', 10, 19],
        ['invalid-format', 11, 24],
        ['invalid-enum', 30, 20],
        ['date-order', 46, 31],
      ],
    );

    // Clicking the entry reveals it: the cursor lands on 30:20, and an error squiggle sits under "direct".
    await page.locator('.markers-panel .monaco-list-row', { hasText: '"direct" is not a valid sales channel' }).first().click();
    // It selects the finding's range: from 30:20, the 8 characters of `"direct"`.
    await page.waitForSelector('.statusbar-item[id="status.editor.selection"]:has-text("Ln 30, Col 28 (8 selected)")', { timeout: 15_000 });
    const { squiggles, tokens } = await squiggleOverToken('"direct"');
    assert.equal(tokens.length, 1, 'the "direct" token is rendered once');
    const tok = tokens[0];
    const under = squiggles.filter(
      (s) => Math.abs(s.x - tok.x) < 2 && Math.abs(s.width - tok.width) < 2 && Math.abs(s.y - tok.y) < tok.height,
    );
    assert.equal(
      under.length,
      1,
      `one squiggle exactly under "direct": token ${JSON.stringify(tok)}, squiggles ${JSON.stringify(squiggles)}`,
    );
    await screenshot(page, 'ext-b-problems');
  });
});

test('(e) the quick fix turns "direct" into "DIRECT" and the error goes', { timeout: 120_000 }, async () => {
  await step('e', async () => {
    // (b) left the selection on "direct" in the mistakes file.
    await goTo(30, 22);
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row.action', { hasText: 'Change to "DIRECT"' }).first();
    await fix.waitFor({ state: 'visible', timeout: 30_000 });
    // The widget is driven by keyboard (a pointer block covers it until the mouse moves): focus the fix, Enter.
    const rows = await page.locator('.action-widget .monaco-list-row.action').count();
    for (let i = 0; i <= rows && !((await fix.getAttribute('class')) ?? '').includes('focused'); i++)
      await page.keyboard.press('ArrowDown');
    assert.match((await fix.getAttribute('class')) ?? '', /\bfocused\b/, 'the fix is focused');
    await screenshot(page, 'ext-e-quick-fix');
    await page.keyboard.press('Enter');
    await fix.waitFor({ state: 'hidden', timeout: 15_000 });
    await page.waitForFunction(
      (sel) =>
        Array.from(document.querySelectorAll(`${sel} .view-lines .view-line`)).some((l) =>
          (l.textContent ?? '').replace(/\u00a0/g, ' ').includes('"sales_channel": "DIRECT"'),
        ),
      EDITOR,
      { timeout: 15_000 },
    );
    // The server re-validates the edited text: the invalid-enum entry leaves Problems, the other errors stay.
    await page.waitForFunction(
      () => {
        const rows = Array.from(document.querySelectorAll('.markers-panel .monaco-list-row')).map((r) => r.textContent ?? '');
        return rows.some((r) => r.includes('date-order')) && !rows.some((r) => r.includes('"direct" is not a valid sales channel'));
      },
      null,
      { timeout: 30_000 },
    );
    const errors = errorsOf(await readProblemDetails(page), MISTAKES).map((p) => [p.code, p.line]);
    assert.deepEqual(errors, [
      ['phone-number', 10],
      ['invalid-format', 11],
      ['date-order', 46],
    ]);
  });
});

test('(d) hovering a property shows its documentation', { timeout: 120_000 }, async () => {
  await step('d', async () => {
    await goTo(30, 8);
    const key = page.locator(`${EDITOR} .view-lines .view-line span span`, { hasText: /^"sales_channel"$/ }).first();
    await key.waitFor({ state: 'visible', timeout: 15_000 });
    await page.mouse.move(10, 10);
    await key.hover();
    const hover = page.locator('.monaco-hover', { hasText: 'How the customer was acquired' }).first();
    await hover.waitFor({ state: 'visible', timeout: 30_000 });
    const text = (await hover.textContent()) ?? '';
    assert.match(text, /DIRECT/, `the allowed values are listed: ${text.slice(0, 400)}`);
    await screenshot(page, 'ext-d-hover');
    await page.mouse.move(10, 10);
    await page.keyboard.press('Escape');
  });
});

test(
  '(f) "Kraken Import: Validate with Kraken" against the local sandbox shows Kraken\'s errors inline',
  { timeout: 180_000 },
  async () => {
    await step('f', async () => {
      const before = sandboxRequests.length;
      await runCommand('Kraken Import: Validate with Kraken');
      // No key stored yet: the command asks for it (a password input box) and keeps it in SecretStorage.
      const title = page.locator('.quick-input-widget .quick-input-title', { hasText: 'Kraken API key for "Local sandbox"' });
      await title.waitFor({ state: 'visible', timeout: 30_000 });
      const input = page.locator('.quick-input-widget .quick-input-box input');
      assert.equal(await input.getAttribute('type'), 'password');
      await input.fill(SANDBOX_KEY);
      await page.keyboard.press('Enter');

      // Kraken's answer (400 with its attr errors) becomes diagnostics with source "Kraken" at the fields it names.
      await waitForProblem(page, / Kraken(\(|$| \[)/, { timeoutMs: 60_000 });
      const problems = await readProblemDetails(page);
      const kraken = problems.filter((p) => p.source === 'Kraken');
      assert.ok(kraken.length > 0, JSON.stringify(problems));
      assert.ok(
        kraken.some((p) => p.line === 11 && p.severity === 'error'),
        `a Kraken error on date_of_birth (line 11): ${JSON.stringify(kraken)}`,
      );
      const calls = sandboxRequests.slice(before);
      assert.ok(
        calls.some((c) => c.method === 'POST' && /validate-account\/?$/.test(c.path) && c.status === 400 && c.auth === 'api-key'),
        `the sandbox saw the validate call with the key: ${JSON.stringify(calls)}`,
      );
      // The error notification says what happened.
      await page.waitForSelector('.notification-toast-container .notification-list-item-message:has-text("Kraken")', { timeout: 30_000 });
      await screenshot(page, 'ext-f-kraken-validate');
      // Inline: hovering the date of birth shows Kraken's finding beside the local one.
      await runCommand('Notifications: Clear All Notifications');
      await goTo(11, 24);
      const dob = page.locator(`${EDITOR} .view-lines .view-line span span`, { hasText: /^"26\.07\.1997"$/ }).first();
      await dob.waitFor({ state: 'visible', timeout: 15_000 });
      await page.mouse.move(10, 10);
      await dob.hover();
      const hover = page.locator('.monaco-hover', { hasText: /\bKraken(\(|\s|$)/ }).first();
      await hover.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match((await hover.textContent()) ?? '', /kraken-import\(invalid-format\)/, 'the local finding too');
      await screenshot(page, 'ext-f-kraken-inline');
    });
  },
);

test(
  '(g) the response history outlives a reload: Show Kraken Responses… lists the validate call and opens it',
  { timeout: 180_000 },
  async () => {
    await step('g', async () => {
      const before = sandboxRequests.length;
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      // The extension is back (its environment item in the status bar).
      await page.locator('.statusbar-item', { hasText: 'Kraken: Local sandbox' }).first().waitFor({ state: 'visible', timeout: 60_000 });
      await runCommand('Kraken Import: Show Kraken Responses…');
      const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      const validate = rows.filter({ hasText: /^400 Validate/ }).first();
      await validate.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match((await validate.textContent()) ?? '', /Local sandbox · POST \/v1\/data-import\/validate-account\//);
      await validate.click();
      // The kept exchange in a read-only JSON tab: what was sent where, the key as a placeholder, never the key.
      // The tab of the active group (the one VS Code restored may be active in the other group too).
      const tab = page.locator('.editor-group-container.active .tabs-container .tab.active', { hasText: /^Validate/ });
      await tab.waitFor({ state: 'visible', timeout: 30_000 });
      await page.waitForFunction(
        (sel) => {
          const text = Array.from(document.querySelectorAll(`${sel} .view-lines .view-line`))
            .map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '))
            .join('\n');
          return /"environment": "Local sandbox"/.test(text) && /"Authorization": "Token \$KRAKEN_API_KEY"/.test(text);
        },
        EDITOR,
        { timeout: 30_000 },
      );
      const shown = await page.locator(`${EDITOR} .view-lines`).textContent();
      assert.ok(!(shown ?? '').includes(SANDBOX_KEY), 'the key is never in the tab');
      assert.equal(sandboxRequests.length, before, 'reopening a kept response sends nothing');
      // A response tab VS Code restored by itself reads from the same history (onFileSystem activation): no editor
      // failed to open.
      assert.equal(await page.getByText('The editor could not be opened').count(), 0, 'no editor failed to open after the reload');
      await screenshot(page, 'ext-g-response-after-reload');
    });
  },
);
