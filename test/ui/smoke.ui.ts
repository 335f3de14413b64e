// Proves the real-VS-Code UI harness end to end with a throwaway extension generated here (not kraken-import):
// package it with vsce, install the .vsix into an isolated code-server, open a workspace with a .json file,
// and see, as a person would, the extension's error squiggle, its Problems entry and its status bar item.
//
// Build and run (after scripts/setup-code-server.sh):
//   npx esbuild test/ui/smoke.ui.ts --bundle --platform=node --target=node20 --packages=external \
//     --outfile=out/ui/smoke.ui.js && node --test --test-reporter=spec out/ui/smoke.ui.js
// Screenshots land in .test-output/ui/smoke-*.png.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  collectConsole,
  launchBrowser,
  openProblems,
  openWorkbench,
  openWorkspaceFile,
  readProblemDetails,
  screenshot,
  startCodeServer,
  waitForProblem,
  waitForSquiggle,
  type CodeServer,
} from '../../tools/codeServer';
import { SMOKE_MESSAGE as MESSAGE, SMOKE_STATUS as STATUS, makeSmokeExtension } from './smokeExtension';

let scratch: string;
let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;
let consoleLines: string[] = [];
const timings: Record<string, number> = {};

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'kraken-ui-smoke-'));
  let t = Date.now();
  const vsix = makeSmokeExtension(join(scratch, 'ext'));
  timings.packageMs = Date.now() - t;
  const workspace = join(scratch, 'workspace');
  mkdirSync(join(workspace, 'nested'), { recursive: true });
  writeFileSync(join(workspace, 'payload.json'), '{ "hello": "world", "smoke": true }\n');
  writeFileSync(join(workspace, 'nested', 'other.json'), '{ "nested": true }\n');
  writeFileSync(join(workspace, 'notes.txt'), 'not json\n');

  t = Date.now();
  server = await startCodeServer({ workspace, extensionVsix: vsix });
  timings.installAndStartMs = Date.now() - t;
  timings.spawnToHealthzMs = server.startupMs;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
  console.log('timings (ms):', JSON.stringify(timings));
});

test('a vsix-installed extension shows its squiggle, Problems entry and status bar item', { timeout: 180_000 }, async (t) => {
  const navigated = Date.now();
  page = await openWorkbench(browser!, server!);
  consoleLines = collectConsole(page);
  timings.workbenchMs = Date.now() - navigated;
  try {
    await screenshot(page, 'smoke-1-workbench');

    await openWorkspaceFile(page, 'payload.json');
    const squiggles = await waitForSquiggle(page, 'error', { timeoutMs: 60_000 });
    timings.navigationToSquiggleMs = Date.now() - navigated;
    assert.ok(squiggles >= 1, 'an error squiggle');
    await page.waitForSelector(`.statusbar-item:has-text("${STATUS}")`, { timeout: 15_000 });
    await screenshot(page, 'smoke-2-squiggle');

    await openProblems(page);
    const problems = await waitForProblem(page, MESSAGE);
    t.diagnostic(`problems: ${JSON.stringify(problems)}`);
    assert.deepEqual(problems, [`${MESSAGE} harness-smoke(HS001) [Ln 1, Col 1]`]);
    await screenshot(page, 'smoke-3-problems');

    // A file in a folder: the Explorer helper expands it; the extension flags it too.
    await openWorkspaceFile(page, 'nested/other.json');
    await waitForSquiggle(page, 'error');
    await page.waitForFunction(() => document.querySelectorAll('.markers-panel .marker-icon').length >= 2, null, {
      timeout: 15_000,
    });
    const details = await readProblemDetails(page);
    assert.deepEqual(
      details.map((p) => [p.file.replace(/^.*\/workspace\//, ''), p.severity, p.code, p.line, p.column]),
      [
        ['nested/other.json', 'error', 'HS001', 1, 1],
        ['payload.json', 'error', 'HS001', 1, 1],
      ],
    );
    await screenshot(page, 'smoke-4-nested');
  } catch (e) {
    await screenshot(page, 'smoke-failure').catch(() => undefined);
    console.error(consoleLines.join('\n'));
    throw e;
  }
});
