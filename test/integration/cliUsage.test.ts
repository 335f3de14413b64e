/**
 * Bad usage of the CLI, answered as a user meets it (dist/cli.js as a child process): an option a command does not
 * define is exit 2 naming it and the nearest known option — and nothing is sent (`send … --dry-run` against the
 * sandbox: no request reaches it, no journal is written); a missing value, a value given to a flag, an option-looking
 * word taken as a value, an option given twice, a value outside its choices. `<command> --help` / `-h` on stdout,
 * exit 0, for every command; `--version` / `-V`; no arguments: usage on stderr, exit 2. The sandbox subcommand on
 * the same parser (`sandbox --help`, `sandbox --log-requests`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startSandbox, type SandboxHandle } from '../../sandbox/src/index';
import { editDistance, nearest, parseCommand, UsageError, type CommandDef } from '../../core/src/args';
import { REPO_ROOT } from '../helpers';
import { smallAccount } from '../fixtures/smallAccount';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const VERSION = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version as string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cliSync(args: string[], cwd = REPO_ROOT): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, KRAKEN_API_KEY: undefined } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI as a child process while this process's sandbox keeps answering. */
function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

before(() => assert.ok(existsSync(CLI), `${CLI} missing: run node scripts/build.mjs`));

describe('send: an option it does not define sends nothing', () => {
  let sb: SandboxHandle;
  let dir: string;
  before(async () => {
    sb = await startSandbox({ port: 0, apiKey: 'sandbox', createDelayMs: 0, log: () => undefined });
    dir = mkdtempSync(path.join(tmpdir(), 'kraken-usage-'));
    dirs.push(dir);
    writeFileSync(
      path.join(dir, 'kraken-import.config.json'),
      JSON.stringify({ environments: [{ name: 'sb', baseUrl: sb.url, flow: 'v1', operationsTeam: 'A' }] }),
    );
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify(smallAccount('USAGE-1', { supplier: 'TENTACLE_ENERGY' })));
  });
  after(() => sb.close());

  const attempts: Array<{ argv: string[]; says: RegExp }> = [
    {
      argv: ['--env', 'sb', '--action', 'stage,create', '--dry-run', 'a.json'],
      says: /^kraken-import: send has no option --dry-run: did you mean --action create-dry-run\?$/m,
    },
    {
      argv: ['--env', 'sb', '--action', 'stage,create', '--dryrun', 'a.json'],
      says: /send has no option --dryrun: did you mean --action create-dry-run\?/,
    },
    {
      argv: ['--env', 'sb', '--action', 'create', '--concurency', '4', 'a.json'],
      says: /send has no option --concurency: did you mean --concurrency\?/,
    },
    {
      argv: ['--env', 'sb', '--action', 'create', '--jounal', 'j.jsonl', 'a.json'],
      says: /send has no option --jounal: did you mean --journal\?/,
    },
    { argv: ['--env', 'sb', '--action', 'create', '-x', 'a.json'], says: /send has no option -x;/ },
    {
      argv: ['--env', 'sb', '--action', 'create', '--format', 'json', 'a.json'],
      says: /send has no option --format \(--format is an option of validate, report, reconcile\)/,
    },
    { argv: ['--env', 'sb', '--action', 'stage,craete', 'a.json'], says: /unknown --action "craete": did you mean create\?/ },
    { argv: ['--env', 'sb', '--action', 'dry-run', 'a.json'], says: /unknown --action "dry-run": did you mean create-dry-run\?/ },
    {
      argv: ['--env', 'sb', '--action', '--quiet', 'a.json'],
      says: /--action needs a value \(<a,b>\), but the next word "--quiet" is an option/,
    },
    { argv: ['--env', 'sb', '--action', 'create', '--yes=no', 'a.json'], says: /--yes takes no value/ },
    { argv: ['--env', 'sb', '--action', 'validate', '--action', 'create', 'a.json'], says: /--action is given more than once/ },
    { argv: ['--env', 'sb', '--action', 'create', 'a.json', '--timeout'], says: /--timeout needs a value/ },
    // Node's timers cut a delay past about 24.8 days to 1 ms: every request would time out at once.
    {
      argv: ['--env', 'sb', '--action', 'create', '--timeout', 'Infinity', 'a.json'],
      says: /--timeout takes a number of seconds from 1 to 3600, not "Infinity"/,
    },
    {
      argv: ['--env', 'sb', '--action', 'create', '--timeout', '0.01', 'a.json'],
      says: /--timeout takes a number of seconds from 1 to 3600, not "0.01"/,
    },
    {
      argv: ['--env', 'sb', '--action', 'create', '--concurrency', '1e1', 'a.json'],
      says: /--concurrency takes a whole number from 1 to 256, not "1e1"/,
    },
  ];
  for (const { argv, says } of attempts) {
    test(`send ${argv.join(' ')}: exit 2, the sandbox received no request`, async () => {
      const before = sb.state.requests.length;
      const r = await cli(['send', ...argv], dir, { KRAKEN_API_KEY: 'sandbox' });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, says);
      assert.match(r.stderr, /Run "kraken-import send --help" for usage\./);
      assert.equal(r.stdout, '');
      assert.equal(sb.state.requests.length, before, 'nothing reached the sandbox');
      assert.equal(sb.state.imported.size, 0);
      assert.deepEqual(readdirSync(dir).sort(), ['a.json', 'kraken-import.config.json'], 'no journal written');
    });
  }

  test('an environment field the CLI does not understand ("prodution": true, "production": "yes") stops send before anything is sent', async () => {
    for (const [entry, says] of [
      [{ prodution: true }, 'unknown field "prodution"'],
      [{ production: 'yes' }, '"production" must be true or false; treated as true'],
    ] as const) {
      const other = mkdtempSync(path.join(tmpdir(), 'kraken-usage-env-'));
      dirs.push(other);
      writeFileSync(
        path.join(other, 'kraken-import.config.json'),
        JSON.stringify({ environments: [{ name: 'sb', baseUrl: sb.url, flow: 'v1', operationsTeam: 'A', ...entry }] }),
      );
      writeFileSync(path.join(other, 'a.json'), JSON.stringify(smallAccount('USAGE-ENV', { supplier: 'TENTACLE_ENERGY' })));
      const before = sb.state.requests.length;
      const r = await cli(['send', '--env', 'sb', '--action', 'create', 'a.json'], other, { KRAKEN_API_KEY: 'sandbox' });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.ok(
        r.stderr.includes(`kraken-import: the environment "sb" in the config file has problems: environments[0] ("sb"): ${says}`),
        r.stderr,
      );
      assert.equal(sb.state.requests.length, before);
    }
  });

  test('the same wave with --action stage,create-dry-run does reach the sandbox (the refusals above are not a broken send)', async () => {
    const r = await cli(
      [
        'send',
        '--env',
        'sb',
        '--action',
        'stage,create-dry-run',
        '--journal',
        path.join(dir, '..', `${path.basename(dir)}.journal.jsonl`),
        'a.json',
      ],
      dir,
      { KRAKEN_API_KEY: 'sandbox' },
    );
    dirs.push(path.join(dir, '..', `${path.basename(dir)}.journal.jsonl`));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(sb.state.requestsTo('/v1/data-import/account-import-process/process/', 'POST').length, 1);
    assert.equal(sb.state.imported.size, 0, 'a dry run imports nothing');
  });
});

describe('validate: misspelt options are refused, not swallowed', () => {
  const cases: Array<{ argv: string[]; says: RegExp }> = [
    {
      argv: ['validate', '--formt', 'json', 'examples/'],
      says: /^kraken-import: validate has no option --formt: did you mean --format\?$/m,
    },
    { argv: ['validate', '--verison', 'examples/'], says: /validate has no option --verison: did you mean --version\?/ },
    {
      argv: ['validate', '--fail-on=warnings', 'examples/'],
      says: /--fail-on takes error or warning, not "warnings": did you mean warning\?/,
    },
    { argv: ['validate', '-f', 'jsno', 'examples/'], says: /--format takes text, json, sarif or github, not "jsno": did you mean json\?/ },
    { argv: ['validate', '--format'], says: /--format needs a value \(<format>\)/ },
    {
      argv: ['validate', '--format', '--hints', 'examples/'],
      says: /--format needs a value \(<format>\), but the next word "--hints" is an option; write --format=--hints if that is the value/,
    },
    { argv: ['validate', '--hints=yes', 'examples/'], says: /--hints takes no value/ },
    { argv: ['validate', '-f', 'json', '--format', 'text', 'examples/'], says: /--format is given more than once/ },
    { argv: ['validate', '--env', 'x', 'examples/'], says: /validate has no option --env \(--env is an option of send, reconcile\)/ },
    { argv: ['validate'], says: /validate needs <files or folders…>/ },
    { argv: ['valdate', 'examples/'], says: /unknown command "valdate": did you mean validate\?/ },
    { argv: ['--verison'], says: /unknown option --verison: did you mean --version\?/ },
    { argv: ['rules', 'extra'], says: /rules takes no arguments \(got "extra"\)/ },
    { argv: ['contract', 'info'], says: /contract needs info <url-or-file>/ },
    { argv: ['lsp'], says: /lsp needs a transport: --stdio/ },
  ];
  for (const { argv, says } of cases) {
    test(`${argv.join(' ')}: exit 2, says what is wrong, prints nothing on stdout`, () => {
      const r = cliSync(argv);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, says);
      assert.equal(r.stdout, '');
    });
  }

  test("a value refused while validate runs points to validate's help, as a parse error does", () => {
    for (const [argv, says] of [
      [['validate', '--jobs', '0', 'examples/'], /--jobs takes a whole number from 1 to 256, not "0"/],
      [
        ['validate', '--contract', 'no-such-contract.yml', 'examples/'],
        /Cannot read the contract \S*\/no-such-contract\.yml: no such file\./,
      ],
      [['validate', '--formt', 'json', 'examples/'], /validate has no option --formt/],
    ] as const) {
      const r = cliSync([...argv]);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.stderr, says);
      assert.match(r.stderr, /\nRun "kraken-import validate --help" for usage\.\n$/, argv.join(' '));
    }
  });

  test('short options and --name=value: -f json -q is --format json --quiet', () => {
    const long = cliSync(['validate', '--format=json', '--quiet', 'test/fixtures/seeds']);
    const short = cliSync(['validate', '-fjson', '-q', 'test/fixtures/seeds']);
    assert.equal(long.code, 0, long.stderr);
    assert.equal(short.code, 0, short.stderr);
    assert.equal(short.stdout, long.stdout);
    assert.ok(Array.isArray(JSON.parse(short.stdout)));
  });

  test('a setting the config file does not define is refused the same way', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kraken-usage-config-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify(smallAccount('CFG-1')));
    for (const [key, says] of [
      ['rule', 'unknown setting "rule": did you mean "rules"?'],
      ['krakenImport.rules', 'unknown setting "krakenImport.rules": did you mean "rules"?'],
      ['maxFinding', 'unknown setting "maxFinding": did you mean "maxFindings"?'],
    ]) {
      writeFileSync(path.join(dir, 'kraken-import.config.json'), JSON.stringify({ [key]: {} }));
      const r = cliSync(['validate', 'a.json'], dir);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.ok(
        r.stderr.includes(
          `kraken-import: config kraken-import.config.json: ${says} (known: rules, payloadAssociations, maxFindings, contract, environments)`,
        ),
        r.stderr,
      );
      assert.equal(r.stdout, '');
    }
    writeFileSync(path.join(dir, 'kraken-import.config.json'), JSON.stringify({ $schema: 'x', rules: { 'malo-check-digit': 'off' } }));
    assert.equal(cliSync(['validate', 'a.json'], dir).code, 0);
  });

  test('a code in "rules" that no finding carries is refused: a misspelt code would turn nothing off', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kraken-usage-codes-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify(smallAccount('CFG-2')));
    for (const [code, says] of [
      ['malo-checkdigit', '"rules" names "malo-checkdigit", which is no finding code: did you mean "malo-check-digit"?'],
      ['unknown_property', '"rules" names "unknown_property", which is no finding code: did you mean "unknown-property"?'],
      ['invalid_phone_number', '"rules" names "invalid_phone_number", which is no finding code'],
    ]) {
      writeFileSync(path.join(dir, 'kraken-import.config.json'), JSON.stringify({ rules: { 'iban-check': 'off', [code]: 'off' } }));
      const r = cliSync(['validate', 'a.json'], dir);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.equal(r.stdout, '');
      assert.ok(
        r.stderr.startsWith(`kraken-import: config kraken-import.config.json: ${says} ("kraken-import rules" lists them)\n`),
        r.stderr,
      );
    }
    // Every code `kraken-import rules` lists is accepted, the reader's and the schema's as well as the rules'.
    const listed = cliSync(['rules'])
      .stdout.trim()
      .split('\n')
      .map((l) => l.split(' ')[0]);
    assert.ok(listed.includes('invalid-utf8') && listed.includes('unknown-property') && listed.includes('date-order'), listed.join());
    writeFileSync(
      path.join(dir, 'kraken-import.config.json'),
      JSON.stringify({ rules: Object.fromEntries(listed.map((c) => [c, 'hint'])) }),
    );
    const all = cliSync(['validate', 'a.json'], dir);
    assert.equal(all.code, 0, all.stderr);
  });

  test('after --, a word that starts with - is a file name', () => {
    const r = cliSync(['validate', '--', '--no-such-file.json']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read --no-such-file\.json: no such file or folder/);
  });
});

describe('help and version', () => {
  const top = cliSync(['--help']);
  const commands = [...top.stdout.matchAll(/^ {2}([a-z]+) {2,}\S/gm)].map((m) => m[1]);

  test('--help: the command list on stdout, exit 0; no arguments: the same on stderr, exit 2', () => {
    assert.equal(top.code, 0);
    assert.equal(top.stderr, '');
    assert.deepEqual(commands, ['validate', 'send', 'report', 'reconcile', 'contract', 'rules', 'lsp', 'sandbox']);
    const none = cliSync([]);
    assert.equal(none.code, 2);
    assert.equal(none.stdout, '');
    assert.equal(none.stderr, top.stdout);
    const h = cliSync(['-h']);
    assert.equal(h.code, 0);
    assert.equal(h.stdout, top.stdout);
  });

  test("<command> --help and -h: that command's usage on stdout, exit 0 — even next to a bad option", () => {
    for (const name of commands) {
      for (const flag of ['--help', '-h']) {
        const r = cliSync([name, flag]);
        assert.equal(r.code, 0, `${name} ${flag}: ${r.stderr}`);
        assert.equal(r.stderr, '');
        assert.ok(r.stdout.startsWith(`kraken-import ${name} — `), r.stdout);
        assert.match(r.stdout, new RegExp(`^Usage: kraken-import ${name} \\[options\\]`, 'm'));
        assert.match(r.stdout, /^ {2}-h, --help {2,}/m);
      }
      assert.equal(cliSync(['help', name]).stdout, cliSync([name, '--help']).stdout);
    }
    const v = cliSync(['validate', '--help']);
    for (const option of [
      '-f, --format <format>',
      '--summary',
      '--fail-on <severity>',
      '--hints',
      '--kind <kind>',
      '-c, --config <file>',
      '--contract <url-or-file>',
      '--offline',
      '-q, --quiet',
      '-j, --jobs <n>',
    ]) {
      assert.ok(v.stdout.includes(option), `validate --help lists ${option}`);
    }
    const s = cliSync(['send', '--help']);
    assert.match(s.stdout, /-a, --action <a,b> +what to do/);
    assert.match(s.stdout, /The dry run is the action create-dry-run/);
    assert.equal(cliSync(['validate', '--formt', '--help']).code, 0, 'help answers first');
  });

  test("--version and -V print package.json's version", () => {
    for (const argv of [['--version'], ['-V'], ['validate', '--version'], ['send', '-V']]) {
      const r = cliSync(argv);
      assert.equal(r.code, 0, argv.join(' '));
      assert.equal(r.stdout, `${VERSION}\n`);
    }
  });
});

describe('sandbox on the same parser', () => {
  test('sandbox --help: its options on stdout, exit 0; a bad option is exit 2', () => {
    const r = cliSync(['sandbox', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /--log-requests +print one line per request/);
    assert.match(r.stdout, /-p, --port <n>/);
    const bad = cliSync(['sandbox', '--prot', '0']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /sandbox has no option --prot: did you mean --port\?/);
    const notNumber = cliSync(['sandbox', '--port', 'eighty']);
    assert.equal(notNumber.code, 2);
    assert.match(notNumber.stderr, /--port takes a whole number from 0 to 65535, not "eighty"/);
    for (const [option, value, says] of [
      ['--port', '70000', '--port takes a whole number from 0 to 65535, not "70000"'],
      ['--processing-ms', '1e12', '--processing-ms takes a whole number from 0 to 2147483647, not "1e12"'],
      ['--concurrency-limit', '0', '--concurrency-limit takes a whole number from 1 to 1000000, not "0"'],
    ]) {
      const r = cliSync(['sandbox', option, value]);
      assert.equal(r.code, 2);
      assert.ok(r.stderr.startsWith(`kraken-import: ${says}\n`), r.stderr);
    }
  });

  test('sandbox --port 0 --log-requests: starts, logs a request it answers, stops on SIGTERM with exit 0', async () => {
    const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--log-requests'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /listening on (http:\/\/\S+)/.exec(stdout);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`sandbox exited ${code}: ${stderr}`)));
    });
    const logged = new Promise<void>((resolve) => {
      const check = () => /POST \/v1\/data-import\/validate-account\//.test(stderr) && resolve();
      child.stderr.on('data', check);
      check();
    });
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${url}/v1/data-import/validate-account/`,
        { method: 'POST', headers: { authorization: 'Token sandbox', 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    assert.ok(status >= 200 && status < 500, String(status));
    await logged;
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exit, 0);
  });
});

describe('parseCommand (the table parser itself)', () => {
  const def: CommandDef = {
    name: 'demo',
    summary: 'demo',
    usage: '<file>',
    positionals: { min: 1, max: 2 },
    options: {
      output: { type: 'string', short: 'o', value: '<file>', description: 'where' },
      tag: { type: 'string', multiple: true, description: 'tags' },
      level: { type: 'string', choices: ['low', 'high'], default: 'low', description: 'level' },
      loud: { type: 'boolean', description: 'loud' },
    },
    hints: { 'dry-run': '--level low' },
    run: () => 0,
  };

  test('values, defaults, multiple, - as a positional and as a value, -- terminator', () => {
    const p = parseCommand(def, ['-o', '-', '--tag', 'a', '--tag=b', '-', '--', '--loud']);
    assert.equal(p.options.output, '-');
    assert.deepEqual(p.lists.tag, ['a', 'b']);
    assert.equal(p.options.level, 'low');
    assert.deepEqual(p.positionals, ['-', '--loud']);
    assert.equal(p.flags.has('loud'), false);
  });

  test('refusals are UsageErrors naming the option; an inline value is never echoed', () => {
    const message = (argv: string[]) => {
      try {
        parseCommand(def, argv);
      } catch (e) {
        assert.ok(e instanceof UsageError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    assert.equal(message(['--dry-run', 'f']), 'demo has no option --dry-run: did you mean --level low?');
    assert.equal(message(['--outptu=s3cret', 'f']), 'demo has no option --outptu: did you mean --output?');
    assert.equal(message(['-O', 'f']), 'demo has no option -O: did you mean --output?');
    assert.equal(message(['f', 'g', 'h']), 'demo takes at most 2 arguments (got "h" too)');
    assert.equal(message([]), 'demo needs <file>');
    assert.equal(message(['--level', 'medium', 'f']), 'demo: --level takes low or high, not "medium"'.replace('demo: ', ''));
  });

  test('nearest: typos, transpositions and prefixes; nothing for a word far from every name', () => {
    assert.equal(editDistance('verison', 'version'), 1);
    assert.equal(nearest('formt', ['format', 'fail-on']), 'format');
    assert.equal(nearest('show-personal', ['show-personal-data', 'shard']), 'show-personal-data');
    assert.equal(nearest('banana', ['format', 'fail-on', 'kind']), undefined);
  });
});
