// Harness for a real VS Code, used by the demo (scripts/demo.ts) and the tests in test/ui and test/exthost:
// code-server (VS Code 1.100.3's workbench served over HTTP, installed by scripts/setup-code-server.sh) driven from
// headless Debian chromium with playwright-core.
// See ../shared/reference/real-vscode-testing.md (beside the repository) for the recipe this follows.
//
//   const server = await startCodeServer({ workspace, extensionVsix });   // isolated HOME, user data, extensions
//   const browser = await launchBrowser();
//   const page = await openWorkbench(browser, server);                    // navigates to server.url
//   await openWorkspaceFile(page, 'payload.json');
//   await waitForSquiggle(page, 'error');
//   await openProblems(page); console.log(await readProblems(page));
//   await screenshot(page, 'after-open');
//   await browser.close(); await server.stop();
//
// Everything waits on DOM conditions or on the server's readiness endpoint, with bounded deadlines.

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { format } from 'node:util';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';

// ------------------------------------------------------------------------------------------------ locations

/** The repository root: the nearest ancestor of this file (source or bundle) whose package.json is kraken-import. */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'kraken-import') return dir;
      } catch {
        /* not ours */
      }
    }
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** code-server's launcher: $CODE_SERVER_BIN, else $CODE_SERVER_DIR (default <repo>/.code-server)/node_modules/.bin. */
export function codeServerBin(): string {
  if (process.env.CODE_SERVER_BIN) return process.env.CODE_SERVER_BIN;
  const dir = process.env.CODE_SERVER_DIR ?? join(repoRoot(), '.code-server');
  const bin = join(dir, 'node_modules', '.bin', 'code-server');
  if (!existsSync(bin)) {
    throw new Error(`code-server not found at ${bin}: run scripts/setup-code-server.sh (or set CODE_SERVER_DIR/CODE_SERVER_BIN)`);
  }
  return bin;
}

/** Where screenshots and kept logs go: <repo>/.test-output/ui (gitignored). */
export function outputDir(): string {
  const dir = process.env.UI_TEST_OUTPUT ?? join(repoRoot(), '.test-output', 'ui');
  mkdirSync(dir, { recursive: true });
  return dir;
}

// ------------------------------------------------------------------------------------------------ server

/** User settings every test gets (merged under the test's own `settings`). */
export const BASE_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none', // the welcome page otherwise steals the first key presses
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'editor.minimap.enabled': false,
  'window.title': '${rootName}',
};

export interface StartOptions {
  /** A .vsix to install into the server's (isolated) extensions dir before it starts. */
  extensionVsix?: string;
  /** An unpacked extension folder to load as in "Run Extension" (passed to the web client in the URL payload). */
  extensionDevelopmentPath?: string;
  /** A test module (exports `run(): Promise<void>`) run in the extension host; needs extensionDevelopmentPath. */
  extensionTestsPath?: string;
  /** The folder the workbench opens. */
  workspace: string;
  /** User settings, merged over BASE_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Port to bind on 127.0.0.1; default: a free one. */
  port?: number;
  /** Bound on start-up until /healthz answers, ms (default 60 000). */
  startTimeoutMs?: number;
  /** Keep the scratch folder (logs, user data) after stop(); also with KEEP_CODE_SERVER_SCRATCH=1. */
  keepScratch?: boolean;
  /**
   * XDG_CACHE_HOME for code-server and what it starts (an absolute folder, kept after stop()); default: one in the
   * scratch folder. The bench shares one between runs so that a later run meets the caches an earlier one wrote
   * (the language server's V8 code cache), as a user's second session does.
   */
  cacheHome?: string;
  /** Echo the server's output to stderr as it comes (also with CODE_SERVER_VERBOSE=1). */
  verbose?: boolean;
  /**
   * Keep workspace trust on (no --disable-workspace-trust). With the user settings
   * `security.workspace.trust.enabled: true` and `security.workspace.trust.startupPrompt: never` the folder opens
   * in restricted mode, untrusted.
   */
  workspaceTrust?: boolean;
}

export interface CodeServer {
  /** The workbench URL to open: folder, and the payload with the extension development/test paths if given. */
  url: string;
  /** http://127.0.0.1:PORT/ */
  baseUrl: string;
  port: number;
  pid: number;
  workspace: string;
  scratchDir: string;
  userDataDir: string;
  extensionsDir: string;
  /** code-server's stdout+stderr. */
  logFile: string;
  /** Milliseconds from spawn to the first successful GET /healthz. */
  startupMs: number;
  /** Kill the whole process group (server, extension hosts, pty hosts) and remove the scratch folder. */
  stop(): Promise<void>;
}

const liveGroups = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort if a test forgets stop() or throws past it: no server outlives the test process.
  process.on('exit', () => {
    for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: already gone
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

function httpStatus(url: string, timeoutMs: number): Promise<number> {
  return new Promise((res) => {
    const req = request(url, { timeout: timeoutMs }, (resp) => {
      resp.resume();
      res(resp.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => res(0));
    req.end();
  });
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function scratchEnv(scratchDir: string, cacheHome?: string): NodeJS.ProcessEnv {
  const home = join(scratchDir, 'home');
  if (cacheHome !== undefined && !isAbsolute(cacheHome)) throw new Error(`cacheHome must be an absolute path, not "${cacheHome}"`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: cacheHome ?? join(home, '.cache'),
    XDG_RUNTIME_DIR: join(scratchDir, 'run'),
  };
  // Inherited from a surrounding VS Code/code-server, these would make ours talk to that one instead.
  for (const k of Object.keys(env)) {
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE' || k.startsWith('CODE_SERVER_')) delete env[k];
  }
  for (const d of [home, env.XDG_CONFIG_HOME!, env.XDG_DATA_HOME!, env.XDG_CACHE_HOME!, env.XDG_RUNTIME_DIR!]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
  }
  return env;
}

function run(bin: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((res, rej) => {
    execFile(bin, args, { env, timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const out = `${stdout}${stderr}`;
      if (err) rej(new Error(`${basename(bin)} ${args.join(' ')} failed: ${err.message}\n${out}`));
      else res(out);
    });
  });
}

/** The workbench URL: `?folder=` plus, for development/test runs, the `payload` the web client reads its options from. */
export function workbenchUrl(
  baseUrl: string,
  workspace: string,
  opts: { extensionDevelopmentPath?: string; extensionTestsPath?: string } = {},
): string {
  const authority = new URL(baseUrl).host;
  const remote = (p: string) => `vscode-remote://${authority}${resolve(p)}`;
  const payload: [string, string][] = [];
  if (opts.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(opts.extensionDevelopmentPath)]);
  if (opts.extensionTestsPath) payload.push(['extensionTestsPath', remote(opts.extensionTestsPath)]);
  let url = `${baseUrl}?folder=${encodeURIComponent(resolve(workspace))}`;
  if (payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/**
 * Starts code-server on 127.0.0.1 in a process group of its own, with scratch HOME/XDG dirs, user settings and
 * extensions dir, optionally installing a .vsix first; resolves once GET /healthz answers 200.
 */
export async function startCodeServer(opts: StartOptions): Promise<CodeServer> {
  if (opts.extensionTestsPath && !opts.extensionDevelopmentPath) {
    throw new Error('extensionTestsPath needs extensionDevelopmentPath');
  }
  const bin = codeServerBin();
  const verbose = opts.verbose ?? process.env.CODE_SERVER_VERBOSE === '1';
  const keepScratch = opts.keepScratch ?? process.env.KEEP_CODE_SERVER_SCRATCH === '1';
  const workspace = resolve(opts.workspace);
  if (!existsSync(workspace)) throw new Error(`workspace ${workspace} does not exist`);

  const scratchDir = mkdtempSync(join(tmpdir(), 'kraken-code-server-'));
  const env = scratchEnv(scratchDir, opts.cacheHome);
  const userDataDir = join(scratchDir, 'user-data');
  const extensionsDir = join(scratchDir, 'extensions');
  const logFile = join(scratchDir, 'code-server.log');
  const configFile = join(scratchDir, 'config.yaml');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...(opts.settings ?? {}) }, null, 2));
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const dirArgs = ['--config', configFile, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir];

  const cleanup = () => {
    if (!keepScratch) rmSync(scratchDir, { recursive: true, force: true });
  };

  try {
    if (opts.extensionVsix) {
      const out = await run(bin, [...dirArgs, '--force', '--install-extension', resolve(opts.extensionVsix)], env, 120_000);
      if (!/successfully installed/i.test(out)) throw new Error(`installing ${opts.extensionVsix} said:\n${out}`);
      if (verbose) process.stderr.write(out);
    }
  } catch (e) {
    cleanup();
    throw e;
  }

  const port = opts.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}/`;
  const args = [
    ...dirArgs,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  const logFd = openSync(logFile, 'a');
  const started = Date.now();
  let child: ChildProcess;
  try {
    // detached: setsid(), so the server, its extension hosts and pty host form a process group we can kill whole.
    child = spawn(bin, args, { cwd: workspace, env, detached: true, stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  const pid = child.pid;
  if (!pid) {
    cleanup();
    throw new Error(`could not spawn ${bin}`);
  }
  liveGroups.add(pid);
  installExitHook();
  child.unref();
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });

  let echoTimer: NodeJS.Timeout | undefined;
  if (verbose) {
    let echoed = 0;
    echoTimer = setInterval(() => {
      try {
        const text = readFileSync(logFile, 'utf8');
        process.stderr.write(text.slice(echoed));
        echoed = text.length;
      } catch {
        /* ignore */
      }
    }, 250);
    echoTimer.unref();
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (echoTimer) clearInterval(echoTimer);
    killGroup(pid, 'SIGTERM');
    const deadline = Date.now() + 5_000;
    while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
    const hardDeadline = Date.now() + 5_000;
    while (groupAlive(pid) && Date.now() < hardDeadline) await new Promise((r) => setTimeout(r, 50));
    liveGroups.delete(pid);
    if (keepScratch) process.stderr.write(`code-server scratch kept in ${scratchDir}\n`);
    cleanup();
  };

  // Readiness: poll the health endpoint, bounded.
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const deadline = started + timeoutMs;
  for (;;) {
    if (exited) {
      const log = tail(logFile);
      await stop();
      throw new Error(`code-server ${exited} before it was ready:\n${log}`);
    }
    if ((await httpStatus(`${baseUrl}healthz`, 2_000)) === 200) break;
    if (Date.now() > deadline) {
      const log = tail(logFile);
      await stop();
      throw new Error(`code-server not healthy after ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url: workbenchUrl(baseUrl, workspace, opts),
    baseUrl,
    port,
    pid,
    workspace,
    scratchDir,
    userDataDir,
    extensionsDir,
    logFile,
    startupMs: Date.now() - started,
    stop,
  };
}

// ------------------------------------------------------------------------------------------------ browser

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Headless Debian chromium ($CHROMIUM_PATH, default /usr/bin/chromium) through playwright-core. */
export async function launchBrowser(opts: { headless?: boolean; args?: string[] } = {}): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`${executablePath} missing: run scripts/setup-code-server.sh`);
  // Scratch HOME too: chromium writes ~/.config/chromium/Crash Reports even with a temporary profile.
  const home = mkdtempSync(join(tmpdir(), 'kraken-chromium-'));
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') };
  try {
    const browser = await chromium.launch({
      executablePath,
      headless: opts.headless ?? process.env.HEADFUL !== '1',
      args: [...CHROMIUM_ARGS, ...(opts.args ?? [])],
      env,
    });
    browser.on('disconnected', () => rmSync(home, { recursive: true, force: true }));
    return browser;
  } catch (e) {
    rmSync(home, { recursive: true, force: true });
    throw e;
  }
}

/** A new page on `server.url` (or `url`), once the workbench and its Explorer are there. */
export async function openWorkbench(
  browser: Browser,
  server: Pick<CodeServer, 'url'>,
  opts: { url?: string; timeoutMs?: number; viewport?: { width: number; height: number }; page?: Page } = {},
): Promise<Page> {
  const page = opts.page ?? (await browser.newPage({ viewport: opts.viewport ?? { width: 1400, height: 900 } }));
  const timeout = opts.timeoutMs ?? 60_000;
  await page.goto(opts.url ?? server.url, { waitUntil: 'domcontentloaded', timeout });
  await page.waitForSelector('.monaco-workbench', { timeout });
  return page;
}

const LOG_LEVEL = /^%c\s*(TRACE|DEBUG|INFO|WARN|ERR)\s*$/;

/**
 * Formats a page console call's arguments. The workbench's log service writes ('%c INFO', 'color: #33f', fmt,
 * ...args): re-formatted as util.format(fmt, ...args) with level 'info'. Other calls, e.g. ('%c[Extension Host] %cmsg',
 * css, css), go through util.format whole, which drops each %c and its CSS argument.
 */
export function formatConsoleArgs(args: unknown[], type = 'log'): { level: string; text: string } {
  const m = typeof args[0] === 'string' ? LOG_LEVEL.exec(args[0]) : null;
  if (m && args.length >= 2) {
    return { level: m[1].toLowerCase(), text: args.length > 2 ? format(...(args.slice(2) as [unknown, ...unknown[]])) : '' };
  }
  return { level: type, text: args.length ? format(...(args as [unknown, ...unknown[]])) : '' };
}

/** A page console message's arguments, as JSON values where possible. */
export async function consoleArgs(msg: ConsoleMessage): Promise<unknown[]> {
  return Promise.all(msg.args().map((a) => a.jsonValue().catch(() => a.toString())));
}

/** A page console message as one line of text, "[level] text". */
export async function formatConsoleMessage(msg: ConsoleMessage): Promise<string> {
  const args = await consoleArgs(msg);
  const { level, text } = args.length ? formatConsoleArgs(args, msg.type()) : { level: msg.type(), text: msg.text() };
  return `[${level}] ${text}`;
}

/** Collects the page's console output (formatted) so a failing test can print it. */
export function collectConsole(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (msg) => {
    void formatConsoleMessage(msg).then(
      (t) => lines.push(t),
      () => undefined,
    );
  });
  page.on('pageerror', (err) => lines.push(`[pageerror] ${err.message}`));
  return lines;
}

// ------------------------------------------------------------------------------------------------ workbench

function escapeAttr(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

async function ensureExplorer(page: Page, timeout: number): Promise<void> {
  const explorer = page.locator('.explorer-folders-view');
  if (await explorer.isVisible()) return;
  await page.keyboard.press('Control+Shift+E');
  await explorer.waitFor({ state: 'visible', timeout });
}

/**
 * Opens a file of the workspace by clicking through the Explorer (expanding folders on the way), then waits
 * until it is the active editor and its text is rendered. Returns the active editor's root element selector.
 */
export async function openWorkspaceFile(page: Page, relativePath: string, opts: { timeoutMs?: number } = {}): Promise<string> {
  const timeout = opts.timeoutMs ?? 60_000;
  await ensureExplorer(page, timeout);
  const parts = relativePath.split(/[\\/]/).filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    // Rows of a single-folder workspace start at aria-level 1; match the row by its label and depth.
    // (The row's aria-label is its name; its .explorer-item's aria-label is the absolute path.)
    const row = page
      .locator(`.explorer-folders-view .monaco-list-row[aria-level="${i + 1}"][aria-label="${escapeAttr(parts[i])}"]`)
      .first();
    await row.waitFor({ state: 'visible', timeout });
    const isLast = i === parts.length - 1;
    if (!isLast) {
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
      await page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await row.elementHandle(), { timeout });
    } else {
      await row.click();
    }
  }
  // The active editor shows the file (monaco sets data-uri on its root) and has rendered lines.
  const editor = `.editor-group-container.active .editor-container .monaco-editor`;
  await page.waitForFunction(
    ({ sel, name }) => {
      const ed = document.querySelector(sel);
      const uri = ed?.getAttribute('data-uri') ?? '';
      return !!ed && decodeURIComponent(uri).endsWith('/' + name) && !!ed.querySelector('.view-lines .view-line');
    },
    { sel: editor, name: relativePath.replace(/\\/g, '/') },
    { timeout },
  );
  return editor;
}

export type SquiggleKind = 'error' | 'warning' | 'info' | 'hint';

/** Waits for a squiggle of that kind in the visible editors; returns how many there are. */
export async function waitForSquiggle(page: Page, kind: SquiggleKind = 'error', opts: { timeoutMs?: number } = {}): Promise<number> {
  const sel = `.monaco-editor .squiggly-${kind}`;
  await page.waitForSelector(sel, { state: 'attached', timeout: opts.timeoutMs ?? 60_000 });
  return page.locator(sel).count();
}

/** Opens (or reveals) the Problems panel. */
export async function openProblems(page: Page, opts: { timeoutMs?: number } = {}): Promise<void> {
  const panel = page.locator('.markers-panel');
  if (await panel.isVisible()) return;
  // Ctrl+Shift+M toggles Problems; only press it while the panel is hidden.
  await page.keyboard.press('Control+Shift+M');
  await panel.waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 30_000 });
}

export interface Problem {
  /** Absolute path of the file the marker belongs to (from the file row above it). */
  file: string;
  severity: 'error' | 'warning' | 'info' | 'hint' | 'unknown';
  message: string;
  source: string;
  code: string;
  line: number;
  column: number;
  /** The row as shown: "message source(code) [Ln 1, Col 1]". */
  text: string;
}

/**
 * The Problems panel's marker rows (file rows left out), as structured data. Only rendered rows are seen: the
 * panel is a virtualized tree, so with more problems than fit, enlarge the viewport or filter the panel.
 */
export async function readProblemDetails(page: Page): Promise<Problem[]> {
  return page.$$eval('.markers-panel .monaco-list-row', (rows) => {
    const out: Problem[] = [];
    let file = '';
    const text = (el: Element | null) => (el?.textContent ?? '').trim();
    const sorted = [...rows].sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')));
    for (const r of sorted) {
      const icon = r.querySelector('.marker-icon');
      if (!icon) {
        file = r.querySelector('.monaco-icon-label')?.getAttribute('aria-label') ?? text(r.querySelector('.label-name'));
        continue;
      }
      const severity = (['error', 'warning', 'info', 'hint'] as const).find((k) => icon.classList.contains(k)) ?? 'unknown';
      const message = Array.from(r.querySelectorAll('.marker-message-line'))
        .map((l) => text(l.querySelector('.marker-message')))
        .filter(Boolean)
        .join('\n');
      const source = text(r.querySelector('.marker-source'));
      const code = text(r.querySelector('.marker-code'));
      const lineText = text(r.querySelector('.marker-line'));
      const m = /Ln (\d+), Col (\d+)/.exec(lineText);
      const origin = source && code ? `${source}(${code})` : source || code;
      out.push({
        file,
        severity,
        message,
        source,
        code,
        line: m ? Number(m[1]) : 0,
        column: m ? Number(m[2]) : 0,
        text: [message, origin, lineText].filter(Boolean).join(' '),
      });
    }
    return out;
  });
}

/** The text of the Problems panel's marker rows, as shown: "message source(code) [Ln 1, Col 1]". */
export async function readProblems(page: Page): Promise<string[]> {
  return (await readProblemDetails(page)).map((p) => p.text);
}

/** Waits until some marker row of the Problems panel (as in readProblems) matches; returns all rows' text. */
export async function waitForProblem(page: Page, match: string | RegExp, opts: { timeoutMs?: number } = {}): Promise<string[]> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const matches = (t: string) => (typeof match === 'string' ? t.includes(match) : match.test(t));
  // Wait on the DOM: re-check whenever the panel's rows change, up to the deadline. The snapshot is taken before
  // the rows are read, so a change in between ends the wait at once instead of being missed.
  for (;;) {
    const before = await page.$$eval('.markers-panel .monaco-list-row', (rs) => rs.map((r) => r.textContent).join('\u0000'));
    const rows = await readProblems(page);
    if (rows.some(matches)) return rows;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no Problems row matching ${match}; rows: ${JSON.stringify(rows)}`);
    await page
      .waitForFunction(
        (before) => {
          const now = Array.from(document.querySelectorAll('.markers-panel .monaco-list-row'))
            .map((r) => r.textContent)
            .join('\u0000');
          return now !== before;
        },
        before,
        { timeout: left },
      )
      .catch(() => undefined);
  }
}

/** Saves a PNG of the page to <repo>/.test-output/ui/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = join(outputDir(), `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file });
  return file;
}
