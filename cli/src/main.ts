/**
 * kraken-import: the CLI on the same language service as the editor.
 *
 *   kraken-import validate <files or folders…> [--format text|json|sarif|github] [--fail-on error|warning] …
 *   kraken-import send --env <name> --action <actions> <files or folders…>   (see send.ts)
 *   kraken-import contract info <url-or-file> | rules | lsp --stdio | sandbox (see sandbox/src/cli.ts)
 *
 * Each command is a CommandDef (options table, positionals, handler; see args.ts), listed in COMMANDS below and
 * parsed strictly: an option a command does not define is a usage error (exit 2), never ignored.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createKrakenService, PAYLOAD_KINDS, ruleCatalogue, type Diagnostic, type KindId, type Severity } from '../../server/src/service';
import { jsonLinesRecords } from '../../server/src/service/jsonLines';
import { LineIndex } from '../../server/src/service/text';
import { loadConfig, type CliConfig } from './config';
import { decodeUtf8, describeEmptyFolder, expandInputs, isLinesFile, readStdinBytes, type EmptyFolder } from './files';
import { redactFieldMessage, redactText } from '../../client/src/kraken/redact';
import { formatText, type FileReport } from './format';
import { commandHelp, nearest, parseCommand, UsageError, type CommandDef, type ParsedArgs } from './args';
import { contractSummary, loadCliContract, runContractInfo, type CliContract } from './contract';
import { SEND_COMMAND } from './send';
import { REPORT_COMMAND } from './report';
import { RECONCILE_COMMAND } from './reconcile';
import { SANDBOX_COMMAND } from '../../sandbox/src/cli';
import { toGithubAnnotations, toMarkdownSummary, toSarif } from './reports';
import { defaultJobs, isValidateWorker, PARALLEL_MIN_CHARS, PARALLEL_MIN_RECORDS, runValidateWorker, ValidatePool, type RecordResult } from './parallel';

import { VERSION } from './version';

const HELP = `kraken-import ${VERSION} — check Kraken customer-migration payloads before Kraken does.

Usage: kraken-import <command> [options] [arguments]

Commands:
@COMMANDS@

Run "kraken-import <command> --help" for a command's options. Options: -h, --help; -V, --version.

A contract URL is fetched over HTTPS (plain http only to a loopback host) and cached with its ETag in
~/.cache/kraken-import (or $KRAKEN_IMPORT_CACHE_DIR); when it cannot be fetched, the cached copy is used and its
age is printed. If the instance asks for credentials, KRAKEN_API_KEY is sent as "Authorization: Token <key>".

Exit codes: 0 clean, 1 findings at or above --fail-on (send: some payloads failed), 2 bad usage or an unreadable
file, 3 send: some outcomes are unknown.`;

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

function validateText(
  service: ReturnType<typeof createKrakenService>,
  file: string,
  text: string,
  kind: KindId | undefined,
): Omit<FileReport, 'file'> {
  const result = service.validate(text, { filePath: file, kind });
  if (result.detection.kind) return { kind: result.detection.kind, diagnostics: result.diagnostics, ...(result.detection.shape ? { shape: result.detection.shape } : {}) };
  // Not a payload. If it is not even JSON, say so: a truncated payload must not pass silently.
  const syntax = result.parsed.findings.filter((f) => f.severity === 'error');
  if (syntax.length || text.trim() === '') {
    const diagnostics: Diagnostic[] = syntax.length
      ? result.parsed.findings.map((f) => ({
          code: f.code,
          severity: f.severity,
          message: f.message,
          path: '',
          range: result.parsed.lines.range(f.start, f.end),
          source: 'kraken-import',
        }))
      : [{ code: 'empty-document', severity: 'error', message: 'The file is empty: a Kraken payload is one JSON object.', path: '', range: result.parsed.lines.range(0, 0), source: 'kraken-import' }];
    return { kind: null, diagnostics };
  }
  return { kind: null, diagnostics: [], skipped: `not a Kraken payload: ${result.detection.reason}` };
}

async function validateFile(
  service: ReturnType<typeof createKrakenService>,
  file: string,
  kind: KindId | undefined,
  pool?: ValidatePool,
  bytes: Uint8Array = readFileSync(file),
): Promise<FileReport[]> {
  const { text, invalidAt } = decodeUtf8(bytes);
  const encodingFinding = (line: number, character: number): Diagnostic => ({
    code: 'invalid-utf8',
    severity: 'error',
    message: 'The file is not valid UTF-8: Kraken reads request bodies as UTF-8. Re-encode the file (the bad bytes are shown as \ufffd).',
    path: '',
    range: { start: { line, character }, end: { line, character: character + 1 } },
    source: 'kraken-import',
  });
  // Positions as editors count lines ("\r\n", "\n" and a lone "\r"), like the service's.
  const fileLines = new LineIndex(text);
  const encodingFindingAt = (offset: number): Diagnostic => {
    const at = fileLines.positionAt(offset);
    return encodingFinding(at.line, at.character);
  };
  if (!isLinesFile(file)) {
    const report: FileReport = { file, ...validateText(service, file, text, kind) };
    if (invalidAt !== undefined) report.diagnostics.unshift(encodingFindingAt(invalidAt));
    return [report];
  }
  // One payload per line; ranges are placed in the file (a record may hold a lone "\r", which editors show as a line break).
  const reports: FileReport[] = [];
  const records = jsonLinesRecords(text).map((r) => ({ i: r.line, lineStart: r.start, lineText: r.text }));
  // A large wave goes to the worker threads (same validateText there, results in file order).
  const serial = () => records.map((r) => validateText(service, file, r.lineText, kind));
  const results: RecordResult[] =
    pool && records.length >= PARALLEL_MIN_RECORDS && text.length >= PARALLEL_MIN_CHARS
      ? await pool.validate(file, records.map((r) => r.lineText), kind).catch((error: Error) => {
          process.stderr.write(`kraken-import: worker threads failed (${error.message}); validating ${file} on one thread\n`);
          return serial();
        })
      : serial();
  for (let n = 0; n < records.length; n++) {
    const { i, lineStart, lineText } = records[n];
    const r = results[n];
    const recordLines = new LineIndex(lineText);
    const place = (p: { line: number; character: number }) => fileLines.positionAt(lineStart + recordLines.offsetAt(p));
    const diagnostics = r.diagnostics.map((d) => ({ ...d, range: { start: place(d.range.start), end: place(d.range.end) } }));
    if (lineText.includes('\ufffd') && invalidAt !== undefined) diagnostics.unshift(encodingFindingAt(lineStart + lineText.indexOf('\ufffd')));
    reports.push({ file, line: i + 1, ...r, diagnostics });
  }
  return reports;
}

const VALIDATE_COMMAND: CommandDef = {
  name: 'validate',
  summary: 'validate .json/.jsonl/.ndjson payloads (files, folders) locally',
  usage: '<files or folders…>',
  positionals: { min: 1 },
  options: {
    format: {
      type: 'string',
      short: 'f',
      value: '<format>',
      choices: ['text', 'json', 'sarif', 'github'],
      default: 'text',
      description: 'output format: text, json, sarif (SARIF 2.1.0 for code scanning) or github\n(workflow annotations ::error file=…,line=…::…)',
    },
    summary: {
      type: 'boolean',
      description:
        'Markdown summary grouped by finding code (counts, examples): instead of the\n' +
        'text listing, or with another --format into $GITHUB_STEP_SUMMARY (else stderr)',
    },
    'fail-on': { type: 'string', value: '<severity>', choices: ['error', 'warning'], default: 'error', description: 'exit 1 on errors, or also on warnings' },
    hints: { type: 'boolean', description: 'also print hints and information (text format; JSON always has them)' },
    kind: { type: 'string', value: '<kind>', choices: PAYLOAD_KINDS.map((k) => k.id), description: 'treat every file as this payload kind' },
    config: {
      type: 'string',
      short: 'c',
      value: '<file>',
      description:
        'settings: {"rules": {...}, "payloadAssociations": {...}, "maxFindings": N,\n' +
        '"contract": "<url-or-file>"} (default: ./kraken-import.config.json when present)',
    },
    contract: {
      type: 'string',
      value: '<url-or-file>',
      description: "validate against this Kraken instance's served contract (its\n/data-import/schema/) instead of the bundled schemas; \"bundled\" for those",
    },
    offline: { type: 'boolean', description: 'use the cached copy of a contract URL, do not fetch it' },
    quiet: { type: 'boolean', short: 'q', description: 'no contract line on stderr' },
    output: { type: 'string', short: 'o', value: '<file>', description: 'write the report (any --format) to this file instead of stdout ("-": stdout)' },
    'stdin-filepath': {
      type: 'string',
      value: '<path>',
      description: 'the path the document read from "-" stands for: its kind by payloadAssociations,\n.jsonl/.ndjson records, the file name in reports',
    },
    'allow-empty': { type: 'boolean', description: 'exit 0 when the inputs hold no payload at all (default: exit 2, saying what was skipped)' },
    'show-personal-data': { type: 'boolean', description: 'do not redact personal values quoted in json, sarif, github and --summary output' },
    jobs: {
      type: 'string',
      short: 'j',
      value: '<n>',
      description: 'worker threads for large .jsonl/.ndjson waves (default: one per core, the main\nthread included; 1: none)',
    },
  },
  details:
    'An input "-" reads one document from stdin (--stdin-filepath names it). Machine outputs (json, sarif, github,\n' +
    '--summary) redact personal values quoted in messages (emails, phone numbers, IBANs, names, addresses, dates of\n' +
    'birth) unless --show-personal-data; the text format shows them.\n' +
    'Exit codes: 0 clean, 1 findings at or above --fail-on, 2 bad usage, an unreadable file, or no payload at all\n' +
    '(an empty folder, only skipped files; --allow-empty accepts that).',
  run: (args) => runValidate(args),
};

async function runValidate(args: ParsedArgs): Promise<number> {
  const format = args.options.format ?? 'text';
  const failOn = (args.options['fail-on'] ?? 'error') as Severity;
  const kindOption = args.options.kind;
  const config: CliConfig = loadConfig(args.options.config);
  const note = (line: string) => {
    if (!args.flags.has('quiet')) process.stderr.write(`kraken-import: ${line}\n`);
  };
  // --contract is relative to the working folder; the config file's `contract` to the config file.
  const contractValue = args.options.contract ?? config.contract;
  const contractBase = args.options.contract !== undefined ? process.cwd() : path.dirname(path.resolve(args.options.config ?? 'kraken-import.config.json'));
  const contract: CliContract | undefined = contractValue
    ? await loadCliContract(contractValue, { baseDir: contractBase, offline: args.flags.has('offline'), note })
    : undefined;

  const service = createKrakenService({
    rules: config.rules,
    associations: config.payloadAssociations,
    maxFindings: config.maxFindings,
    ...(contract ? { schemaSet: contract.schemaSet } : {}),
  });
  // Inputs in the order given; "-" is the document on stdin.
  const stdinCount = args.positionals.filter((p) => p === '-').length;
  if (stdinCount > 1) throw new UsageError('"-" (stdin) can be given once', 'validate');
  const stdinPath = args.options['stdin-filepath'];
  if (stdinPath !== undefined && !stdinCount) throw new UsageError('--stdin-filepath names the document read from "-": give "-" as an input', 'validate');
  const STDIN = Symbol('stdin');
  const inputs: Array<string | typeof STDIN> = [];
  const missing: string[] = [];
  const emptyFolders: EmptyFolder[] = [];
  for (const p of args.positionals) {
    if (p === '-') {
      inputs.push(STDIN);
      continue;
    }
    const expanded = expandInputs([p]);
    inputs.push(...expanded.files);
    missing.push(...expanded.missing);
    emptyFolders.push(...expanded.emptyFolders);
  }
  const files = inputs.filter((i): i is string => typeof i === 'string');
  const stdinName = stdinPath ?? '<stdin>';
  const jobs = args.options.jobs === undefined ? defaultJobs() : Number(args.options.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs takes a whole number of at least 1, not "${args.options.jobs}"`);
  // Workers build the bundled-schema service from the settings; with a contract the records are checked here.
  // --jobs n: the main thread and n - 1 workers.
  const pool =
    jobs > 1 && !contract && (files.some(isLinesFile) || (stdinCount > 0 && isLinesFile(stdinName)))
      ? new ValidatePool(__filename, { rules: config.rules, associations: config.payloadAssociations, maxFindings: config.maxFindings }, jobs - 1, (file, text, kind) =>
          validateText(service, file, text, kind),
        )
      : undefined;
  let exit = 0;
  for (const m of missing) {
    process.stderr.write(`kraken-import: cannot read ${m}: no such file or folder\n`);
    exit = 2;
  }
  const reports: FileReport[] = [];
  const noRecords: string[] = [];
  for (const input of inputs) {
    const file = input === STDIN ? stdinName : input;
    try {
      if (input === STDIN && process.stdin.isTTY) process.stderr.write('kraken-import: reading the document from stdin (end it with Ctrl-D)\n');
      const bytes = input === STDIN ? await readStdinBytes() : readFileSync(input);
      const before = reports.length;
      for (const report of await validateFile(service, file, kindOption as KindId | undefined, pool, bytes)) reports.push(report); // a JSON Lines file may hold a million
      if (reports.length === before) noRecords.push(file);
    } catch (error) {
      process.stderr.write(`kraken-import: cannot read ${input === STDIN ? 'stdin' : file}: ${(error as Error).message}\n`);
      exit = 2;
    }
  }
  await pool?.close();

  // What goes to machines (code scanning, CI logs, files) carries no personal values unless asked for.
  const showPersonal = args.flags.has('show-personal-data');
  const machine = showPersonal ? reports : reports.map((r) => redactReport(r));
  let output = '';
  if (format === 'json') {
    output =
      JSON.stringify(
        machine.map((r) => ({
          file: r.file,
          ...(r.line !== undefined ? { line: r.line } : {}),
          kind: r.kind,
          ...(r.shape ? { shape: r.shape } : {}),
          ...(r.skipped ? { skipped: r.skipped } : {}),
          diagnostics: r.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, path: d.path, range: d.range })),
        })),
        null,
        2,
      ) + '\n';
  } else if (format === 'sarif') {
    output = JSON.stringify(toSarif(machine, { version: VERSION, hints: args.flags.has('hints') }), null, 2) + '\n';
  } else if (format === 'github') {
    output = toGithubAnnotations(machine, { hints: args.flags.has('hints') });
  } else if (!args.flags.has('summary')) {
    output = formatText(reports, { hints: args.flags.has('hints') });
  }
  if (args.flags.has('summary')) {
    const markdown = toMarkdownSummary(machine, { hints: args.flags.has('hints') });
    if (format === 'text') output = markdown;
    else if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
    else process.stderr.write(markdown);
  }
  const outFile = args.options.output;
  if (outFile !== undefined && outFile !== '-') {
    try {
      writeFileSync(outFile, output);
    } catch (error) {
      process.stderr.write(`kraken-import: cannot write ${outFile}: ${(error as Error).message}\n`);
      return 2;
    }
  } else process.stdout.write(output);
  if (contract) note(contractSummary(contract));

  // Nothing checked at all (a wrong path in CI, a folder of other files): not a pass.
  const payloads = reports.filter((r) => !r.skipped).length;
  if (payloads === 0 && !args.flags.has('allow-empty')) {
    const why = [
      ...emptyFolders.map(describeEmptyFolder),
      ...noRecords.map((f) => `${f}: no record (only blank lines)`),
      ...reports.filter((r) => r.skipped).map((r) => `${r.file}${r.line !== undefined ? `:${r.line}` : ''}: skipped, ${showPersonal ? r.skipped : redactText(r.skipped!)}`),
      ...missing.map((m) => `${m}: no such file or folder`),
    ];
    const shown = why.slice(0, 20);
    process.stderr.write(
      `kraken-import: no payload was checked${why.length ? ':' : ''}\n${shown.map((w) => `  ${w}\n`).join('')}${why.length > shown.length ? `  … ${why.length - shown.length} more\n` : ''}` +
        'Pass --allow-empty if an input without payloads is expected.\n',
    );
    return 2;
  }
  const failing = reports.some((r) => r.diagnostics.some((d) => SEVERITY_RANK[d.severity] <= SEVERITY_RANK[failOn]));
  if (exit === 0 && failing) exit = 1;
  return exit;
}

/** Findings whose quotes are property names, not values: only value-looking text (emails, IBANs…) is redacted. */
const QUOTES_NAMES = new Set(['missing-property', 'unknown-property', 'duplicate-key']);

/** A report whose messages quote no personal value: the redactor and path rules `send` uses for Kraken's answers. */
function redactReport(r: FileReport): FileReport {
  return {
    ...r,
    ...(r.skipped ? { skipped: redactText(r.skipped) } : {}),
    diagnostics: r.diagnostics.map((d) => ({ ...d, message: QUOTES_NAMES.has(d.code) ? redactText(d.message) : redactFieldMessage(d.path, d.message) })),
  };
}

const CONTRACT_COMMAND: CommandDef = {
  name: 'contract',
  summary: "a Kraken instance's contract: its payload kinds, endpoints, field and enum counts, compile times",
  usage: 'info <url-or-file>',
  positionals: { min: 2, max: 2 },
  options: {
    offline: { type: 'boolean', description: 'use the cached copy of a contract URL, do not fetch it' },
    quiet: { type: 'boolean', short: 'q', description: 'no notes on stderr' },
  },
  run: (args) => runContract(args),
};

async function runContract(args: ParsedArgs): Promise<number> {
  const [sub, value] = args.positionals;
  if (sub !== 'info') throw new UsageError(`unknown contract command "${sub}" (info)`, 'contract');
  const note = (line: string) => {
    if (!args.flags.has('quiet')) process.stderr.write(`kraken-import: ${line}\n`);
  };
  process.stdout.write(await runContractInfo(value, { offline: args.flags.has('offline'), note }));
  return 0;
}

const RULES_COMMAND: CommandDef = {
  name: 'rules',
  summary: 'list rule codes, default severities and what they check',
  options: {},
  run: () => runRules(),
};

const LSP_COMMAND: CommandDef = {
  name: 'lsp',
  summary: 'run the language server for any LSP editor (kraken-import lsp --stdio)',
  options: {
    stdio: { type: 'boolean', description: 'talk LSP over stdin/stdout' },
    'node-ipc': { type: 'boolean', description: 'talk LSP over Node IPC (a parent Node process)' },
    socket: { type: 'string', value: '<port>', description: 'talk LSP over a TCP socket on this port' },
    pipe: { type: 'string', value: '<name>', description: 'talk LSP over this named pipe' },
    clientProcessId: { type: 'string', value: '<pid>', description: "exit when this process (the editor) exits", hidden: true },
  },
  run: async (args) => {
    const transports = ['stdio', 'node-ipc', 'socket', 'pipe'].filter((t) => args.flags.has(t) || args.options[t] !== undefined);
    if (transports.length !== 1) throw new UsageError(transports.length ? `lsp takes one transport, not ${transports.map((t) => `--${t}`).join(' and ')}` : 'lsp needs a transport: --stdio (or --node-ipc, --socket <port>, --pipe <name>)', 'lsp');
    // vscode-languageserver reads the transport from process.argv, in its own spelling (--socket=N).
    process.argv = [
      ...process.argv.slice(0, 2),
      ...['stdio', 'node-ipc'].filter((f) => args.flags.has(f)).map((f) => `--${f}`),
      ...['socket', 'pipe', 'clientProcessId'].filter((o) => args.options[o] !== undefined).map((o) => `--${o}=${args.options[o]}`),
    ];
    const { startNodeServer } = await import('../../server/src/node/startNodeServer');
    startNodeServer();
    return new Promise<number>(() => undefined); // runs until the client disconnects
  },
};

/** Every command of the CLI. Adding one: its CommandDef, and an entry here. */
export const COMMANDS: readonly CommandDef[] = [VALIDATE_COMMAND, SEND_COMMAND, REPORT_COMMAND, RECONCILE_COMMAND, CONTRACT_COMMAND, RULES_COMMAND, LSP_COMMAND, SANDBOX_COMMAND];

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return HELP.replace('@COMMANDS@', COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')) + '\n';
}

function runRules(): number {
  for (const r of ruleCatalogue()) process.stdout.write(`${r.code.padEnd(28)} ${r.severity.padEnd(8)} ${r.doc}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (!argv.length) {
    process.stderr.write(topHelp());
    return 2;
  }
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
    if (rest.length && !topic) throw new UsageError(unknownCommand(rest[0]));
    process.stdout.write(topic ? commandHelp(topic) : topHelp());
    return 0;
  }
  if (first === '--version' || first === '-V' || first === '-v') {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) throw new UsageError(unknownCommand(first));
  const args = parseCommand(command, rest, COMMANDS);
  if (args.flags.has('help')) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  if (args.flags.has('version')) {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  return command.run(args);
}

function unknownCommand(word: string): string {
  if (word.startsWith('-')) {
    const guess = nearest(word.replace(/^-+/, ''), ['help', 'version']);
    return `unknown option ${word.replace(/=.*$/, '')}${guess ? `: did you mean --${guess}?` : ''}; a command comes first (${COMMANDS.map((c) => c.name).join(', ')})`;
  }
  const guess = nearest(word, COMMANDS.map((c) => c.name));
  return `unknown command "${word}"${guess ? `: did you mean ${guess}?` : ''} (${COMMANDS.map((c) => c.name).join(', ')})`;
}

if (isValidateWorker()) {
  // A worker thread of `validate --jobs` (cli/src/parallel.ts): the same per-record check as the main thread.
  runValidateWorker((config) => {
    const service = createKrakenService(config);
    return (file, text, kind) => validateText(service, file, text, kind);
  });
} else {
  // A closed stdout or stderr (`kraken-import rules | head -1`) ends the command quietly, as a SIGPIPE would: exit
  // 141 (128 + SIGPIPE), no stack trace. A send in flight stops there; its journal holds every attempt (written
  // before the request left), so a rerun checks an interrupted create in Kraken rather than sending it again.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(141);
      process.exitCode = 2;
    });
  }
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      if (error instanceof UsageError) {
        process.stderr.write(`kraken-import: ${error.message}\nRun "kraken-import${error.command ? ` ${error.command}` : ''} --help" for usage.\n`);
        process.exitCode = 2;
      } else {
        process.stderr.write(`kraken-import: ${(error as Error)?.stack ?? String(error)}\n`);
        process.exitCode = 2;
      }
    },
  );
}
