/**
 * `kraken-import send` against the local sandbox with fault injection: waves staged and created with the journal,
 * 500 bursts, 429 storms and dropped connections; a run killed (SIGKILL) in the middle and resumed; shards that
 * cover a wave exactly once between them; v2 creates checked through the import status. "Created exactly once" is
 * checked in the sandbox's state: one import per account, as many 201s as accounts, and no create ever answered
 * "already imported" (which is what a second create of an account gets).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { startSandbox, type SandboxHandle } from '../../sandbox/src/index';
import { parseCommand, UsageError } from '../../core/src/args';
import { CreateGate, parseShard, runSend, SEND_COMMAND, type SendIo } from '../../cli/src/send';
import { readWave, shardOf, unitKey } from '../../core/src/waves';
import { foldJournal, Journal, JournalLockedError, readJournal, type JournalRecord } from '../../core/src/waves/journal';
import { fixture, REPO_ROOT } from '../helpers';
import { smallAccount } from '../fixtures/smallAccount';

const KEY = 'sk_test_wave_3c9e1f';
const SUPPLIER = 'TENTACLE_ENERGY';
const CREATE_V1 = '/v1/data-import/account-import-process/process/';
const STAGE_V1 = '/v1/data-import/account-import-process/create-or-update/';
const CREATE_V2 = '/v2/data-import/accounts/';
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

const account = (ext: string) => smallAccount(ext, { supplier: SUPPLIER });

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A folder with a config naming the sandbox (v1 and v2 environments) and a wave of `n` accounts. */
function waveDir(sb: SandboxHandle, n: number, prefix: string, options: { files?: number } = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kraken-wave-'));
  dirs.push(dir);
  writeFileSync(
    path.join(dir, 'kraken-import.config.json'),
    JSON.stringify({
      environments: [
        { name: 'Sandbox v1', baseUrl: sb.url, flow: 'v1', operationsTeam: 'A', auth: 'api-key-header' },
        { name: 'Sandbox v2', baseUrl: sb.url, flow: 'v2', auth: 'kraken-token' },
        { name: 'Prod', baseUrl: sb.url, flow: 'v1', production: true },
      ],
    }),
  );
  const files = options.files ?? 1;
  const lines: string[][] = Array.from({ length: files }, () => []);
  for (let i = 0; i < n; i++) lines[i % files].push(JSON.stringify(account(`${prefix}-${String(i + 1).padStart(4, '0')}`)));
  lines.forEach((l, f) => writeFileSync(path.join(dir, `wave-${f + 1}.jsonl`), l.join('\n') + '\n'));
  return dir;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function send(
  dir: string,
  argv: string[],
  env: Record<string, string | undefined> = { KRAKEN_API_KEY: KEY },
  retry: Record<string, number> = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: SendIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env,
    cwd: dir,
    readStdinLine: async () => undefined,
    clientOptions: { retry: { retries: 3, rateLimitRetries: 30, baseDelayMs: 2, maxDelayMs: 40, ...retry } },
    pollIntervalMs: 20,
  };
  const code = await runSend(parseCommand(SEND_COMMAND, argv[0] === 'send' ? argv.slice(1) : argv), io);
  return { code, stdout, stderr };
}

function journalOf(dir: string, name = 'kraken-import.journal.jsonl'): JournalRecord[] {
  return readJournal(path.join(dir, name)).records;
}

/** Outcome records with status ok per create key: exactly one each. */
function okCreatesByKey(records: JournalRecord[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of records) if (r.action === 'create' && r.phase === 'outcome' && r.status === 'ok') m.set(r.key, (m.get(r.key) ?? 0) + 1);
  return m;
}

function assertCreatedExactlyOnce(sb: SandboxHandle, prefix: string, n: number, createPath = CREATE_V1): void {
  const imported = [...sb.state.imported.values()].filter((a) => a.externalAccountNumber.startsWith(`${prefix}-`));
  assert.equal(imported.length, n, 'every account imported');
  assert.equal(new Set(imported.map((a) => a.externalAccountNumber)).size, n);
  const creates = sb.state.requestsTo(createPath, 'POST');
  assert.equal(creates.filter((r) => r.status === 400).length, 0, 'no create was answered 400 (a second create gets "already imported")');
}

describe('send: a v1 wave with faults', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({ port: 0, apiKey: KEY, createDelayMs: 5, processingMs: 50, log: () => {} });
  });
  after(() => sb.close());

  test('300 accounts staged and created through 500 bursts, a 429 storm and dropped creates; a rerun sends nothing', async () => {
    const dir = waveDir(sb, 300, 'FLT', { files: 3 });
    sb.faults.add({ match: STAGE_V1, status: 500, times: 5 });
    sb.faults.add({ match: CREATE_V1, status: 500, times: 4 });
    sb.faults.add({ match: CREATE_V1, status: 429, times: 40, retryAfter: 0 });
    sb.faults.add({ match: CREATE_V1, drop: 'after', times: 3 });
    let run = await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'stage,create', '--concurrency', '16', '.']);
    // A burst can exhaust one payload's retries: that payload is failed (not unknown) and the rerun sends it.
    if (run.code === 1) run = await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'stage,create', '--concurrency', '16', '.']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assertCreatedExactlyOnce(sb, 'FLT', 300);
    const m = /429 answers (\d+)/.exec(run.stdout);
    assert.ok(m, run.stdout);

    const records = journalOf(dir);
    const oks = okCreatesByKey(records);
    assert.equal(oks.size, 300);
    assert.ok(
      [...oks.values()].every((n) => n === 1),
      'one ok outcome per create',
    );
    // The dropped creates were processed by Kraken: found by the transfer status, not sent again.
    assert.ok(
      records.filter((r) => r.action === 'create' && r.reason === 'reconciled').length >= 1,
      'dropped creates were checked in Kraken',
    );
    assert.equal(records.filter((r) => r.phase === 'outcome' && r.status === 'unknown').length, 0);
    // Every create that succeeded (a failed one of a first run, its burst outlasting the retries, has no number).
    for (const r of records.filter((x) => x.action === 'create' && x.phase === 'outcome' && x.status === 'ok')) {
      assert.equal(r.file.startsWith('wave-'), true);
      assert.ok(r.line! >= 1);
      assert.match(r.account!, /^TENTACLE_ENERGY\/FLT-\d{4}$/);
      assert.match(r.kraken?.accountNumber ?? '', /^A-/);
    }
    assert.equal(sb.faults.list().length, 0, 'every injected fault was hit');

    const createsBefore = sb.state.requestsTo(CREATE_V1, 'POST').length;
    const again = await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'stage,create', '.']);
    assert.equal(again.code, 0, again.stdout);
    assert.match(again.stdout, /^create\s+0\s+0\s+0\s+0\s+300\s+0$/m);
    assert.equal(sb.state.requestsTo(CREATE_V1, 'POST').length, createsBefore, 'the rerun sent no create');
  });

  test('429s are waited for: creates never above the gate, every account created once', async () => {
    const dir = waveDir(sb, 80, 'RL');
    await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'stage', '.']);
    sb.faults.add({ match: CREATE_V1, status: 429, times: 25, retryAfter: 0 });
    const run = await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'create', '--concurrency', '12', '.']);
    assert.equal(run.code, 0, run.stdout);
    const seen = Number(/429 answers (\d+)/.exec(run.stdout)?.[1]);
    assert.equal(seen, 25);
    assertCreatedExactlyOnce(sb, 'RL', 80);
    assert.equal(sb.state.requestsTo(CREATE_V1, 'POST').filter((r) => r.status === 201).length >= 80, true);
  });

  test('Retry-After is respected by the whole wave: after a 429, no new create reaches Kraken before the wait is over', async () => {
    const dir = waveDir(sb, 40, 'RA');
    await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'stage', '.']);
    const from = sb.state.requests.length;
    sb.faults.add({ match: CREATE_V1, status: 429, times: 1, retryAfter: 1 });
    const run = await send(
      dir,
      ['send', '--env', 'Sandbox v1', '--action', 'create', '--concurrency', '4', '.'],
      { KRAKEN_API_KEY: KEY },
      { maxDelayMs: 5000 },
    );
    assert.equal(run.code, 0, run.stdout);
    const creates = sb.state.requests.slice(from).filter((r) => r.path === CREATE_V1);
    const limited = creates.find((r) => r.status === 429)!;
    const t = Date.parse(limited.at);
    const early = creates.filter((r) => Date.parse(r.at) > t + 50 && Date.parse(r.at) < t + 950);
    assert.deepEqual(early, [], 'creates sent inside the Retry-After window');
    assert.ok(
      creates.some((r) => Date.parse(r.at) >= t + 950),
      'creates resumed after the wait',
    );
    assertCreatedExactlyOnce(sb, 'RA', 40);
  });

  test('a create never goes above the instance limit of 40, even with --concurrency 100', async () => {
    const dir = waveDir(sb, 120, 'CAP');
    await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'stage', '--concurrency', '100', '.']);
    const from = sb.state.requests.length;
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, sb.state.inFlightCreates)), 1);
    const run = await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'create', '--concurrency', '100', '.']);
    clearInterval(timer);
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stderr, /limited to 40 at once/);
    assert.ok(peak <= 40, `peak ${peak}`);
    assert.equal(
      sb.state.requests.slice(from).filter((r) => r.path === CREATE_V1 && r.status === 429).length,
      0,
      'never above the concurrency limit',
    );
    assertCreatedExactlyOnce(sb, 'CAP', 120);
  });
});

describe('send: killed in the middle and resumed', () => {
  let sb: SandboxHandle;
  before(async () => {
    // Creates take a while, so a kill lands with creates in flight; the sandbox finishes them after the kill.
    sb = await startSandbox({ port: 0, apiKey: KEY, createDelayMs: 60, log: () => {} });
  });
  after(() => sb.close());

  test(
    'SIGKILL after 60 creates, then a rerun: every account created exactly once, in-flight creates checked, not re-sent',
    { timeout: 60_000 },
    async () => {
      assert.ok(existsSync(CLI), 'dist/cli.js is built (node scripts/build.mjs)');
      const N = 240;
      const dir = waveDir(sb, N, 'KILL', { files: 2 });
      const journal = path.join(dir, 'kraken-import.journal.jsonl');
      const child = spawn(
        process.execPath,
        [CLI, 'send', '--env', 'Sandbox v1', '--action', 'stage,create', '--concurrency', '16', '--quiet', '.'],
        {
          cwd: dir,
          env: { ...process.env, KRAKEN_API_KEY: KEY },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (c) => (output += c));
      child.stderr.on('data', (c) => (output += c));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ? null : code)));
      const createdSoFar = () =>
        existsSync(journal)
          ? readFileSync(journal, 'utf8')
              .split('\n')
              .filter((l) => l.includes('"action":"create"') && l.includes('"status":"ok"')).length
          : 0;
      const deadline = Date.now() + 30_000;
      // Kill with creates being processed by Kraken: their attempts are in the journal, their outcomes never will be.
      while (createdSoFar() < 60 || sb.state.inFlightCreates < 2) {
        if (Date.now() > deadline) throw new Error(`no progress: ${output}`);
        if (child.exitCode !== null) throw new Error(`the send ended before the kill: ${output}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      child.kill('SIGKILL');
      assert.equal(await exited, null, 'killed');
      assert.ok(existsSync(`${journal}.lock`), 'the killed run left its lock');

      const before = foldJournal(readJournal(journal).records);
      const inDoubt = [...before.values()].filter((u) => u.inDoubt && u.attempt?.action === 'create').length;
      assert.ok(inDoubt >= 1, 'the kill left creates in doubt (attempt written, no outcome)');
      assert.ok(sb.state.imported.size < N, 'killed before the end');

      // Resume (as a child process too: the real CLI, a stale lock taken over).
      const rerun = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const c = spawn(
          process.execPath,
          [CLI, 'send', '--env', 'Sandbox v1', '--action', 'stage,create', '--concurrency', '16', '--quiet', '.'],
          {
            cwd: dir,
            env: { ...process.env, KRAKEN_API_KEY: KEY },
          },
        );
        let out = '';
        c.stdout.on('data', (d) => (out += d));
        c.stderr.on('data', (d) => (out += d));
        c.on('exit', (code) => resolve({ code, out }));
      });
      assert.equal(rerun.code, 0, rerun.out);
      assertCreatedExactlyOnce(sb, 'KILL', N);
      assert.equal(
        sb.state.requestsTo(CREATE_V1, 'POST').filter((r) => r.status === 201).length,
        N,
        'exactly one successful create per account',
      );

      const records = readJournal(journal).records;
      const oks = okCreatesByKey(records);
      assert.equal(oks.size, N);
      assert.ok([...oks.values()].every((n) => n === 1));
      assert.ok(
        records.some((r) => r.action === 'create' && r.reason === 'reconciled'),
        `an in-doubt create was found in Kraken by its transfer status\n${rerun.out}\n${records
          .filter((r) => r.run !== records[0].run)
          .slice(0, 5)
          .map((r) => JSON.stringify(r))
          .join('\n')}`,
      );
      assert.match(rerun.out, /^create\s+\d+\s+\d+\s+0\s+0\s+\d+\s+[1-9]\d*$/m);
      assert.ok(!existsSync(`${journal}.lock`), 'the lock is released at the end');
    },
  );
});

describe('send: shards', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({ port: 0, apiKey: KEY, createDelayMs: 0, log: () => {} });
  });
  after(() => sb.close());

  test('three shards (own journals, run at once) cover the wave exactly once between them', async () => {
    const N = 150;
    const dir = waveDir(sb, N, 'SH', { files: 2 });
    const runs = await Promise.all(
      [1, 2, 3].map((i) =>
        send(dir, [
          'send',
          '--env',
          'Sandbox v1',
          '--action',
          'stage,create',
          '--shard',
          `${i}/3`,
          '--journal',
          `shard-${i}.journal.jsonl`,
          '.',
        ]),
      ),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stdout);
    const counts = runs.map((r) => Number(/— (\d+) payloads in shard/.exec(r.stdout)?.[1]));
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      N,
    );
    assert.ok(
      counts.every((c) => c > 20),
      `balanced enough: ${counts}`,
    );
    const keys = [1, 2, 3].map((i) => new Set(okCreatesByKey(journalOf(dir, `shard-${i}.journal.jsonl`)).keys()));
    const union = new Set(keys.flatMap((k) => [...k]));
    assert.equal(union.size, N);
    assert.equal(
      keys.reduce((n, k) => n + k.size, 0),
      N,
      'no account in two shards',
    );
    assertCreatedExactlyOnce(sb, 'SH', N);
  });

  test('shard assignment is a stable hash of the account, not file order', () => {
    const item = (file: string, line: number) => ({
      file,
      line,
      kind: 'account' as const,
      identityKey: 'TENTACLE_ENERGY/X-1',
      identified: true,
      hash: 'h',
    });
    assert.equal(shardOf(item('a.jsonl', 1).identityKey, 7), shardOf(item('b.jsonl', 99).identityKey, 7));
    assert.equal(shardOf('TENTACLE_ENERGY/X-1', 4), shardOf('TENTACLE_ENERGY/X-1', 4));
    assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
    assert.throws(() => parseShard('0/4'), UsageError);
    assert.throws(() => parseShard('5/4'), UsageError);
    assert.throws(() => parseShard('1-4'), UsageError);
    assert.equal(unitKey('create', item('a', 1)), 'create|TENTACLE_ENERGY/X-1');
    assert.equal(unitKey('stage', item('a', 1)), 'stage|TENTACLE_ENERGY/X-1|h');
  });
});

describe('send: v2 flow', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({ port: 0, apiKey: KEY, processingMs: 40, createDelayMs: 0, log: () => {} });
  });
  after(() => sb.close());

  test('creates with dropped connections are checked by their import status; --wait follows each to PROCESSED', async () => {
    const N = 40;
    const dir = waveDir(sb, N, 'V2');
    assert.equal((await send(dir, ['send', '--env', 'Sandbox v2', '--action', 'validate', '.'])).code, 0);
    sb.faults.add({ match: CREATE_V2, method: 'POST', drop: 'after', times: 3 });
    sb.faults.add({ match: CREATE_V2, method: 'POST', status: 429, times: 5, retryAfter: 0 });
    const run = await send(dir, ['send', '--env', 'Sandbox v2', '--action', 'create', '--wait', '.']);
    assert.equal(run.code, 0, run.stdout);
    assert.equal(sb.state.requestsTo(CREATE_V2, 'POST').filter((r) => r.status === 400).length, 0);
    const records = journalOf(dir);
    const creates = records.filter((r) => r.action === 'create' && r.phase === 'outcome');
    assert.equal(creates.length, N);
    assert.equal(creates.filter((r) => r.reason === 'reconciled').length, 3, 'the three dropped creates were found by their import status');
    const waited = creates.filter((r) => r.reason !== 'reconciled');
    assert.ok(
      waited.every((r) => r.kraken?.importStatus === 'PROCESSED' && /^A-/.test(r.kraken.krakenIdentifier ?? '')),
      JSON.stringify(waited[0]),
    );
    const imported = [...sb.state.imported.values()].filter((a) => a.externalAccountNumber.startsWith('V2-'));
    // The reconciled three settle when their status is read; all forty processes exist exactly once.
    assert.equal([...sb.state.processes.values()].filter((p) => p.externalIdentifier.startsWith('V2-')).length, N);
    assert.ok(imported.length >= N - 3);
  });
});

describe('send: resuming v2 creates', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({ port: 0, apiKey: KEY, processingMs: 30, createDelayMs: 0, log: () => {} });
  });
  after(() => sb.close());

  test('an in-doubt v2 create is looked up by its import status: our process → done; none, or only a dry run → sent', async () => {
    const dir = waveDir(sb, 3, 'V2R', { files: 3 }); // wave-1.jsonl: V2R-0001, wave-2: V2R-0002, wave-3: V2R-0003
    const journal = path.join(dir, 'kraken-import.journal.jsonl');
    // 1: created, but the outcome record never made it to the journal.
    assert.equal((await send(dir, ['send', '--env', 'Sandbox v2', '--action', 'create', '--wait', 'wave-1.jsonl'])).code, 0);
    const kept = readFileSync(journal, 'utf8')
      .split('\n')
      .filter(
        (l) => l && !(l.includes('"phase":"outcome"') && l.includes('V2R-0001')) && !l.includes('V2R-0002') && !l.includes('V2R-0003'),
      );
    // 2: the attempt was written, the process died before sending. 3: the same, with an earlier dry run in Kraken.
    assert.equal(
      (
        await send(dir, [
          'send',
          '--env',
          'Sandbox v2',
          '--action',
          'create-dry-run',
          '--wait',
          '--journal',
          'dry.journal.jsonl',
          'wave-3.jsonl',
        ])
      ).code,
      0,
    );
    const items = readWave(['wave-2.jsonl', 'wave-3.jsonl'], { cwd: dir }).items;
    const attempt = (i: number) =>
      JSON.stringify({
        v: 1,
        at: new Date().toISOString(),
        run: 'killed',
        env: 'Sandbox v2',
        key: unitKey('create', items[i]),
        file: items[i].file,
        line: 1,
        action: 'create',
        phase: 'attempt',
      });
    writeFileSync(journal, [...kept, attempt(0), attempt(1)].join('\n') + '\n');
    const createsBefore = sb.state.requestsTo(CREATE_V2, 'POST').length;
    const run = await send(dir, ['send', '--env', 'Sandbox v2', '--action', 'create', '--wait', '.']);
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /^create\s+2\s+3\s+0\s+0\s+0\s+1$/m, 'two sent, one found in Kraken');
    assert.equal(sb.state.requestsTo(CREATE_V2, 'POST').length - createsBefore, 2);
    assert.equal(sb.state.requestsTo(CREATE_V2, 'POST').filter((r) => r.status === 400).length, 0);
    const processes = [...sb.state.processes.values()].filter((p) => p.externalIdentifier.startsWith('V2R-'));
    assert.deepEqual(processes.map((p) => [p.externalIdentifier, p.dryRun, p.outcome]).sort(), [
      ['V2R-0001', false, 'PROCESSED'],
      ['V2R-0002', false, 'PROCESSED'],
      ['V2R-0003', false, 'PROCESSED'],
    ]);
  });
});

describe('send: configuration and safety', () => {
  let sb: SandboxHandle;
  let dir: string;
  before(async () => {
    sb = await startSandbox({ port: 0, apiKey: KEY, createDelayMs: 0, log: () => {} });
    dir = waveDir(sb, 3, 'CFG');
  });
  after(() => sb.close());
  beforeEach(() => rmSync(path.join(dir, 'kraken-import.journal.jsonl'), { force: true }));

  test('a production environment needs --yes; keys never from arguments; a missing key or environment is a usage error', async () => {
    await assert.rejects(send(dir, ['send', '--env', 'Prod', '--action', 'validate', '.']), /production environment: add --yes/);
    await assert.rejects(
      send(dir, ['send', '--env', 'Sandbox v1', '--action', 'validate', '--api-key', KEY, '.']),
      /never taken from arguments/,
    );
    await assert.rejects(
      send(dir, ['send', '--env', 'Sandbox v1', '--action', 'validate', '.'], {}),
      /KRAKEN_API_KEY_SANDBOX_V1 or KRAKEN_API_KEY/,
    );
    await assert.rejects(send(dir, ['send', '--env', 'Nope', '--action', 'validate', '.']), /no environment "Nope".*"Sandbox v1"/);
    await assert.rejects(send(dir, ['send', '--env', 'Sandbox v2', '--action', 'stage', '.']), /no staging step/);
    await assert.rejects(send(dir, ['send', '--env', 'Sandbox v1', '--action', 'frobnicate', '.']), /unknown --action/);
    const prod = await send(dir, ['send', '--env', 'Prod', '--action', 'validate', '--yes', '.'], { KRAKEN_API_KEY_PROD: KEY });
    assert.equal(prod.code, 0, prod.stdout);
  });

  test('the per-environment variable wins; the key never appears in the output or the journal', async () => {
    const run = await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'validate', '.'], {
      KRAKEN_API_KEY: 'wrong-key-xyz',
      KRAKEN_API_KEY_SANDBOX_V1: KEY,
    });
    assert.equal(run.code, 0, run.stdout);
    const bad = await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'validate', '--journal', 'other.journal.jsonl', '.'], {
      KRAKEN_API_KEY: 'wrong-key-xyz',
    });
    assert.equal(bad.code, 1);
    const journalText =
      readFileSync(path.join(dir, 'kraken-import.journal.jsonl'), 'utf8') + readFileSync(path.join(dir, 'other.journal.jsonl'), 'utf8');
    for (const text of [run.stdout, run.stderr, bad.stdout, bad.stderr, journalText]) {
      assert.ok(!text.includes(KEY) && !text.includes('wrong-key-xyz'));
    }
  });

  test("a second run on the same journal is refused while another process holds it; a dead holder's lock is taken over", async () => {
    const file = path.join(dir, 'kraken-import.journal.jsonl');
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.ppid, host: hostname() }));
    const run = await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'validate', '.']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, new RegExp(`journal is in use by process ${process.ppid}`));
    assert.throws(() => Journal.open(file), JournalLockedError);
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: gone, host: hostname() }));
    assert.equal((await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'validate', '.'])).code, 0);
    assert.ok(!existsSync(`${file}.lock`));
  });

  test('bytes that are not UTF-8 are not sent: a whole .json file, and only the .jsonl records that hold them', async () => {
    const d = waveDir(sb, 0, 'UTF');
    // "Müller" as a Windows-1252 export writes it: one byte 0xFC, not UTF-8's two.
    const text = (ext: string, indent?: number) => JSON.stringify(account(ext), null, indent).replace('"Goethe"', '"M\u00fcller"');
    const where = (t: string) => {
      const at = t.indexOf('\u00fc');
      return { line: t.slice(0, at).split('\n').length, column: at - t.lastIndexOf('\n', at - 1) };
    };
    const pretty = text('UTF-0001', 2);
    writeFileSync(path.join(d, 'one.json'), Buffer.from(pretty, 'latin1'));
    const lines = [Buffer.from(text('UTF-0002'), 'utf8'), Buffer.from(text('UTF-0003'), 'latin1'), Buffer.from(text('UTF-0004'), 'utf8')];
    writeFileSync(path.join(d, 'wave-1.jsonl'), Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
    const before = sb.state.requestsTo(STAGE_V1, 'POST').length;
    const run = await send(d, ['send', '--env', 'Sandbox v1', '--action', 'stage', '.']);
    assert.equal(run.code, 1, run.stdout);
    const file = where(pretty);
    assert.match(
      run.stdout,
      new RegExp(
        `one\\.json +not UTF-8: line ${file.line}, column ${file.column}: these bytes are not valid UTF-8, .*Re-encode the file as UTF-8`,
      ),
    );
    assert.match(run.stdout, new RegExp(`wave-1\\.jsonl:2 +not UTF-8: column ${where(text('UTF-0003')).column}: `));
    assert.doesNotMatch(run.stdout, /wave-1\.jsonl:[13] +not UTF-8/);
    // The two valid records were staged, each with its "ü"; nothing else reached Kraken.
    assert.equal(sb.state.requestsTo(STAGE_V1, 'POST').length - before, 2);
    const staged = [...sb.state.staged.values()].filter((a) => a.externalAccountNumber.startsWith('UTF-'));
    assert.deepEqual(staged.map((a) => a.externalAccountNumber).sort(), ['UTF-0002', 'UTF-0004']);
    for (const a of staged) assert.match(JSON.stringify(a.body), /"family_name":"M\u00fcller"/);
  });

  test('an integer JavaScript cannot hold is not sent: it would reach Kraken changed', async () => {
    const d = waveDir(sb, 0, 'BIG');
    const record = (ext: string, legacy: string) =>
      JSON.stringify(account(ext)).replace('"family_name":"Goethe"', `"family_name":"Goethe","legacy_id":${legacy}`);
    writeFileSync(
      path.join(d, 'wave-1.jsonl'),
      [record('BIG-0001', '12345678901234567891'), record('BIG-0002', '9007199254740991')].join('\n'),
    );
    const before = sb.state.requestsTo(STAGE_V1, 'POST').length;
    const run = await send(d, ['send', '--env', 'Sandbox v1', '--action', 'stage', '.']);
    assert.equal(run.code, 1, run.stdout);
    assert.match(
      run.stdout,
      /wave-1\.jsonl:1 +an integer would change on the way: 12345678901234567891 would be sent as 12345678901234567000, since/,
    );
    assert.equal(sb.state.requestsTo(STAGE_V1, 'POST').length - before, 1, 'only the record whose integers are exact');
    assert.deepEqual(
      [...sb.state.staged.values()].filter((a) => a.externalAccountNumber.startsWith('BIG-')).map((a) => a.externalAccountNumber),
      ['BIG-0002'],
    );
  });

  test('the same account twice in one wave is sent once', async () => {
    const d = waveDir(sb, 2, 'DUP');
    writeFileSync(path.join(d, 'again.json'), JSON.stringify(account('DUP-0001')));
    const run = await send(d, ['send', '--env', 'Sandbox v1', '--action', 'stage,create', '.']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /wave-1\.jsonl:1 .*the same account \(TENTACLE_ENERGY\/DUP-0001\) as again\.json/);
    assert.doesNotMatch(run.stdout, /not Kraken payloads/, 'the config file is not read as a payload');
    assertCreatedExactlyOnce(sb, 'DUP', 2);
  });
});

describe('send: post-import payloads and interruptions', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({ port: 0, apiKey: KEY, createDelayMs: 40, log: () => {} });
  });
  after(() => sb.close());

  test('notes and payment instructions over a folder that also holds accounts; an interrupted payment instruction is "unknown" until --retry-unknown', async () => {
    const dir = waveDir(sb, 4, 'POST');
    assert.equal((await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'stage,create', '.'])).code, 0);
    const notes = JSON.parse(fixture('seeds/seed-notes.json'));
    const pi = JSON.parse(fixture('seeds/seed-payment-instruction.json'));
    mkdirSync(path.join(dir, 'post'));
    writeFileSync(
      path.join(dir, 'post', 'notes.jsonl'),
      [1, 2, 3, 4].map((i) => JSON.stringify({ ...notes, import_supplier: SUPPLIER, external_account_number: `POST-000${i}` })).join('\n') +
        '\n',
    );
    const piDoc = { ...pi, import_supplier: SUPPLIER, external_account_number: 'POST-0001' };
    writeFileSync(path.join(dir, 'post', 'pi.json'), JSON.stringify(piDoc));

    const n = await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'notes', '.']);
    assert.equal(n.code, 0, n.stdout);
    assert.match(n.stdout, /^notes\s+4\s+4\s+0\s+0\s+0\s+0$/m);
    assert.match(n.stdout, /5 payloads no action applies to/, 'the accounts and the payment instruction are not notes');
    assert.equal(sb.state.notes.get(`${SUPPLIER}\u0000POST-0001`)?.length, notes.notes.length);

    // The process died after writing the attempt of the payment instruction: Kraken does not deduplicate it.
    const item = readWave(['post/pi.json'], { cwd: dir }).items[0];
    const journal = path.join(dir, 'kraken-import.journal.jsonl');
    appendFileSync(
      journal,
      JSON.stringify({
        v: 1,
        at: new Date().toISOString(),
        run: 'killed',
        env: 'Sandbox v1',
        key: unitKey('payment-instruction', item),
        file: 'post/pi.json',
        action: 'payment-instruction',
        phase: 'attempt',
      }) + '\n',
    );
    const unknown = await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'payment-instruction', '.']);
    assert.equal(unknown.code, 3, unknown.stdout);
    assert.match(unknown.stdout, /unknown\s+payment-instruction\s+post\/pi\.json\s+Outcome unknown .*--retry-unknown/);
    assert.equal(sb.state.paymentInstructions.length, 0, 'not sent blindly');
    const retried = await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'payment-instruction', '--retry-unknown', '.']);
    assert.equal(retried.code, 0, retried.stdout);
    assert.equal(sb.state.paymentInstructions.length, 1);
    const again = await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'payment-instruction', '.']);
    assert.equal(again.code, 0);
    assert.equal(sb.state.paymentInstructions.length, 1, 'done before: not sent again');
  });

  test('an interrupted historical statements post is not resent (Kraken does not deduplicate it), and the run says why; transactions with the duplicate check are', async () => {
    const dir = waveDir(sb, 1, 'STMT');
    assert.equal((await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'stage,create', '.'])).code, 0);
    mkdirSync(path.join(dir, 'post'));
    const statements = {
      ...JSON.parse(fixture('seeds/seed-statements.json')),
      import_supplier: SUPPLIER,
      external_account_number: 'STMT-0001',
    };
    const transactions = {
      ...JSON.parse(fixture('seeds/seed-transactions.json')),
      import_supplier: SUPPLIER,
      external_account_number: 'STMT-0001',
    };
    writeFileSync(path.join(dir, 'post', 'st.json'), JSON.stringify(statements));
    writeFileSync(path.join(dir, 'post', 'tx.json'), JSON.stringify(transactions));
    // The process died after writing the attempts (on disk before the requests left): did Kraken get them?
    const journal = path.join(dir, 'kraken-import.journal.jsonl');
    const killed = (action: 'statements' | 'transactions', file: string) =>
      appendFileSync(
        journal,
        JSON.stringify({
          v: 1,
          at: new Date().toISOString(),
          run: 'killed',
          env: 'Sandbox v1',
          key: unitKey(action, readWave([file], { cwd: dir }).items[0]),
          file,
          action,
          phase: 'attempt',
        }) + '\n',
      );
    killed('statements', 'post/st.json');
    killed('transactions', 'post/tx.json');

    const st = await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'statements', '.']);
    assert.equal(st.code, 3, st.stdout);
    assert.match(
      st.stdout,
      /unknown\s+statements\s+post\/st\.json\s+Outcome unknown .*Kraken does not deduplicate historical statements.*--retry-unknown/,
    );
    assert.equal(
      sb.state.statements.get(`${SUPPLIER}\u0000STMT-0001`),
      undefined,
      'not sent blindly: the journal reads the repeat fact the HTTP client reads',
    );

    // Sent with check_previously_added=true (the default), a repeated transactions post adds nothing twice: resent.
    const tx = await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'transactions', '.']);
    assert.equal(tx.code, 0, tx.stdout);
    assert.equal(sb.state.transactions.get(`${SUPPLIER}\u0000STMT-0001`)?.size, transactions.transactions.length);

    const retried = await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'statements', '--retry-unknown', '.']);
    assert.equal(retried.code, 0, retried.stdout);
    assert.equal(sb.state.statements.get(`${SUPPLIER}\u0000STMT-0001`)?.size, statements.statements.length);
  });

  test(
    'SIGINT: what is in flight finishes, nothing is left in doubt, exit 130; the rerun completes the wave',
    { timeout: 60_000 },
    async () => {
      const N = 120;
      const dir = waveDir(sb, N, 'INT');
      const journal = path.join(dir, 'kraken-import.journal.jsonl');
      const args = [CLI, 'send', '--env', 'Sandbox v1', '--action', 'stage,create', '--concurrency', '8', '--quiet', '.'];
      const child = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, KRAKEN_API_KEY: KEY } });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (out += c));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      while (!existsSync(journal) || !readFileSync(journal, 'utf8').includes('"action":"create"'))
        await new Promise((r) => setTimeout(r, 5));
      child.kill('SIGINT');
      assert.equal(await exited, 130, out);
      assert.match(out, /stopping — finishing what is in flight/);
      assert.match(out, /Interrupted: rerun the same command to continue/);
      const units = foldJournal(readJournal(journal).records);
      assert.equal([...units.values()].filter((u) => u.inDoubt).length, 0, 'a graceful stop leaves nothing in doubt');
      assert.ok(!existsSync(`${journal}.lock`));
      const rerun = await send(dir, ['send', '--env', 'Sandbox v1', '--action', 'stage,create', '.']);
      assert.equal(rerun.code, 0, rerun.stdout);
      assertCreatedExactlyOnce(sb, 'INT', N);
    },
  );
});

describe('journal and create gate', () => {
  test('a torn last line is ignored and the next record starts on its own line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kraken-journal-'));
    dirs.push(dir);
    const file = path.join(dir, 'j.jsonl');
    const rec = (phase: 'attempt' | 'outcome', key: string, status?: 'ok'): JournalRecord => ({
      v: 1,
      at: new Date().toISOString(),
      run: 'r',
      env: 'e',
      key,
      file: 'f',
      action: 'create',
      phase,
      ...(status ? { status } : {}),
    });
    writeFileSync(
      file,
      `${JSON.stringify(rec('attempt', 'a'))}\n${JSON.stringify(rec('outcome', 'a', 'ok'))}\n${JSON.stringify(rec('attempt', 'b'))}\n{"v":1,"at":"2026`,
    );
    const j = Journal.open(file);
    assert.equal(j.torn, 1);
    assert.equal(j.get('e', 'a')?.outcome?.status, 'ok');
    assert.equal(j.get('e', 'b')?.inDoubt, true);
    await j.append(rec('outcome', 'b', 'ok'));
    await j.close();
    const again = readJournal(file);
    assert.equal(again.torn, 1);
    assert.equal(foldJournal(again.records).get('e\u0000b')?.inDoubt, false);
  });

  test('the gate halves on a 429 storm, pauses for the wait, and grows back', async () => {
    const gate = new CreateGate(8);
    assert.equal(await gate.acquire(), true);
    gate.rateLimited(30);
    assert.equal(gate.limit, 4);
    gate.rateLimited(30); // the same storm: halved once
    assert.equal(gate.limit, 4);
    const t0 = Date.now();
    gate.release();
    assert.equal(await gate.acquire(), true);
    assert.ok(Date.now() - t0 >= 25, 'waited for the pause');
    for (let i = 0; i < 6; i++) gate.succeeded();
    assert.equal(gate.limit, 8, 'back to the maximum, not above');
    gate.release();
  });
});
