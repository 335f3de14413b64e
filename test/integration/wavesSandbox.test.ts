/**
 * A wave after the fact, against the local sandbox over loopback: a v1 wave with faults (a 429 storm, 500 bursts,
 * creates refused, a create dropped before Kraken saw it whose check then fails) sent in two shards with their own
 * journals, one shard run twice. Then:
 * - the journals read as one wave (core/src/waves/run.ts): per-action counts equal to the records themselves;
 * - `kraken-import report`: text, JSON and the page carry those numbers; nothing in the page reaches the network;
 * - the journal's Kraken errors placed on the payload files at exact ranges (.jsonl records on their lines, a .json
 *   file pretty-printed), personal data redacted as in the journal;
 * - `kraken-import reconcile`: the sandbox's list endpoints against the wave and the journals — every set checked
 *   against the sandbox's own state.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startSandbox, type SandboxHandle } from '../../sandbox/src/index';
import { parseCommand, UsageError } from '../../core/src/args';
import { runSend, SEND_COMMAND, type SendIo } from '../../cli/src/send';
import { readJournal, type JournalRecord } from '../../core/src/waves/journal';
import { REPORT_COMMAND, runReport } from '../../cli/src/report';
import { RECONCILE_COMMAND, runReconcile } from '../../cli/src/reconcile';
import { readWaveRun, type WaveRun } from '../../core/src/waves/run';
import { placeUnitErrors } from '../../core/src/waves/place';
import { KrakenClient } from '../../core/src/kraken';
import { smallAccount } from '../fixtures/smallAccount';

const KEY = 'sk_test_waves_51ad';
const SUPPLIER = 'TENTACLE_ENERGY';
const STAGE = '/v1/data-import/account-import-process/create-or-update/';
const CREATE = '/v1/data-import/account-import-process/process/';
const TRANSFER = '/v1/data-import/account-transfer-status/';
const N = 40;

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

const retry = { retries: 3, rateLimitRetries: 30, baseDelayMs: 2, maxDelayMs: 20 };

async function send(dir: string, argv: string[]): Promise<Out> {
  let stdout = '';
  let stderr = '';
  const io: SendIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { KRAKEN_API_KEY: KEY },
    cwd: dir,
    readStdinLine: async () => undefined,
    clientOptions: { retry },
  };
  const code = await runSend(parseCommand(SEND_COMMAND, argv), io);
  return { code, stdout, stderr };
}

function report(dir: string, argv: string[]): Out {
  let stdout = '';
  let stderr = '';
  const code = runReport(parseCommand(REPORT_COMMAND, argv), {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: dir,
  });
  return { code, stdout, stderr };
}

async function reconcileCli(dir: string, argv: string[]): Promise<Out> {
  let stdout = '';
  let stderr = '';
  const code = await runReconcile(parseCommand(RECONCILE_COMMAND, argv), {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { KRAKEN_API_KEY: KEY },
    cwd: dir,
    readStdinLine: async () => undefined,
    clientOptions: { retry },
  });
  return { code, stdout, stderr };
}

/** Latest record per unit (env + key) of journal files, independently of run.ts. */
function latest(records: JournalRecord[]): Map<string, JournalRecord> {
  const m = new Map<string, JournalRecord>();
  for (const r of records) m.set(`${r.env}\u0000${r.key}`, r);
  return m;
}

const ext = (i: number) => `WV-${String(i).padStart(3, '0')}`;
/** Accounts Kraken rejects when staged (wrong date of birth): line numbers in wave.jsonl are i + 1. */
const INVALID = new Set([5, 17, 29]);

describe('waves: journal, report and reconciliation of a sharded wave with faults', () => {
  let sb: SandboxHandle;
  let dir: string;
  let run: WaveRun;
  const journals = ['shard-1.journal.jsonl', 'shard-2.journal.jsonl'];

  before(async () => {
    sb = await startSandbox({ port: 0, apiKey: KEY, createDelayMs: 2, log: () => {} });
    dir = mkdtempSync(path.join(tmpdir(), 'kraken-waves-'));
    dirs.push(dir);
    writeFileSync(
      path.join(dir, 'kraken-import.config.json'),
      JSON.stringify({ environments: [{ name: 'Sandbox v1', baseUrl: sb.url, flow: 'v1', operationsTeam: 'A', auth: 'api-key-header' }] }),
    );
    const lines: string[] = [];
    for (let i = 0; i < N; i++) {
      lines.push(
        JSON.stringify(
          smallAccount(ext(i), { supplier: SUPPLIER, ...(INVALID.has(i) ? { customer: { date_of_birth: '1997-13-40' } } : {}) }),
        ),
      );
    }
    writeFileSync(path.join(dir, 'wave.jsonl'), lines.join('\n') + '\n');
    // One pretty-printed .json payload Kraken rejects too.
    writeFileSync(
      path.join(dir, 'single.json'),
      JSON.stringify(smallAccount('WV-JSON', { supplier: SUPPLIER, customer: { date_of_birth: '2001-02-30' } }), null, 2) + '\n',
    );

    sb.faults.add({ match: STAGE, status: 500, times: 3 });
    sb.faults.add({ match: CREATE, status: 429, times: 12, retryAfter: 0 });
    const first = await send(dir, [
      '--env',
      'Sandbox v1',
      '--action',
      'stage,create',
      '--shard',
      '1/2',
      '--journal',
      journals[0],
      '--concurrency',
      '6',
      '.',
    ]);
    assert.equal(first.code, 1, first.stdout + first.stderr);
    // Shard 2: two creates refused (their accounts stay staged); one dropped before Kraken saw it, and the check
    // that follows cannot read the transfer status: that create stays "unknown".
    sb.faults.add({
      match: CREATE,
      status: 400,
      times: 2,
      body: {
        non_field_errors: [{ detail: 'The migration for this import supplier is paused.', code: 'import_supplier_migration_not_ongoing' }],
      },
    });
    sb.faults.add({ match: CREATE, drop: 'before', times: 1 });
    sb.faults.add({ match: TRANSFER, status: 403, times: 1 });
    const second = await send(dir, [
      '--env',
      'Sandbox v1',
      '--action',
      'stage,create',
      '--shard',
      '2/2',
      '--journal',
      journals[1],
      '--concurrency',
      '6',
      '.',
    ]);
    assert.equal(second.code, 3, second.stdout + second.stderr);
    // Shard 1 again: what succeeded is "done before"; the rejected payloads are sent (and rejected) again.
    await send(dir, ['--env', 'Sandbox v1', '--action', 'stage,create', '--shard', '1/2', '--journal', journals[0], '.']);
    assert.equal(sb.faults.list().filter((f) => f.match !== STAGE).length, 0, 'every create and transfer fault was hit');
    run = readWaveRun(journals.map((j) => path.join(dir, j)));
  });
  after(() => sb.close());

  test('the journals as one wave: per-action counts equal the latest records of each unit', () => {
    const expected = new Map<string, Record<string, number>>();
    for (const j of journals) {
      const records = readJournal(path.join(dir, j)).records;
      const lastRun = records[records.length - 1].run;
      for (const r of latest(records).values()) {
        const e = expected.get(r.action) ?? { ok: 0, failed: 0, unknown: 0, 'done-before': 0, total: 0 };
        const s = r.phase === 'attempt' ? 'unknown' : r.status === 'ok' ? (r.run === lastRun ? 'ok' : 'done-before') : r.status!;
        e[s]++;
        e.total++;
        expected.set(r.action, e);
      }
    }
    assert.deepEqual(
      run.actions.map((a) => a.action),
      ['stage', 'create'],
    );
    for (const a of run.actions) {
      const { action, ...counts } = a;
      assert.deepEqual(counts, expected.get(action), action);
    }
    const stage = run.actions.find((a) => a.action === 'stage')!;
    const create = run.actions.find((a) => a.action === 'create')!;
    // 41 payloads, 4 rejected at staging; of the 37 creates 2 refused and 1 unknown.
    assert.equal(stage.total, N + 1);
    assert.equal(stage.failed, INVALID.size + 1);
    assert.equal(create.total, N + 1 - INVALID.size - 1);
    assert.equal(create.failed, 2);
    assert.equal(create.unknown, 1);
    assert.ok(stage['done-before'] > 0 && create['done-before'] > 0, 'shard 1 ran twice');
    assert.equal(run.journals.length, 2);
    assert.deepEqual(
      run.journals.map((j) => j.runs.length),
      [2, 1],
    );

    // Failures by code: the date of birth (stage), the paused migration (create), the unknown create.
    const byCode = new Map(run.failures.map((g) => [g.code, g]));
    assert.equal(byCode.get('import_supplier_migration_not_ongoing')?.units, 2);
    assert.equal(byCode.get('reason:outcome-unknown')?.units ?? byCode.get('reason:in-doubt')?.units, 1, [...byCode.keys()].join(', '));
    const dob = run.failures.find((g) => g.examples.some((e) => e.path === 'customers.0.date_of_birth'))!;
    assert.equal(dob.units, INVALID.size + 1);
    assert.ok(
      dob.examples.every((e) => !e.message.includes('1997-13-40') && !e.message.includes('2001-02-30')),
      'dates of birth redacted',
    );

    // Totals equal the sums over the outcome records.
    const all = journals.flatMap((j) => readJournal(path.join(dir, j)).records).filter((r) => r.phase === 'outcome');
    assert.equal(run.totals.outcomes, all.length);
    assert.equal(
      run.totals.httpAttempts,
      all.reduce((n, r) => n + (r.attempts ?? 0), 0),
    );
    assert.equal(run.totals.rateLimited, 12, 'every 429 of the storm is in the journal');
    assert.equal(
      run.totals.retries,
      all.reduce((n, r) => n + (r.retries ?? 0), 0),
    );
    assert.ok(run.totals.retries >= 3, 'the 500 burst on stage was retried');
    assert.equal(
      run.timeline.reduce((n, b) => n + b.ok + b.failed + b.unknown, 0),
      all.length,
    );
    assert.equal(
      run.timeline.reduce((n, b) => n + b.rateLimited, 0),
      12,
    );
    assert.ok(run.slowest.length > 0 && run.slowest.every((s, i, a) => i === 0 || a[i - 1].ms >= s.ms));
  });

  test('kraken-import report: text, JSON and a self-contained page with the same numbers', () => {
    const json = report(dir, [...journals, '--format', 'json', '--html', 'report.html']);
    assert.equal(json.code, 0, json.stderr);
    const data = JSON.parse(json.stdout);
    assert.deepEqual(data.actions, run.actions);
    assert.equal(data.totals.rateLimited, 12);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    assert.match(
      html,
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">/,
    );
    assert.doesNotMatch(
      html,
      /<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/,
      'no script, no stylesheet, no URL but the SVG namespace',
    );
    for (const a of run.actions) {
      const row = new RegExp(
        `<tr data-action="${a.action}"><td>${a.action}</td><td data-k="total">${a.total}</td><td data-k="ok">${a.ok}</td><td data-k="done-before">${a['done-before']}</td><td data-k="failed">${a.failed}</td><td data-k="unknown">${a.unknown}</td></tr>`,
      );
      assert.match(html, row);
    }
    assert.match(html, /<div class="card" data-total="429"><b>12<\/b>/);
    assert.match(
      html,
      /<tr data-code="import_supplier_migration_not_ongoing"><td><code>import_supplier_migration_not_ongoing<\/code><\/td><td data-k="units">2<\/td>/,
    );
    assert.doesNotMatch(html, /1997-13-40|2001-02-30/);
    // One <g> per minute of the timeline.
    assert.equal((html.match(/<g><title>/g) ?? []).length, run.timeline.length);

    const text = report(dir, journals);
    assert.equal(text.code, 0);
    for (const a of run.actions)
      assert.match(
        text.stdout,
        new RegExp(`^${a.action}\\s+${a.total}\\s+${a.ok}\\s+${a['done-before']}\\s+${a.failed}\\s+${a.unknown}$`, 'm'),
      );
    assert.match(text.stdout, /429 answers 12 /);

    const missing = report(dir, ['nope.journal.jsonl']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read journal nope\.journal\.jsonl: no such file/);
    assert.throws(
      () => report(dir, [...journals, '--htm', 'x.html']),
      (e: Error) => e instanceof UsageError && /--htm/.test(e.message),
    );
  });

  test("the journal's Kraken errors at exact ranges: .jsonl records on their lines, the .json file", () => {
    const failing = run.units.filter((u) => u.status === 'failed' || u.status === 'unknown');
    const jsonl = readFileSync(path.join(dir, 'wave.jsonl'), 'utf8');
    const inJsonl = failing.filter((u) => u.file === 'wave.jsonl' && u.action === 'stage');
    assert.deepEqual(
      inJsonl.map((u) => u.line).sort((a, b) => a! - b!),
      [...INVALID].map((i) => i + 1),
    );
    const { placed, lost } = placeUnitErrors('wave.jsonl', jsonl, inJsonl);
    assert.equal(lost.length, 0);
    const lines = jsonl.split('\n');
    for (const p of placed) {
      const line = p.unit.line! - 1;
      const character = lines[line].indexOf('"1997-13-40"');
      assert.deepEqual(p.range, { start: { line, character }, end: { line, character: character + '"1997-13-40"'.length } });
      assert.equal(p.path, 'customers.0.date_of_birth');
      assert.equal(p.exact, true);
      assert.doesNotMatch(p.message, /1997-13-40/);
      assert.match(p.message, /^stage \(line \d+\): /);
    }

    const single = readFileSync(path.join(dir, 'single.json'), 'utf8');
    const singleUnits = failing.filter((u) => u.file === 'single.json');
    assert.equal(singleUnits.length, 1);
    const one = placeUnitErrors('single.json', single, singleUnits).placed;
    const dobLine = single.split('\n').findIndex((l) => l.includes('"date_of_birth"'));
    const c = single.split('\n')[dobLine].indexOf('"2001-02-30"');
    assert.deepEqual(
      one.map((p) => p.range),
      [{ start: { line: dobLine, character: c }, end: { line: dobLine, character: c + 12 } }],
    );

    // A create refused with a non-field error: on the first line of its record.
    const refused = failing.filter((u) => u.action === 'create' && u.status === 'failed');
    assert.equal(refused.length, 2);
    for (const p of placeUnitErrors('wave.jsonl', jsonl, refused).placed) {
      const line = p.unit.line! - 1;
      assert.deepEqual(p.range, { start: { line, character: 0 }, end: { line, character: lines[line].length } });
      assert.equal(p.code, 'import_supplier_migration_not_ongoing');
    }
    // An edited file: a record whose line is gone is reported as lost, not placed somewhere else.
    assert.equal(placeUnitErrors('wave.jsonl', lines.slice(0, 3).join('\n'), inJsonl).lost.length, INVALID.size);
  });

  test('kraken-import reconcile: imported, staged, not in Kraken, not in the wave, disagreements', async () => {
    // After the wave: Kraken imports one refused account by other means, loses one journalled as created, and
    // has an account of the supplier the wave never had; a late payload joins the wave unsent.
    const refused = run.units.filter((u) => u.action === 'create' && u.status === 'failed').map((u) => u.account!);
    const unknown = run.units.filter((u) => u.action === 'create' && u.status === 'unknown').map((u) => u.account!);
    const created = run.units
      .filter((u) => u.action === 'create' && (u.status === 'ok' || u.status === 'done-before'))
      .map((u) => u.account!)
      .sort();
    const externalOf = (a: string) => a.slice(SUPPLIER.length + 1);
    sb.state.importAccount(SUPPLIER, externalOf(refused[0]));
    sb.state.staged.delete(`${SUPPLIER}\u0000${externalOf(refused[0])}`);
    const lostOne = created[0];
    sb.state.imported.delete(`${SUPPLIER}\u0000${externalOf(lostOne)}`);
    sb.state.importAccount(SUPPLIER, 'NOT-IN-WAVE-1');
    writeFileSync(path.join(dir, 'late.json'), JSON.stringify(smallAccount('WV-LATE', { supplier: SUPPLIER })));

    const out = await reconcileCli(dir, [
      '--env',
      'Sandbox v1',
      '--journal',
      journals[0],
      '--journal',
      journals[1],
      '--format',
      'json',
      '--html',
      'reconciled.html',
      '.',
    ]);
    assert.equal(out.code, 1, out.stderr);
    const r = JSON.parse(out.stdout);
    const accounts = (list: Array<{ account: string }>) => list.map((a) => a.account).sort();
    // Expected from the sandbox's own state.
    const importedNow = [...sb.state.imported.values()].map((a) => `${a.importSupplier}/${a.externalAccountNumber}`);
    const stagedNow = [...sb.state.staged.values()].map((a) => `${a.importSupplier}/${a.externalAccountNumber}`);
    const wave = [...Array.from({ length: N }, (_, i) => `${SUPPLIER}/${ext(i)}`), `${SUPPLIER}/WV-JSON`, `${SUPPLIER}/WV-LATE`];
    assert.equal(r.waveAccounts, wave.length);
    assert.deepEqual(accounts(r.imported), wave.filter((a) => importedNow.includes(a)).sort());
    assert.deepEqual(accounts(r.staged), wave.filter((a) => stagedNow.includes(a) && !importedNow.includes(a)).sort());
    assert.deepEqual(accounts(r.staged), [...refused.slice(1), ...unknown].sort());
    assert.deepEqual(
      accounts(r.unseen),
      [...[...INVALID].map((i) => `${SUPPLIER}/${ext(i)}`), `${SUPPLIER}/WV-JSON`, `${SUPPLIER}/WV-LATE`, lostOne].sort(),
    );
    assert.deepEqual(accounts(r.extra), [`${SUPPLIER}/NOT-IN-WAVE-1`]);
    const d = r.disagreements
      .map(
        (x: { account: string; action: string; journal: string; kraken: string }) =>
          `${x.account} ${x.action}: ${x.journal} / ${x.kraken.replace(/A-[0-9A-F]{8}/, 'A-…')}`,
      )
      .sort();
    const lostStage = run.units.find((u) => u.action === 'stage' && u.account === lostOne)!;
    assert.deepEqual(
      d,
      [
        `${lostOne} create: ${run.units.find((u) => u.action === 'create' && u.account === lostOne)!.status === 'ok' ? 'ok' : 'ok (earlier run)'} / not listed`,
        `${lostOne} stage: ${lostStage.status === 'ok' ? 'ok' : 'ok (earlier run)'} / not listed`,
        `${refused[0]} create: failed / imported (A-…)`,
      ].sort(),
    );
    assert.deepEqual(r.attention, [...new Set([...accounts(r.staged), ...accounts(r.unseen), refused[0]])].sort());
    assert.deepEqual(r.notes, []);
    // Kraken was asked through its three list endpoints, nothing else.
    const asked = sb.state.requests
      .filter((q) => q.path.includes('account-import-processes'))
      .map((q) => `${q.method} ${q.path} ${q.status}`);
    assert.deepEqual(asked.slice(-3), [
      `GET /v1/data-import/all-account-import-processes/${SUPPLIER}/ 200`,
      `GET /v1/data-import/pending-account-import-processes/${SUPPLIER}/ 200`,
      `GET /v1/data-import/imported-account-import-processes/${SUPPLIER}/ 200`,
    ]);
    const html = readFileSync(path.join(dir, 'reconciled.html'), 'utf8');
    assert.match(html, new RegExp(`<td data-set="staged">${r.staged.length}</td>`));
    assert.match(html, new RegExp(`<th data-set="attention">${r.attention.length}</th>`));
    assert.match(html, /<tr data-action="create">/, 'the run report with the reconciliation section');

    const text = await reconcileCli(dir, ['--env', 'Sandbox v1', '.']);
    assert.equal(text.code, 1);
    assert.match(text.stdout, new RegExp(`^staged\\s+${r.staged.length}\\s`, 'm'));
    assert.match(text.stdout, new RegExp(`^not in the wave\\s+1\\s`, 'm'));

    const badKey = await runReconcile(parseCommand(RECONCILE_COMMAND, ['--env', 'Sandbox v1', '.']), {
      stdout: { write: () => true },
      stderr: { write: (s: string) => ((text.stderr += s), true) },
      env: { KRAKEN_API_KEY: 'wrong' },
      cwd: dir,
      readStdinLine: async () => undefined,
    });
    assert.equal(badKey, 2);
    assert.match(text.stderr, /could not read the all account import processes of TENTACLE_ENERGY/);
    await assert.rejects(reconcileCli(dir, ['--env', 'Sandbox v1', '--jurnal', 'x', '.']), /--jurnal/);
  });

  test('the sandbox serves the three lists as the contract documents them', async () => {
    const client = new KrakenClient({ name: 'Sandbox v1', baseUrl: sb.url, flow: 'v1', auth: 'api-key-header' }, async () => KEY);
    const all = await client.listImportProcesses(SUPPLIER, 'all');
    const pending = await client.listImportProcesses(SUPPLIER, 'pending');
    const imported = await client.listImportProcesses(SUPPLIER, 'imported');
    assert.ok(all.ok && pending.ok && imported.ok);
    assert.equal(all.data.length, pending.data.length + imported.data.length);
    assert.ok(pending.data.every((p) => p.krakenAccountNumber === null && p.accountCreatedAt === null));
    assert.ok(
      imported.data.every(
        (p) => /^A-[0-9A-F]{8}$/.test(p.krakenAccountNumber ?? '') && !Number.isNaN(Date.parse(p.accountCreatedAt ?? '')),
      ),
    );
    const other = await client.listImportProcesses('NO_SUCH_SUPPLIER', 'all');
    assert.ok(other.ok);
    assert.deepEqual(other.data, []);
    const res = await fetch(`${sb.url}/v1/data-import/imported-account-import-processes/${SUPPLIER}/`, {
      headers: { Authorization: `Token ${KEY}` },
    });
    const body = (await res.json()) as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(body[0]).sort(), ['account_created_at', 'external_account_number', 'kraken_account_number']);
    const post = await fetch(`${sb.url}/v1/data-import/all-account-import-processes/${SUPPLIER}/`, {
      method: 'POST',
      headers: { Authorization: `Token ${KEY}` },
    });
    assert.equal(post.status, 405);
    const anonymous = await fetch(`${sb.url}/v1/data-import/all-account-import-processes/${SUPPLIER}/`);
    assert.equal(anonymous.status, 401);
  });
});
