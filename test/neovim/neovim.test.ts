/**
 * The language server in a real editor that is not VS Code: headless Neovim 0.10 (Debian trixie) and the newest
 * Debian has (0.12, sid), each configured with the README's form for its version, the server started as a user's
 * editor starts it. test/neovim/driver.lua does what a user does and writes what Neovim shows; here we assert it:
 * findings equal to the CLI's on the same folder (with the same settings), at the same places once Neovim has
 * converted the server's UTF-16 columns to bytes; quick fix, completion, fix-all, the config file and the editor
 * settings followed live; a JSON Lines wave record by record; a clean LSP log; no server left after :qa.
 * The Helix form of the README is read and sent to the server the way Helix sends it (Helix is not in Debian).
 * Neovim comes from scripts/setup-neovim.sh (npm test runs it; NEOVIM_DIR to use builds elsewhere).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startLspServer } from '../integration/lspHarness';
import { REPO_ROOT } from '../helpers';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const NEOVIM_DIR = process.env.NEOVIM_DIR ?? path.join(REPO_ROOT, '.neovim');
const README = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

/** The fenced block after `<!-- marker -->` in the README. */
function readmeBlock(marker: string): string {
  const m = new RegExp(`<!-- ${marker} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\``).exec(README);
  assert.ok(m, `README has no block marked ${marker}`);
  return m[1];
}

/** The README's command, replaced by this checkout's build (`kraken-import` on PATH needs the installed package). */
function withLocalCommand(lua: string): string {
  const cmd = "{ 'kraken-import', 'lsp', '--stdio' }";
  assert.ok(lua.includes(cmd), 'the README starts the server with kraken-import lsp --stdio');
  return lua.replace(cmd, `{ ${JSON.stringify(process.execPath)}, ${JSON.stringify(CLI)}, 'lsp', '--stdio' }`);
}

const README_RULES = { 'malo-check-digit': 'off' }; // what both Neovim forms set as editor settings
const FILE_CONFIG = { rules: { 'malo-check-digit': 'error', 'market-partner-check-digit': 'off', 'iban-check': 'off' } };
const NEW_FILE_CONFIG = { rules: { 'market-partner-check-digit': 'off', 'iban-check': 'off', 'date-order': 'off' } };
const NEW_SETTINGS = { krakenImport: { rules: { 'malo-check-digit': 'off', 'unknown-property': 'off' } } };

/** The workspace: a payload with mistakes (one after "Jürgen 😀" on its line), a two-record wave, the config file. */
function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kraken-nvim-'));
  const account = readFileSync(path.join(REPO_ROOT, 'examples/mistakes/account-with-mistakes.json'), 'utf8')
    .replace('"given_name": "Johann",', '"given_name": "Jürgen 😀", "landline": "abcde",')
    .replace('      "landline": "abcde",\n', '');
  assert.match(account, /"Jürgen 😀", "landline": "abcde"/);
  writeFileSync(path.join(dir, 'account.json'), account);
  const first = readFileSync(path.join(REPO_ROOT, 'examples/wave.jsonl'), 'utf8').split('\n')[0];
  const second = first.replace('"Johann"', '"Jürgen 😀"').replace('"sales_channel":"DIRECT"', '"sales_channel":"direct"');
  assert.notEqual(second.indexOf('"direct"'), -1);
  writeFileSync(path.join(dir, 'wave.jsonl'), `${first}\n${second}\n`);
  writeFileSync(path.join(dir, 'kraken-import.config.json'), JSON.stringify(FILE_CONFIG, null, 2));
  return dir;
}

interface NvimDiagnostic {
  lnum: number;
  col: number;
  end_lnum: number;
  end_col: number;
  code: string;
  severity: number;
  message: string;
}

const SEVERITY = { error: 1, warning: 2, information: 3, hint: 4 } as const;

/** The CLI's findings for `file` with these settings, as Neovim shows them: byte columns (UTF-8). */
function cliFindings(dir: string, file: string, config: object): NvimDiagnostic[] {
  const configFile = path.join(dir, '.cli-config.json');
  writeFileSync(configFile, JSON.stringify(config));
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, [CLI, 'validate', '--format', 'json', '--show-personal-data', '--config', configFile, file], {
      cwd: dir,
      encoding: 'utf8',
    });
  } catch (error) {
    stdout = (error as { stdout: string }).stdout; // exit 1: findings
  }
  const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
  const bytes = (line: number, utf16: number) => Buffer.byteLength(lines[line].slice(0, utf16), 'utf8');
  const reports = JSON.parse(stdout) as Array<{
    diagnostics: Array<{
      severity: keyof typeof SEVERITY;
      code: string;
      message: string;
      range: { start: { line: number; character: number }; end: { line: number; character: number } };
    }>;
  }>;
  return reports
    .flatMap((r) => r.diagnostics)
    .map((d) => ({
      lnum: d.range.start.line,
      col: bytes(d.range.start.line, d.range.start.character),
      end_lnum: d.range.end.line,
      end_col: bytes(d.range.end.line, d.range.end.character),
      code: d.code,
      severity: SEVERITY[d.severity],
      message: d.message,
    }))
    .sort((a, b) => a.lnum - b.lnum || a.col - b.col || a.code.localeCompare(b.code));
}

const merged = (file: { rules: Record<string, string> }, editor: Record<string, string>) => ({ rules: { ...file.rules, ...editor } });

/** Processes (ours) whose environment holds the token: the servers this Neovim started. */
function processesWith(token: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`).includes(token)) found.push(Number(name));
    } catch {
      /* gone or not ours */
    }
  }
  return found;
}

async function runNeovim(suite: string, form: string): Promise<{ out: Record<string, any>; log: string; dir: string; token: string }> {
  const nvim = path.join(NEOVIM_DIR, suite, 'nvim');
  if (!existsSync(nvim)) throw new Error(`Neovim (${suite}) not found at ${nvim}: run scripts/setup-neovim.sh (npm test does)`);
  const dir = workspace();
  const home = mkdtempSync(path.join(tmpdir(), 'kraken-nvim-home-'));
  const init = path.join(home, 'init.lua');
  // Debug log level: server requests Neovim cannot answer are logged (as warnings), and so is everything else.
  writeFileSync(
    init,
    `if vim.lsp.log and vim.lsp.log.set_level then vim.lsp.log.set_level('debug') else vim.lsp.set_log_level('debug') end\n${withLocalCommand(readmeBlock(form))}\n`,
  );
  const outFile = path.join(home, 'out.json');
  const token = `KRAKEN_NVIM_TEST_${randomBytes(6).toString('hex')}`;
  const child = spawn(
    nvim,
    [
      '--headless',
      '-i',
      'NONE',
      '-u',
      init,
      '+lua dofile(' + JSON.stringify(path.join(REPO_ROOT, 'test/neovim/driver.lua')) + ')',
      'account.json',
    ],
    {
      cwd: dir,
      env: {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, 'config'),
        XDG_DATA_HOME: path.join(home, 'data'),
        XDG_STATE_HOME: path.join(home, 'state'),
        XDG_CACHE_HOME: path.join(home, 'cache'),
        KRAKEN_WS: dir,
        KRAKEN_OUT: outFile,
        KRAKEN_NEW_CONFIG: JSON.stringify(NEW_FILE_CONFIG),
        KRAKEN_NEW_SETTINGS: JSON.stringify(NEW_SETTINGS),
        [token]: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.on('data', () => {});
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  assert.equal(code, 0, `nvim exited with ${code}: ${stderr}`);
  const out = JSON.parse(readFileSync(outFile, 'utf8'));
  assert.equal(out.error ?? null, null, `the driver failed: ${out.error}`);
  const log = readFileSync(out.log, 'utf8');
  return { out, log, dir, token };
}

function assertCleanLog(log: string): void {
  const bad = log.split('\n').filter((l) => /^\[(ERROR|WARN)\]/.test(l) || /MethodNotFound|-32601/.test(l));
  assert.deepEqual(bad, [], 'the LSP log has no errors or warnings');
  assert.match(log, /kraken-import|kraken_import/, 'the log is the one this server wrote to');
}

for (const { suite, version, form } of [
  { suite: 'trixie', version: '0.10', form: 'neovim-0.8' },
  { suite: 'sid', version: '0.12', form: 'neovim-0.11' },
]) {
  describe(`Neovim ${version} with the README's ${form.replace('neovim-', '')}+ configuration`, () => {
    it('shows what the CLI finds, fixes, completes and follows settings live, with a clean LSP log', async () => {
      const { out, log, dir, token } = await runNeovim(suite, form);
      try {
        // What the server made of the client's capabilities.
        assert.equal(out.server.offsetEncoding, 'utf-16');
        assert.equal(out.server.positionEncoding, 'utf-16');
        assert.equal(out.server.pull, version !== '0.10', 'pull diagnostics only where the client can be asked to pull again');
        assert.deepEqual(out.server.codeActionKinds, ['quickfix', 'source.fixAll.krakenImport']);
        assert.equal(out.server.executeCommand, false);

        // The payload: the CLI's findings with the config file and the README's settings on top, byte for byte.
        const settings = merged(FILE_CONFIG, README_RULES);
        assert.deepEqual(out.account, cliFindings(dir, 'account.json', settings));
        assert.ok(
          out.account.some((d: NvimDiagnostic) => d.code === 'invalid-format'),
          'the date finding',
        );
        const landline = out.account.find((d: NvimDiagnostic) => d.code === 'phone-number' || /landline/.test(d.message));
        assert.ok(landline, 'the landline after "Jürgen 😀"');
        const line = readFileSync(path.join(dir, 'account.json'), 'utf8').split('\n')[landline.lnum];
        assert.equal(Buffer.from(line).subarray(landline.col, landline.end_col).toString(), '"abcde"', 'byte columns past the emoji');
        // The first findings shown were already the final ones: settings applied from the first validation.
        assert.deepEqual([...new Set(out.changes['account.json'].slice(0, 1))], [out.changes['account.json'][0]]);
        assert.ok(!out.changes['account.json'][0].includes('malo-check-digit'), 'the editor setting is on top of the file from the start');

        assert.match(out.hover, /sales channel/i);
        assert.ok(out.symbols.includes('customers') && out.symbols.includes('sales_channel'), out.symbols.join(', '));
        assert.equal(out.fixed_line, '  "sales_channel": "DIRECT",');
        assert.equal(out.completed_line, '  "sales_channel": "DIRECT",', 'one comma after completing behind a lone quote');
        assert.ok(out.key_labels.includes('family_name'), out.key_labels.join(', '));
        assert.deepEqual(out.commands, [], 'no VS Code-only command on any completion item');

        assert.ok(!out.after_fix_all.some((d: NvimDiagnostic) => d.code === 'invalid-format'), 'fix-all rewrote the date');
        const fixedText = readFileSync(path.join(dir, 'account.json'), 'utf8'); // unchanged on disk (not saved)
        assert.match(fixedText, /26\.07\.1997/);

        // The config file changed on disk; then the editor settings.
        assert.ok(out.account.some((d: NvimDiagnostic) => d.code === 'date-order'));
        assert.ok(!out.after_config.some((d: NvimDiagnostic) => d.code === 'date-order'), 'the new file switched date-order off');
        assert.ok(out.after_config.some((d: NvimDiagnostic) => d.code === 'unknown-property'));
        assert.ok(
          !out.after_settings.some((d: NvimDiagnostic) => d.code === 'unknown-property'),
          'the new editor settings switched unknown-property off',
        );

        // The wave, record by record.
        assert.equal(out.wave_filetype, 'jsonl');
        assert.deepEqual(out.wave, cliFindings(dir, 'wave.jsonl', merged(NEW_FILE_CONFIG, NEW_SETTINGS.krakenImport.rules)));
        assert.ok(
          out.wave.some((d: NvimDiagnostic) => d.lnum === 1 && d.code === 'invalid-enum'),
          'the second record\'s "direct"',
        );
        assert.match(out.wave_hover, /sales channel/i);
        assert.match(out.wave_line, /"sales_channel":"DIRECT"/);
        assert.ok(!out.wave_after.some((d: NvimDiagnostic) => d.code === 'invalid-enum'));

        assert.deepEqual(out.shown, [], 'no message for the user');
        assertCleanLog(log);
        assert.ok(!/workspace\/diagnostic\/refresh/.test(log) || version !== '0.10', 'no refresh request to 0.10');
        // No server left once Neovim has quit (it stops its clients on exit).
        const deadline = Date.now() + 5000;
        while (processesWith(token).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.deepEqual(processesWith(token), [], 'no server process left after :qa');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

describe("the README's Helix configuration", () => {
  it('is valid TOML, names the server command, and its config reaches the server as Helix sends it', async () => {
    const toml = readmeBlock('helix');
    const dir = mkdtempSync(path.join(tmpdir(), 'kraken-helix-'));
    try {
      writeFileSync(path.join(dir, 'languages.toml'), toml);
      // Debian's python3 reads TOML (tomllib); Helix itself is not packaged by Debian, so it is not run here.
      const parsed = JSON.parse(
        execFileSync(
          'python3',
          ['-c', 'import json,sys,tomllib; print(json.dumps(tomllib.load(open(sys.argv[1],"rb"))))', path.join(dir, 'languages.toml')],
          { encoding: 'utf8' },
        ),
      );
      const server = parsed['language-server']['kraken-import'];
      assert.deepEqual([server.command, ...server.args], ['kraken-import', 'lsp', '--stdio']);
      assert.deepEqual(parsed.language, [{ name: 'json', 'language-servers': ['vscode-json-language-server', 'kraken-import'] }]);
      // Helix sends `config` as initializationOptions, answers workspace/configuration from it (no krakenImport
      // section there), and opens .jsonl files as `json`.
      const lsp = startLspServer(server.args, [CLI]);
      try {
        await lsp.initialize({ workspace: { configuration: true } }, server.config);
        const account = readFileSync(path.join(REPO_ROOT, 'examples/mistakes/account-with-mistakes.json'), 'utf8').replace(
          '"identifier": "50203829716"',
          '"identifier": "50203829715"',
        );
        const uri = 'file:///helix/account.json';
        const published = await lsp.waitForDiagnostics(uri, () => true, lsp.open(uri, account));
        assert.ok(published.diagnostics.length > 0);
        assert.ok(!published.diagnostics.some((d) => d.code === 'malo-check-digit'), 'the config switched malo-check-digit off');
        const waveUri = 'file:///helix/wave.jsonl';
        const waveText = readFileSync(path.join(REPO_ROOT, 'examples/wave.jsonl'), 'utf8');
        const records = waveText.split('\n').flatMap((l, i) => (l.trim() ? [i] : []));
        assert.ok(records.length >= 4);
        const wave = await lsp.waitForDiagnostics(waveUri, () => true, lsp.open(waveUri, waveText, 'json'));
        assert.deepEqual([...new Set(wave.diagnostics.map((d) => d.range.start.line))], records, "per record, on each record's line");
        assert.equal(lsp.notifications.filter((n) => n.method === 'window/showMessage').length, 0);
      } finally {
        await lsp.shutdown();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
