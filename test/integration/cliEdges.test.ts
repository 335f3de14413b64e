/**
 * The CLI at its edges, as the processes a user runs (dist/cli.js as a child process; the sandbox in this process):
 * `-` reads a document from stdin (with --stdin-filepath); an input with no payload is exit 2 saying what was
 * skipped (--allow-empty accepts it), for validate and send; `-o FILE` for every format; validate's machine outputs
 * redact personal values (--show-personal-data shows them); a closed stdout ends a command quietly; the API-key
 * prompt on a real terminal (a pty) edits like a line and echoes nothing; send through an HTTPS_PROXY that sees
 * the CONNECT (and NO_PROXY around it); two resumes started at once on a stale journal lock: one runs, one exits 2.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { startSandbox, type SandboxHandle } from '../../sandbox/src/index';
import { redactText, REDACTED } from '../../core/src/kraken/redact';
import { bypassesProxy, proxyFor } from '../../core/src/kraken/proxy';
import { editLine } from '../../cli/src/send';
import { Journal, JournalLockedError, takeLock } from '../../core/src/waves/journal';
import { REPO_ROOT, SHARED } from '../helpers';
import { smallAccount } from '../fixtures/smallAccount';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const SUPPLIER = 'TENTACLE_ENERGY';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment without the developer's keys and proxies. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^KRAKEN_API_KEY|_proxy$/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

function cli(args: string[], options: { cwd?: string; env?: Record<string, string>; stdin?: string | Buffer } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: cleanEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (options.stdin !== undefined) child.stdin.end(options.stdin);
    else child.stdin.end();
  });
}

const dirs: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
before(() => assert.ok(existsSync(CLI), `${CLI} missing: run node scripts/build.mjs`));

/** The shared small account with its ledger balance consistent (the balance-sum rule), so only the findings a test plants show. */
function account(ext: string, options: Parameters<typeof smallAccount>[1] = {}): Record<string, unknown> {
  const base = smallAccount(ext, options);
  const ledgers = (base.ledgers as Array<Record<string, unknown>>).map((l) => ({ ...l, ledger_balance: l.last_statement_balance }));
  return { ...base, ledgers, ...options.extra };
}

/** An account with personal values in findings: a malformed email, a bad date of birth, a lower-case spaced IBAN. */
const PERSONAL = { email: 'johann@@example.de', mobile: '0174 17212', dob: '1997-13-45', iban: 'gb82 west 1234 5698 7654 33' };
function personalAccount(ext = 'PII-1'): Record<string, unknown> {
  return account(ext, {
    customer: { email: PERSONAL.email, mobile: PERSONAL.mobile, date_of_birth: PERSONAL.dob },
    extra: {
      payment_instructions: [
        {
          vendor: 'GOCARDLESS',
          type: 'DIRECT_DEBIT',
          reference: 'R1',
          bank_account: { account_holder: 'J G', account_number: '1', iban: PERSONAL.iban },
        },
      ],
    },
  });
}

describe('validate: stdin, empty inputs, -o, redaction', () => {
  const text = JSON.stringify(personalAccount(), null, 2);

  test('"-" reads the document from stdin; findings name <stdin> at exact positions', async () => {
    const r = await cli(['validate', '-'], { stdin: text });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    const line = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const col = (needle: string) => text.split('\n')[line(needle) - 1].indexOf(`"${needle}"`) + 1;
    assert.ok(
      lines.includes(
        `<stdin>:${line(PERSONAL.email)}:${col(PERSONAL.email)} error invalid-format "${PERSONAL.email}" is not a valid email: expected an email address such as name@example.com (or an empty string). [customers.0.email]`,
      ),
      r.stdout,
    );
    assert.ok(
      lines.some((l) => l.startsWith(`<stdin>:${line(PERSONAL.iban)}:${col(PERSONAL.iban)} warning iban-check IBAN "${PERSONAL.iban}"`)),
      r.stdout,
    );
    assert.match(lines[lines.length - 1], /^1 payload in 1 file: 2 errors, 2 warnings/);
  });

  test('--stdin-filepath: .jsonl records per line, the kind by association, the name in reports', async () => {
    const jsonl = `${JSON.stringify(account('S-1'))}\n\n${JSON.stringify({ ...account('S-2'), sales_channel: 'PIGEON' })}\n`;
    const r = await cli(['validate', '-f', 'json', '--stdin-filepath', 'waves/w.jsonl', '-'], { stdin: jsonl });
    assert.equal(r.code, 1, r.stderr);
    const reports = JSON.parse(r.stdout) as Array<{
      file: string;
      line: number;
      kind: string;
      diagnostics: Array<{ code: string; range: { start: { line: number } } }>;
    }>;
    assert.deepEqual(
      reports.map((x) => [x.file, x.line, x.kind]),
      [
        ['waves/w.jsonl', 1, 'account'],
        ['waves/w.jsonl', 3, 'account'],
      ],
    );
    assert.deepEqual(
      reports[1].diagnostics.map((d) => [d.code, d.range.start.line]),
      [['invalid-enum', 2]],
    );

    // A document only an association makes a payload: {"notes": …} is detected by its path.
    const dir = tempDir('kraken-stdin-');
    writeFileSync(path.join(dir, 'kraken-import.config.json'), JSON.stringify({ payloadAssociations: { '**/notes/*.json': 'notes' } }));
    const body = JSON.stringify({ import_supplier: SUPPLIER, external_account_number: 'N-1', notes: [{ body: 'b', is_pinned: 'maybe' }] });
    const as = await cli(['validate', '-f', 'json', '--stdin-filepath', 'in/notes/n.json', '-'], { cwd: dir, stdin: body });
    assert.equal(JSON.parse(as.stdout)[0].kind, 'notes');
    assert.equal(JSON.parse(as.stdout)[0].file, 'in/notes/n.json');

    const misuse = await cli(['validate', '--stdin-filepath', 'x.json', 'examples/notes.json']);
    assert.equal(misuse.code, 2);
    assert.match(misuse.stderr, /--stdin-filepath names the document read from "-"/);
    const twice = await cli(['validate', '-', '-'], { stdin: '{}' });
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /"-" \(stdin\) can be given once/);
  });

  test('an empty folder, or only files that are not payloads: exit 2 saying what was skipped; --allow-empty: exit 0', async () => {
    const dir = tempDir('kraken-empty-');
    mkdirSync(path.join(dir, 'empty'));
    mkdirSync(path.join(dir, 'docs'));
    writeFileSync(path.join(dir, 'docs', 'readme.txt'), 'hello');
    mkdirSync(path.join(dir, 'docs', '.git'));
    mkdirSync(path.join(dir, 'other'));
    writeFileSync(path.join(dir, 'other', 'tsconfig-like.json'), '{"compilerOptions": {}}');
    writeFileSync(path.join(dir, 'blank.jsonl'), '\n\n');

    const empty = await cli(['validate', 'empty'], { cwd: dir });
    assert.equal(empty.code, 2);
    assert.equal(
      empty.stderr,
      'kraken-import: no payload was checked:\n  empty: no .json, .jsonl or .ndjson file (the folder is empty)\nPass --allow-empty if an input without payloads is expected.\n',
    );

    const r = await cli(['validate', 'docs', 'other', 'blank.jsonl'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'kraken-import: no payload was checked:\n' +
        '  docs: no .json, .jsonl or .ndjson file (1 file without a .json, .jsonl or .ndjson extension, 1 dot-folder/node_modules (not searched))\n' +
        '  blank.jsonl: no record (only blank lines)\n' +
        '  other/tsconfig-like.json: skipped, not a Kraken payload: no Kraken payload fields at the top level\n' +
        'Pass --allow-empty if an input without payloads is expected.\n',
    );
    const allowed = await cli(['validate', '--allow-empty', 'empty', 'other'], { cwd: dir });
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(allowed.stderr, '');
    assert.equal(allowed.stdout, '0 payloads in 1 file: 0 errors, 0 warnings, 0 hints (1 skipped: not Kraken payloads)\n');
  });

  test('-o FILE writes any format to the file (the same bytes stdout gets), nothing on stdout; --summary too', async () => {
    const dir = tempDir('kraken-out-');
    writeFileSync(path.join(dir, 'a.json'), text);
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const toStdout = await cli(['validate', '--format', format, 'a.json'], { cwd: dir });
      const out = path.join(dir, `report.${format}`);
      const toFile = await cli(['validate', '-f', format, '-o', out, 'a.json'], { cwd: dir });
      assert.equal(toFile.code, toStdout.code);
      assert.equal(toFile.stdout, '', format);
      assert.equal(readFileSync(out, 'utf8'), toStdout.stdout, format);
      assert.ok(toStdout.stdout.length > 100);
    }
    const summary = await cli(['validate', '--summary', '--output', 'summary.md', 'a.json'], { cwd: dir });
    assert.equal(summary.stdout, '');
    assert.match(readFileSync(path.join(dir, 'summary.md'), 'utf8'), /^## Kraken payload validation/);
    const dash = await cli(['validate', '-f', 'json', '-o', '-', 'a.json'], { cwd: dir });
    assert.ok(Array.isArray(JSON.parse(dash.stdout)));
    const unwritable = await cli(['validate', '-o', path.join(dir, 'no', 'such', 'dir', 'r.txt'), 'a.json'], { cwd: dir });
    assert.equal(unwritable.code, 2);
    assert.match(unwritable.stderr, /cannot write .*r\.txt: ENOENT/);
  });

  test('SARIF, json, github and --summary quote no personal value by default; --show-personal-data shows them; text shows them', async () => {
    const dir = tempDir('kraken-redact-');
    writeFileSync(path.join(dir, 'a.json'), text);
    const values = Object.values(PERSONAL);
    for (const argv of [['-f', 'sarif'], ['-f', 'json'], ['-f', 'github'], ['--summary']]) {
      const r = await cli(['validate', ...argv, 'a.json'], { cwd: dir });
      assert.equal(r.code, 1, r.stderr);
      for (const v of values) assert.ok(!r.stdout.includes(v), `${argv.join(' ')} quotes ${v}`);
      assert.ok(r.stdout.includes(REDACTED), argv.join(' '));
      const shown = await cli(['validate', ...argv, '--show-personal-data', 'a.json'], { cwd: dir });
      for (const v of values) assert.ok(shown.stdout.includes(v), `${argv.join(' ')} --show-personal-data shows ${v}`);
    }
    const sarif = JSON.parse((await cli(['validate', '-f', 'sarif', 'a.json'], { cwd: dir })).stdout);
    const messages = sarif.runs[0].results.map((x: { ruleId: string; message: { text: string } }) => `${x.ruleId}: ${x.message.text}`);
    assert.ok(
      messages.includes(
        `invalid-format: "${REDACTED}" is not a valid email: expected an email address such as ${REDACTED} (or an empty string). [customers.0.email]`,
      ),
      messages.join('\n'),
    );
    assert.ok(
      messages.includes(
        `invalid-format: "${REDACTED}" is not a valid date of birth: expected a date as YYYY-MM-DD, e.g. 2022-01-31. [customers.0.date_of_birth]`,
      ),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m: string) => m.startsWith(`iban-check: IBAN "${REDACTED}" is not valid`)),
      messages.join('\n'),
    );
    const textRun = await cli(['validate', 'a.json'], { cwd: dir });
    assert.ok(textRun.stdout.includes(PERSONAL.email), 'the text format is for the person fixing the file');
  });

  test('the redactor: IBANs in either case, compact, spaced or dashed; the words after them stay', () => {
    for (const iban of [
      'GB82WEST12345698765432',
      'gb82west12345698765432',
      'GB82 WEST 1234 5698 7654 32',
      'gb82 west 1234 5698 7654 32',
      'De89 3704 0044 0532 0130 00',
      'GB82-WEST-1234-5698-7654-32',
    ]) {
      assert.equal(redactText(`IBAN ${iban} is not valid`), `IBAN ${REDACTED} is not valid`, iban);
    }
    assert.equal(
      redactText('invoice ab12cdefghijklmnop, reading 1234.02 on 2021-05-13'),
      'invoice ab12cdefghijklmnop, reading 1234.02 on 2021-05-13',
    );
  });
});

describe('a closed stdout ends a command quietly', () => {
  test('kraken-import rules | head -1: the first rule, no stack trace', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" rules | head -1`], { encoding: 'utf8', env: cleanEnv() });
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^[a-z0-9-]+ +(error|warning|information|hint|off) +\S/);
    assert.equal(r.stdout.split('\n').length, 2);
  });

  test('validate -f json of a large wave, its reader gone after the first chunk: exit 141, nothing on stderr', async () => {
    const dir = tempDir('kraken-pipe-');
    const wave = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ ...smallAccount(`P-${i}`), sales_channel: 'PIGEON' })).join('\n');
    writeFileSync(path.join(dir, 'wave.jsonl'), wave);
    const child = spawn(process.execPath, [CLI, 'validate', '-f', 'json', '--jobs', '1', 'wave.jsonl'], {
      cwd: dir,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 141);
    assert.equal(stderr, '');
  });

  // Node opens /dev/null for a closed stdout (>&-) before any script runs; a full disk is what fails a write.
  test(
    'a report that cannot be written (stdout on /dev/full): exit 2, however the run went',
    { skip: existsSync('/dev/full') ? false : 'no /dev/full' },
    () => {
      const dir = tempDir('kraken-full-');
      writeFileSync(path.join(dir, 'clean.json'), JSON.stringify(smallAccount('C-1')));
      writeFileSync(path.join(dir, 'wrong.json'), JSON.stringify({ ...smallAccount('C-2'), sales_channel: 'PIGEON' }));
      for (const [args, status] of [
        ['validate clean.json', 0],
        ['validate wrong.json', 1],
        ['--version', 0],
      ] as const) {
        const run = (redirect: string) =>
          spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" ${args} ${redirect}`], { cwd: dir, encoding: 'utf8', env: cleanEnv() });
        assert.equal(run('>/dev/null').status, status, args);
        const full = run('>/dev/full');
        assert.equal(full.status, 2, `${args} >/dev/full`);
        assert.equal(full.stderr, '', `${args} >/dev/full`);
      }
    },
  );

  // Node's own streams wait for a non-blocking descriptor; the CLI's direct writes (cli/src/stdio.ts) hand over to
  // the stream at the first EAGAIN. The reader starts only once the pipe is full, so the CLI meets EAGAIN.
  const python = spawnSync('python3', ['--version']).status === 0;
  test(
    'validate -f json into a non-blocking pipe read late: every byte, in order',
    { skip: python ? false : 'python3 is not installed' },
    () => {
      const dir = tempDir('kraken-nonblock-');
      const wave = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ ...smallAccount(`N-${i}`), sales_channel: 'PIGEON' })).join(
        '\n',
      );
      writeFileSync(path.join(dir, 'wave.jsonl'), wave);
      const args = ['validate', '-f', 'json', '--jobs', '1', 'wave.jsonl'];
      const expected = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, env: cleanEnv(), maxBuffer: 64 << 20 });
      assert.equal(expected.status, 1);
      assert.ok(expected.stdout.length > 1 << 18, `the report (${expected.stdout.length} bytes) is four times what a pipe holds`);
      const script = [
        'import array, fcntl, os, subprocess, sys, termios, time',
        'r, w = os.pipe()',
        'fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)',
        'p = subprocess.Popen(sys.argv[1:], stdout=w)',
        'os.close(w)',
        'size = fcntl.fcntl(r, 1032)', // F_GETPIPE_SZ: what the pipe holds
        'def held():',
        '    n = array.array("i", [0])',
        '    fcntl.ioctl(r, termios.FIONREAD, n)',
        '    return n[0]',
        // Read nothing until the pipe is full (the CLI's next write meets EAGAIN) or the CLI has ended.
        'while p.poll() is None and held() < size: time.sleep(0.005)',
        'if p.poll() is not None: sys.exit("the CLI ended before the pipe was full")',
        'out = bytearray()',
        'while True:',
        '    chunk = os.read(r, 1 << 16)',
        '    if not chunk: break',
        '    out += chunk',
        'sys.stdout.buffer.write(out)',
        'sys.exit(p.wait())',
      ].join('\n');
      const run = spawnSync('python3', ['-c', script, process.execPath, CLI, ...args], { cwd: dir, env: cleanEnv(), maxBuffer: 64 << 20 });
      assert.equal(run.stderr.toString(), '');
      assert.equal(run.status, 1);
      assert.ok(run.stdout.equals(expected.stdout), 'the same report as into a blocking pipe');
    },
  );
});

describe('send: a terminal prompt, a proxy, a locked journal', () => {
  const KEY = 'sk-edge-right';
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({ port: 0, apiKey: KEY, createDelayMs: 0, log: () => undefined });
  });
  after(() => sb.close());

  function waveDir(baseUrl: string, accounts: string[]): string {
    const dir = tempDir('kraken-edge-send-');
    writeFileSync(
      path.join(dir, 'kraken-import.config.json'),
      JSON.stringify({ environments: [{ name: 'sb', baseUrl, flow: 'v1', operationsTeam: 'A', auth: 'api-key-header' }] }),
    );
    writeFileSync(
      path.join(dir, 'wave.jsonl'),
      accounts.map((a) => JSON.stringify(smallAccount(a, { supplier: SUPPLIER }))).join('\n') + '\n',
    );
    return dir;
  }

  test('editLine: Backspace, Ctrl-U, Ctrl-W, arrow keys, Enter, Ctrl-C', () => {
    assert.deepEqual(editLine('', 'abcX\x7fd\r'), { line: 'abcd', end: 'enter', rest: '' });
    assert.deepEqual(editLine('wrong', '\x15right'), { line: 'right' });
    assert.deepEqual(editLine('one two', '\x17\x1b[D\x1b[Cthree\x08\x08ee\n'), { line: 'one three', end: 'enter', rest: '' });
    assert.deepEqual(editLine('abc', '\x03'), { line: '', end: 'cancel' });
    assert.deepEqual(editLine('', '\x04'), { line: '', end: 'eof' });
  });

  test('--api-key-stdin on a terminal: Backspace and Ctrl-U edit the key, nothing is echoed, the right key is sent', async () => {
    const dir = waveDir(sb.url, ['TTY-1']);
    const script = [
      'import json, os, pty, select, sys',
      'argv, keys = json.loads(sys.argv[1]), json.loads(sys.argv[2])',
      'pid, fd = pty.fork()',
      'if pid == 0:',
      '    os.execv(argv[0], argv)',
      'out = b""',
      'def read(until):',
      '    global out',
      '    while until is None or until not in out:',
      '        r, _, _ = select.select([fd], [], [], 60)',
      '        if not r: sys.exit("timeout: " + repr(out))',
      '        try: chunk = os.read(fd, 4096)',
      '        except OSError: return',
      '        if not chunk: return',
      '        out += chunk',
      'read(b"API key: ")',
      'for k in keys: os.write(fd, k.encode())',
      'read(None)',
      '_, status = os.waitpid(pid, 0)',
      'print(json.dumps({"out": out.decode("utf8", "replace"), "code": os.waitstatus_to_exitcode(status)}))',
    ].join('\n');
    // Typed: a wrong start wiped with Ctrl-U, a typo fixed with Backspace, Enter.
    const keys = ['sk-wrong-key', '\x15', 'sk-edge-rigX', '\x7f', 'ht', '\r'];
    const argv = [process.execPath, CLI, 'send', '--env', 'sb', '--action', 'validate', '--api-key-stdin', 'wave.jsonl'];
    const before = sb.state.requests.length;
    const r = await new Promise<Run>((resolve, reject) => {
      const child = spawn('python3', ['-c', script, JSON.stringify(argv), JSON.stringify(keys)], {
        cwd: dir,
        env: cleanEnv({ TERM: 'dumb' }),
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(r.code, 0, r.stderr);
    const { out, code } = JSON.parse(r.stdout) as { out: string; code: number };
    assert.equal(code, 0, out);
    assert.match(out, /API key: /);
    for (const typed of ['sk-wrong', 'wrong-key', 'rigX', 'sk-edge', KEY]) assert.ok(!out.includes(typed), `echoed: ${typed}`);
    const sent = sb.state.requests.slice(before);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].status, 200, 'the sandbox accepted the key as typed after editing (a wrong key is a 401)');
  });

  describe('through a proxy', () => {
    let certDir: string;
    let tlsFront: https.Server;
    let proxy: http.Server;
    let proxyUrl: string;
    const connects: Array<{ target: string; auth?: string }> = [];
    before(async () => {
      // kraken.test: a TLS front (self-signed, trusted through NODE_EXTRA_CA_CERTS) that forwards to the sandbox.
      certDir = tempDir('kraken-proxy-cert-');
      const made = spawnSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          'key.pem',
          '-out',
          'cert.pem',
          '-days',
          '2',
          '-subj',
          '/CN=kraken.test',
          '-addext',
          'subjectAltName=DNS:kraken.test',
        ],
        { cwd: certDir, encoding: 'utf8' },
      );
      assert.equal(made.status, 0, made.stderr);
      tlsFront = https.createServer(
        { key: readFileSync(path.join(certDir, 'key.pem')), cert: readFileSync(path.join(certDir, 'cert.pem')) },
        (req, res) => {
          if (req.url === '/data-import/schema/') {
            // The instance's served contract (the sandbox serves none): the edf-gb one from the shared docs.
            res
              .writeHead(200, { 'content-type': 'application/vnd.oai.openapi' })
              .end(readFileSync(path.join(SHARED, 'kraken-openapi', 'edf-gb.openapi.yml')));
            return;
          }
          const upstream = http.request(`${sb.url}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
            res.writeHead(up.statusCode!, up.headers);
            up.pipe(res);
          });
          req.pipe(upstream);
        },
      );
      await new Promise<void>((resolve) => tlsFront.listen(0, '127.0.0.1', resolve));
      const frontPort = (tlsFront.address() as net.AddressInfo).port;
      // The proxy: records each CONNECT and tunnels it to the TLS front.
      proxy = http.createServer((_req, res) => res.writeHead(405).end());
      proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
        connects.push({ target: req.url!, auth: req.headers['proxy-authorization'] });
        const up = net.connect(frontPort, '127.0.0.1', () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          up.write(head);
          up.pipe(client);
          client.pipe(up);
        });
        up.on('error', () => client.destroy());
        client.on('error', () => up.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      proxyUrl = `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    });
    after(() => {
      proxy.closeAllConnections();
      tlsFront.closeAllConnections();
      proxy.close();
      tlsFront.close();
    });

    test('HTTPS_PROXY: send goes through a CONNECT to kraken.test:443 with the proxy credentials; TLS is checked end to end', async () => {
      const dir = waveDir('https://kraken.test', ['PRX-1']);
      const before = sb.state.requests.length;
      const r = await cli(['send', '--env', 'sb', '--action', 'validate', 'wave.jsonl'], {
        cwd: dir,
        env: { KRAKEN_API_KEY: KEY, HTTPS_PROXY: `http://alice:s3cr%40t@${proxyUrl}`, NODE_EXTRA_CA_CERTS: path.join(certDir, 'cert.pem') },
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.deepEqual(
        connects.map((c) => c.target),
        ['kraken.test:443'],
      );
      assert.equal(connects[0].auth, `Basic ${Buffer.from('alice:s3cr@t').toString('base64')}`);
      assert.equal(sb.state.requests.length - before, 1);
      assert.equal(sb.state.requests[sb.state.requests.length - 1].path, '/v1/data-import/validate-account/');
      assert.match(
        r.stderr,
        new RegExp(`reaching "sb" through the proxy http://${proxyUrl.replace(/\./g, '\\.')} \\(HTTPS_PROXY in the environment\\)`),
      );
      assert.ok(!(r.stdout + r.stderr).includes('s3cr'), 'the proxy password is never printed');

      // Without the CA, the tunnel works but the certificate is refused: TLS is Kraken's, not the proxy's.
      const untrusted = await cli(['send', '--env', 'sb', '--action', 'validate', '--journal', 'j2.jsonl', 'wave.jsonl'], {
        cwd: dir,
        env: { KRAKEN_API_KEY: KEY, https_proxy: `http://${proxyUrl}` },
      });
      assert.equal(untrusted.code, 1, untrusted.stdout + untrusted.stderr);
      assert.match(untrusted.stdout, /TLS certificate of kraken\.test was not accepted/);
      assert.ok(connects.length >= 2 && connects.every((c) => c.target === 'kraken.test:443'), JSON.stringify(connects));
    });

    test('the contract of validate --contract / contract info is fetched through the proxy too', async () => {
      const cacheDir = tempDir('kraken-proxy-cache-');
      const before = connects.length;
      const r = await cli(['contract', 'info', 'https://kraken.test/data-import/schema/'], {
        env: { HTTPS_PROXY: `http://${proxyUrl}`, NODE_EXTRA_CA_CERTS: path.join(certDir, 'cert.pem'), KRAKEN_IMPORT_CACHE_DIR: cacheDir },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        connects.slice(before).map((c) => c.target),
        ['kraken.test:443'],
      );
      assert.match(r.stdout, /^load: fetched https:\/\/kraken\.test\/data-import\/schema\//m);
    });

    test('NO_PROXY (either case) keeps a host off the proxy; a proxy scheme we cannot use is exit 2 naming the variable', async () => {
      const dir = waveDir('https://kraken.test', ['PRX-2']);
      const r = await cli(['send', '--env', 'sb', '--action', 'validate', '--timeout', '20', 'wave.jsonl'], {
        cwd: dir,
        env: { KRAKEN_API_KEY: KEY, HTTPS_PROXY: `http://${proxyUrl}`, no_proxy: 'localhost,.test' },
      });
      const seen = connects.length;
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.doesNotMatch(r.stderr, /through the proxy/);
      assert.match(r.stdout, /kraken\.test/);
      assert.equal(connects.length, seen, 'no CONNECT for a no_proxy host');

      const socks = await cli(['send', '--env', 'sb', '--action', 'validate', 'wave.jsonl'], {
        cwd: dir,
        env: { KRAKEN_API_KEY: KEY, HTTPS_PROXY: 'socks5://127.0.0.1:1080' },
      });
      assert.equal(socks.code, 2);
      assert.match(socks.stderr, /HTTPS_PROXY: socks5 proxies are not supported/);
    });

    test('proxyFor and no_proxy as curl reads them', () => {
      const u = (s: string) => new URL(s);
      assert.equal(proxyFor(u('https://api.kraken.energy'), { HTTPS_PROXY: 'proxy:3128' })?.proxy.href, 'http://proxy:3128/');
      assert.equal(
        proxyFor(u('https://api.kraken.energy'), { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })?.proxy.host,
        'lower:1',
      );
      assert.equal(proxyFor(u('https://api.kraken.energy'), { ALL_PROXY: 'http://all:3' })?.proxy.host, 'all:3');
      assert.equal(proxyFor(u('http://127.0.0.1:8787'), { HTTP_PROXY: 'http://p:1' }), undefined, 'the local sandbox is reached directly');
      assert.equal(proxyFor(u('https://api.kraken.energy'), { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' }), undefined);
      assert.ok(bypassesProxy(u('https://api.kraken.energy'), 'kraken.energy'));
      assert.ok(bypassesProxy(u('https://api.kraken.energy'), '.kraken.energy'));
      assert.ok(!bypassesProxy(u('https://notkraken.energy'), 'kraken.energy'));
      assert.ok(bypassesProxy(u('https://api.kraken.energy'), 'other.example, api.kraken.energy:443'));
      assert.ok(!bypassesProxy(u('https://api.kraken.energy'), 'api.kraken.energy:8443'));
      assert.ok(bypassesProxy(u('https://10.1.2.3'), '10.0.0.0/8'));
      assert.ok(!bypassesProxy(u('https://11.1.2.3'), '10.0.0.0/8'));
    });
  });

  test('two resumes started at once on a stale journal lock: exactly one runs, the other exits 2; the account is created once', async () => {
    // A gate in front of the sandbox holds every request until the test lets go: the run that holds the lock is
    // kept in flight until the other one has decided.
    const held: Array<() => void> = [];
    let arrivals = 0;
    let onArrival: () => void = () => undefined;
    let released = false;
    const gate = http.createServer((req, res) => {
      arrivals++;
      onArrival();
      const forward = () => {
        const upstream = http.request(`${sb.url}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode!, up.headers);
          up.pipe(res);
        });
        req.pipe(upstream);
      };
      if (released) forward();
      else held.push(forward);
    });
    await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
    try {
      const dir = waveDir(`http://127.0.0.1:${(gate.address() as net.AddressInfo).port}`, ['LOCK-1']);
      const journal = path.join(dir, 'kraken-import.journal.jsonl');
      // The lock a killed run left behind: its process is gone.
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
      writeFileSync(`${journal}.lock`, JSON.stringify({ pid: Number(gone), host: hostname(), at: new Date().toISOString() }));

      const start = () =>
        cli(['send', '--env', 'sb', '--action', 'stage,create', 'wave.jsonl'], { cwd: dir, env: { KRAKEN_API_KEY: KEY } });
      const runs = [start(), start()];
      // The first to finish must be the refused one (the other is held at the gate); two runs at the gate at once
      // would be both running.
      const first = await Promise.race([
        ...runs.map((p, i) => p.then((r) => ({ i, r }))),
        new Promise<never>((_, reject) => {
          onArrival = () => {
            if (arrivals > 1) reject(new Error('two requests at the gate before either run ended: both runs took the lock'));
          };
        }),
      ]);
      assert.equal(first.r.code, 2, first.r.stdout + first.r.stderr);
      assert.match(
        first.r.stderr,
        /kraken-import: (the journal is in use by process \d+|another run is taking over the stale journal lock)/,
      );
      assert.equal(first.r.stdout, '');
      onArrival = () => undefined;
      released = true;
      for (const go of held.splice(0)) go();
      const second = await runs[1 - first.i];
      assert.equal(second.code, 0, second.stdout + second.stderr);
      const imported = [...sb.state.imported.values()].filter((a) => a.externalAccountNumber === 'LOCK-1');
      assert.equal(imported.length, 1);
      assert.equal(
        sb.state.requestsTo('/v1/data-import/account-import-process/process/', 'POST').filter((x) => x.status !== 400).length >= 1,
        true,
      );
      assert.ok(!existsSync(`${journal}.lock`), 'the lock is released at the end');
      assert.deepEqual(
        readdirSync(dir).filter((f) => f.includes('.lock')),
        [],
        'no takeover or temporary lock files are left',
      );
    } finally {
      gate.closeAllConnections();
      gate.close();
    }
  });

  test('the takeover of a stale lock is itself locked: a run finding another taking over stops; a takeover left by a dead run is named', async () => {
    const dir = tempDir('kraken-takeover-');
    const file = path.join(dir, 'j.jsonl');
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    const stale = JSON.stringify({ pid: dead, host: hostname() });
    writeFileSync(`${file}.lock`, stale);
    writeFileSync(`${file}.lock.takeover`, JSON.stringify({ pid: process.ppid, host: hostname() })); // a live process is taking over
    assert.throws(
      () => Journal.open(file),
      (e: Error) => e instanceof JournalLockedError && /another run is taking over the stale journal lock/.test(e.message),
    );
    assert.equal(readFileSync(`${file}.lock`, 'utf8'), stale, 'the stale lock is left to the run taking it over');
    writeFileSync(`${file}.lock.takeover`, JSON.stringify({ pid: dead, host: hostname() }));
    assert.throws(
      () => Journal.open(file),
      /a run that was taking over the stale journal lock .* is gone; delete .*\.takeover and run again/,
    );
    rmSync(`${file}.lock.takeover`);
    const journal = Journal.open(file); // the stale lock alone: taken over
    assert.equal(JSON.parse(readFileSync(`${file}.lock`, 'utf8')).pid, process.pid);
    assert.ok(!existsSync(`${file}.lock.takeover`));
    await journal.close();
    assert.deepEqual(
      readdirSync(dir).filter((f) => f !== 'j.jsonl'),
      [],
    );
  });

  test('the interleaving that let two resumes run: another run takes the stale lock over between our read and our takeover', () => {
    const dir = tempDir('kraken-interleave-');
    const lockFile = path.join(dir, 'j.jsonl.lock');
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    writeFileSync(lockFile, JSON.stringify({ pid: dead, host: hostname() }));
    // The other run (a live process: our parent) replaces the stale lock with its own, the whole takeover done.
    const theirs = JSON.stringify({ pid: process.ppid, host: hostname(), at: 'then' });
    assert.throws(
      () => takeLock(lockFile, { afterStaleRead: () => (rmSync(lockFile), writeFileSync(lockFile, theirs)) }),
      (e: Error) => e instanceof JournalLockedError && e.message.startsWith(`the journal is in use by process ${process.ppid}`),
    );
    assert.equal(readFileSync(lockFile, 'utf8'), theirs, 'their lock is left alone (the old takeover deleted it and took its place)');
    // The other run is mid-takeover (holds <lock>.takeover) when we get there: we stop, the stale lock stays for them.
    writeFileSync(lockFile, JSON.stringify({ pid: dead, host: hostname() }));
    assert.throws(
      () => takeLock(lockFile, { afterStaleRead: () => writeFileSync(`${lockFile}.takeover`, theirs) }),
      /another run is taking over the stale journal lock/,
    );
    rmSync(`${lockFile}.takeover`);
    // Nobody else: the stale lock becomes ours.
    takeLock(lockFile);
    assert.equal(JSON.parse(readFileSync(lockFile, 'utf8')).pid, process.pid);
    assert.deepEqual(readdirSync(dir), ['j.jsonl.lock']);
  });

  test('send: an empty folder is exit 2 and nothing is sent; --allow-empty: exit 0; "-" sends the document on stdin', async () => {
    const dir = waveDir(sb.url, []);
    rmSync(path.join(dir, 'wave.jsonl'));
    mkdirSync(path.join(dir, 'in'));
    const before = sb.state.requests.length;
    const r = await cli(['send', '--env', 'sb', '--action', 'create', 'in'], { cwd: dir, env: { KRAKEN_API_KEY: KEY } });
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'kraken-import: no payload to send:\n  in: no .json, .jsonl or .ndjson file (the folder is empty)\nNothing was sent. Pass --allow-empty if an input without payloads is expected.\n',
    );
    assert.equal(sb.state.requests.length, before);
    assert.ok(!existsSync(path.join(dir, 'kraken-import.journal.jsonl')));
    const allowed = await cli(['send', '--env', 'sb', '--action', 'create', '--allow-empty', 'in'], {
      cwd: dir,
      env: { KRAKEN_API_KEY: KEY },
    });
    assert.equal(allowed.code, 0, allowed.stderr);

    const piped = await cli(['send', '--env', 'sb', '--action', 'validate', '--stdin-filepath', 'from-pipe.json', '-'], {
      cwd: dir,
      env: { KRAKEN_API_KEY: KEY },
      stdin: JSON.stringify(smallAccount('PIPE-1', { supplier: SUPPLIER })),
    });
    assert.equal(piped.code, 0, piped.stdout + piped.stderr);
    assert.match(piped.stdout, /^ok +validate +from-pipe\.json +TENTACLE_ENERGY\/PIPE-1/m);
    const both = await cli(['send', '--env', 'sb', '--action', 'validate', '--api-key-stdin', '-'], { cwd: dir, stdin: 'x' });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /"-" and --api-key-stdin both read stdin/);
  });
});
