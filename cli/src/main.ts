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
import { appendFileSync, closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { createKrakenService, type KindId, PAYLOAD_KINDS, findingCatalogue, type Severity } from '../../core/src/service';
import { loadConfig, type CliConfig } from './config';
import {
  checkPayloadText,
  decodeUtf8,
  describeEmptyFolder,
  expandInputs,
  isLinesFile,
  readStdinBytes,
  type EmptyFolder,
} from '../../core/src/files';
import { redactText } from './redactReport';
import { OutputSink, type OutputFormat } from './output';
import {
  commandHelp,
  isUsageError,
  nearest,
  parseCommand,
  UsageError,
  wholeNumberOption,
  type CommandDef,
  type ParsedArgs,
} from '../../core/src/args';
import type { CliContract } from '../../core/src/contract';
import { commands, sandboxBundle, serverBundle } from './lazy';
import { exitCodeAfterOutput, guardStdio, writeStderr, writeStdout } from './stdio';
import { isValidateWorker, jobsOf, JOBS_HELP, MAX_JOBS, planWorkers, runValidateWorker, validateLinesFile, ValidatePool } from './parallel';

import { VERSION } from '../../core/src/version';

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

/** Validates one input into `sink`; returns how many reports it gave (0: a JSON Lines file of blank lines). */
async function validateFile(
  service: ReturnType<typeof createKrakenService>,
  file: string,
  kind: KindId | undefined,
  sink: OutputSink,
  pool?: ValidatePool,
  /** The document when it is not read from `file` (stdin). */
  bytes?: Buffer,
): Promise<number> {
  // One payload per line: streamed range by range, on the worker threads when the file is large (parallel.ts).
  if (isLinesFile(file))
    return validateLinesFile(file, kind, (f, text, k, invalidAt) => checkPayloadText(service, f, text, k, invalidAt), sink, pool, bytes);
  // The bytes are read no more (stdin's are this call's alone): decodeUtf8 may fold them in place.
  const { text, invalidAt } = decodeUtf8(bytes ?? readFileSync(file), { consume: true });
  sink.addReport({ file, ...checkPayloadText(service, file, text, kind, invalidAt) });
  return 1;
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
      description:
        'output format: text, json, sarif (SARIF 2.1.0 for code scanning) or github\n(workflow annotations ::error file=…,line=…::…)',
    },
    summary: {
      type: 'boolean',
      description:
        'Markdown summary grouped by finding code (counts, examples): instead of the\n' +
        'text listing, or with another --format into $GITHUB_STEP_SUMMARY (else stderr)',
    },
    'fail-on': {
      type: 'string',
      value: '<severity>',
      choices: ['error', 'warning'],
      default: 'error',
      description: 'exit 1 on errors, or also on warnings',
    },
    hints: { type: 'boolean', description: 'also print hints and information (text format; JSON always has them)' },
    kind: {
      type: 'string',
      value: '<kind>',
      choices: PAYLOAD_KINDS.map((k) => k.id),
      description: 'treat every file as this payload kind',
    },
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
      description:
        'validate against this Kraken instance\'s served contract (its\n/data-import/schema/) instead of the bundled schemas; "bundled" for those',
    },
    offline: { type: 'boolean', description: 'use the cached copy of a contract URL, do not fetch it' },
    quiet: { type: 'boolean', short: 'q', description: 'no contract line on stderr' },
    output: {
      type: 'string',
      short: 'o',
      value: '<file>',
      description: 'write the report (any --format) to this file instead of stdout ("-": stdout)',
    },
    'stdin-filepath': {
      type: 'string',
      value: '<path>',
      description:
        'the path the document read from "-" stands for: its kind by payloadAssociations,\n.jsonl/.ndjson records, the file name in reports',
    },
    'allow-empty': {
      type: 'boolean',
      description: 'exit 0 when the inputs hold no payload at all (default: exit 2, saying what was skipped)',
    },
    'show-personal-data': {
      type: 'boolean',
      description: 'do not redact personal values quoted in json, sarif, github and --summary output',
    },
    jobs: {
      type: 'string',
      short: 'j',
      value: '<n>',
      description: JOBS_HELP,
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
    if (!args.flags.has('quiet')) writeStderr(`kraken-import: ${line}\n`);
  };
  // --contract is relative to the working folder; the config file's `contract` to the config file.
  const contractValue = args.options.contract ?? config.contract;
  const contractBase =
    args.options.contract !== undefined ? process.cwd() : path.dirname(path.resolve(args.options.config ?? 'kraken-import.config.json'));
  const contract: CliContract | undefined = contractValue
    ? await commands().loadCliContract(contractValue, { baseDir: contractBase, offline: args.flags.has('offline'), note })
    : undefined;

  const service = createKrakenService({
    rules: config.rules,
    associations: config.payloadAssociations,
    associationBase: process.cwd(),
    maxFindings: config.maxFindings,
    ...(contract ? { schemaSet: contract.schemaSet } : {}),
  });
  // Inputs in the order given; "-" is the document on stdin.
  const stdinCount = args.positionals.filter((p) => p === '-').length;
  if (stdinCount > 1) throw new UsageError('"-" (stdin) can be given once', 'validate');
  const stdinPath = args.options['stdin-filepath'];
  if (stdinPath !== undefined && !stdinCount)
    throw new UsageError('--stdin-filepath names the document read from "-": give "-" as an input', 'validate');
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
  const given = wholeNumberOption(args.options.jobs, 'jobs', 1, MAX_JOBS);
  const jobs = jobsOf(given);
  const hints = args.flags.has('hints');
  const showPersonal = args.flags.has('show-personal-data');
  // The report is printed (or written to --output) as the inputs are read (output.ts), in input order.
  const outFile = args.options.output !== undefined && args.options.output !== '-' ? args.options.output : undefined;
  let outFd: number | undefined;
  if (outFile !== undefined) {
    try {
      outFd = openSync(outFile, 'w');
    } catch (error) {
      writeStderr(`kraken-import: cannot write ${outFile}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  const sink = new OutputSink({
    format: format as OutputFormat,
    hints,
    // What goes to machines (code scanning, CI logs, files) carries no personal values unless asked for.
    redact: !showPersonal,
    summary: args.flags.has('summary'),
    version: VERSION,
    write: outFd !== undefined ? (text) => void writeSync(outFd!, text) : (text) => void writeStdout(text),
    writeSummary: (markdown) =>
      process.env.GITHUB_STEP_SUMMARY ? appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown) : writeStderr(markdown),
  });
  // Workers build the bundled-schema service from the settings; with a contract the records are checked here.
  // --jobs n: n worker threads validate, the main thread hands out byte ranges and prints (stdin: this thread).
  const workers = contract ? 0 : planWorkers(files, jobs);
  const pool = workers
    ? new ValidatePool(
        __filename,
        {
          rules: config.rules,
          associations: config.payloadAssociations,
          associationBase: process.cwd(),
          maxFindings: config.maxFindings,
        },
        { fragment: sink.fragment, keepReports: sink.keepReports, hints, redact: !showPersonal },
        workers,
      )
    : undefined;
  let exit = 0;
  for (const m of missing) {
    writeStderr(`kraken-import: cannot read ${m}: no such file or folder\n`);
    exit = 2;
  }
  const noRecords: string[] = [];
  try {
    for (const input of inputs) {
      const file = input === STDIN ? stdinName : input;
      try {
        if (input === STDIN && process.stdin.isTTY) writeStderr('kraken-import: reading the document from stdin (end it with Ctrl-D)\n');
        const bytes = input === STDIN ? await readStdinBytes() : undefined;
        if ((await validateFile(service, file, kindOption as KindId | undefined, sink, pool, bytes)) === 0) noRecords.push(file);
      } catch (error) {
        writeStderr(`kraken-import: cannot read ${input === STDIN ? 'stdin' : file}: ${(error as Error).message}\n`);
        exit = 2;
      }
    }
    await pool?.close();
    sink.end();
  } catch (error) {
    if (outFd === undefined) throw error;
    writeStderr(`kraken-import: cannot write ${outFile}: ${(error as Error).message}\n`);
    return 2;
  } finally {
    if (outFd !== undefined) closeSync(outFd);
  }
  if (contract) note(commands().contractSummary(contract));

  // Nothing checked at all (a wrong path in CI, a folder of other files): not a pass.
  const { payloads, skipped } = sink.totals;
  if (payloads === 0 && !args.flags.has('allow-empty')) {
    const why = [
      ...emptyFolders.map(describeEmptyFolder),
      ...noRecords.map((f) => `${f}: no record (only blank lines)`),
      ...sink.skipped.map(
        (r) => `${r.file}${r.line !== undefined ? `:${r.line}` : ''}: skipped, ${showPersonal ? r.reason : redactText(r.reason)}`,
      ),
      ...missing.map((m) => `${m}: no such file or folder`),
    ];
    // Skipped records beyond the ones remembered are counted, not listed.
    const total = why.length + skipped - sink.skipped.length;
    const shown = why.slice(0, 20);
    writeStderr(
      `kraken-import: no payload was checked${why.length ? ':' : ''}\n${shown.map((w) => `  ${w}\n`).join('')}${total > shown.length ? `  … ${total - shown.length} more\n` : ''}` +
        'Pass --allow-empty if an input without payloads is expected.\n',
    );
    return 2;
  }
  if (exit === 0 && sink.failing(failOn)) exit = 1;
  return exit;
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
    if (!args.flags.has('quiet')) writeStderr(`kraken-import: ${line}\n`);
  };
  writeStdout(await commands().runContractInfo(value, { offline: args.flags.has('offline'), note }));
  return 0;
}

const RULES_COMMAND: CommandDef = {
  name: 'rules',
  summary: 'list every finding code (rules, reader, schema), its default severity and what it means',
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
    clientProcessId: { type: 'string', value: '<pid>', description: 'exit when this process (the editor) exits', hidden: true },
  },
  run: async (args) => {
    const transports = ['stdio', 'node-ipc', 'socket', 'pipe'].filter((t) => args.flags.has(t) || args.options[t] !== undefined);
    if (transports.length !== 1)
      throw new UsageError(
        transports.length
          ? `lsp takes one transport, not ${transports.map((t) => `--${t}`).join(' and ')}`
          : 'lsp needs a transport: --stdio (or --node-ipc, --socket <port>, --pipe <name>)',
        'lsp',
      );
    // vscode-languageserver reads the transport from process.argv, in its own spelling (--socket=N).
    process.argv = [
      ...process.argv.slice(0, 2),
      ...['stdio', 'node-ipc'].filter((f) => args.flags.has(f)).map((f) => `--${f}`),
      ...['socket', 'pipe', 'clientProcessId'].filter((o) => args.options[o] !== undefined).map((o) => `--${o}=${args.options[o]}`),
    ];
    serverBundle().startNodeServer();
    return new Promise<number>(() => undefined); // runs until the client disconnects
  },
};

/** Every command of the CLI. Adding one: its CommandDef, and an entry here. */
const LOCAL_COMMANDS: readonly CommandDef[] = [VALIDATE_COMMAND, CONTRACT_COMMAND, RULES_COMMAND, LSP_COMMAND];
/** `send`, `report` and `reconcile` are defined with their code in dist/cli-commands.js, `sandbox` in dist/sandbox.js (lazy.ts): `validate` starts without them. */
const LAZY_COMMANDS = ['send', 'report', 'reconcile', 'sandbox'];

function allCommands(): readonly CommandDef[] {
  const { SEND_COMMAND, REPORT_COMMAND, RECONCILE_COMMAND } = commands();
  const { SANDBOX_COMMAND } = sandboxBundle();
  return [VALIDATE_COMMAND, SEND_COMMAND, REPORT_COMMAND, RECONCILE_COMMAND, CONTRACT_COMMAND, RULES_COMMAND, LSP_COMMAND, SANDBOX_COMMAND];
}

function topHelp(): string {
  const COMMANDS = allCommands();
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return HELP.replace('@COMMANDS@', COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')) + '\n';
}

function runRules(): number {
  // Every code a setting may name (`rules` in the config file, krakenImport.rules), one a line.
  for (const f of findingCatalogue()) writeStdout(`${f.code.padEnd(28)} ${f.severity.padEnd(11)} ${f.doc}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (!argv.length) {
    writeStderr(topHelp());
    return 2;
  }
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = rest[0] === undefined ? undefined : allCommands().find((c) => c.name === rest[0]);
    if (rest.length && !topic) throw new UsageError(unknownCommand(rest[0]));
    writeStdout(topic ? commandHelp(topic) : topHelp());
    return 0;
  }
  if (first === '--version' || first === '-V' || first === '-v') {
    writeStdout(VERSION + '\n');
    return 0;
  }
  const command = LAZY_COMMANDS.includes(first)
    ? allCommands().find((c) => c.name === first)
    : LOCAL_COMMANDS.find((c) => c.name === first);
  if (!command) throw new UsageError(unknownCommand(first));
  let args: ParsedArgs;
  try {
    args = parseCommand(command, rest, LOCAL_COMMANDS);
  } catch (error) {
    // A usage error names the command an option belongs to: with every command's table, the same words as always.
    if (!(error instanceof UsageError)) throw error;
    args = parseCommand(command, rest, allCommands());
  }
  if (args.flags.has('help')) {
    writeStdout(commandHelp(command));
    return 0;
  }
  if (args.flags.has('version')) {
    writeStdout(VERSION + '\n');
    return 0;
  }
  try {
    return await command.run(args);
  } catch (error) {
    // A usage error found while the command runs (a value out of range, a contract that cannot be read) points to
    // that command's help, as its parse errors do.
    if (isUsageError(error) && !error.command) error.command = command.name;
    throw error;
  }
}

function unknownCommand(word: string): string {
  const COMMANDS = allCommands();
  if (word.startsWith('-')) {
    const guess = nearest(word.replace(/^-+/, ''), ['help', 'version']);
    return `unknown option ${word.replace(/=.*$/, '')}${guess ? `: did you mean --${guess}?` : ''}; a command comes first (${COMMANDS.map((c) => c.name).join(', ')})`;
  }
  const guess = nearest(
    word,
    COMMANDS.map((c) => c.name),
  );
  return `unknown command "${word}"${guess ? `: did you mean ${guess}?` : ''} (${COMMANDS.map((c) => c.name).join(', ')})`;
}

if (isValidateWorker()) {
  // A worker thread of `validate --jobs` (cli/src/parallel.ts): the same per-record check as the main thread.
  runValidateWorker((config) => {
    const service = createKrakenService(config);
    return (file, text, kind, invalidAt) => checkPayloadText(service, file, text, kind, invalidAt);
  });
} else {
  // A closed stdout or stderr (`kraken-import rules | head -1`) ends the command quietly, as a SIGPIPE would: exit
  // 141 (128 + SIGPIPE), no stack trace (stdio.ts). A send in flight stops there; its journal holds every attempt
  // (written before the request left), so a rerun checks an interrupted create in Kraken rather than sending it again.
  guardStdio();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = exitCodeAfterOutput(code);
    },
    (error) => {
      if (isUsageError(error)) {
        writeStderr(`kraken-import: ${error.message}\nRun "kraken-import${error.command ? ` ${error.command}` : ''} --help" for usage.\n`);
        process.exitCode = 2;
      } else {
        writeStderr(`kraken-import: ${(error as Error)?.stack ?? String(error)}\n`);
        process.exitCode = 2;
      }
    },
  );
}
