/**
 * kraken-import: the CLI on the same language service as the editor.
 *
 *   kraken-import validate <files or folders…> [--format text|json] [--fail-on error|warning] [--kind K] [--config F]
 *   kraken-import lsp --stdio
 *   kraken-import rules
 *   kraken-import contract info <url-or-file>
 *   kraken-import send --env <name> --action <actions> <files or folders…>   (see send.ts)
 */
import { appendFileSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createKrakenService, PAYLOAD_KINDS, ruleCatalogue, type Diagnostic, type KindId, type Severity } from '../../server/src/service';
import { isKindId } from '../../server/src/service/kinds';
import { LineIndex } from '../../server/src/service/text';
import { loadConfig, type CliConfig } from './config';
import { decodeUtf8, expandInputs, isLinesFile } from './files';
import type { FileReport } from './format';
import { OutputSink, type OutputFormat } from './output';
import { UsageError, parseArgs } from './args';
import type { CliContract } from './contract';
import { commands } from './lazy';
import { defaultJobs, isValidateWorker, runValidateWorker, validateLinesFile, ValidatePool } from './parallel';

const VERSION = '0.1.0';

const help = () => `kraken-import ${VERSION} — check Kraken customer-migration payloads before Kraken does.

Usage:
  kraken-import validate <files or folders…>   validate .json/.jsonl/.ndjson payloads
      --format text|json|sarif|github
                                output format (default text); sarif: SARIF 2.1.0 for code scanning; github:
                                workflow annotations (::error file=…,line=…::…)
      --summary                 Markdown summary grouped by finding code (counts, examples): instead of the
                                text listing, or with another --format into $GITHUB_STEP_SUMMARY (else stderr)
      --fail-on error|warning   exit 1 on errors (default) or also on warnings
      --hints                   also print hints and information (text format; JSON always has them)
      --kind <kind>             treat every file as this payload kind (${PAYLOAD_KINDS.map((k) => k.id).join(', ')})
      --config <file>           settings: {"rules": {...}, "payloadAssociations": {...}, "maxFindings": N,
                                "contract": "<url-or-file>"} (default: ./kraken-import.config.json when present)
      --contract <url-or-file>  validate against this Kraken instance's served contract (its
                                /data-import/schema/) instead of the bundled schemas; "bundled" for those
      --offline                 use the cached copy of a contract URL, do not fetch it
      --quiet                   no contract line on stderr
      --jobs <n>                worker threads for large .jsonl/.ndjson waves (default: one per core; 1: none, the
                                main thread validates)
${commands().SEND_HELP}
  kraken-import contract info <url-or-file>
                                the contract's payload kinds, endpoints, field and enum counts, compile times
  kraken-import rules           list rule codes, default severities and what they check
  kraken-import lsp --stdio     run the language server for any LSP editor
  kraken-import sandbox [--port N] [--api-key K]
                                run the local Kraken sandbox (a rehearsal tool, not Kraken; --help for options)

A contract URL is fetched over HTTPS (plain http only to a loopback host) and cached with its ETag in
~/.cache/kraken-import (or $KRAKEN_IMPORT_CACHE_DIR); when it cannot be fetched, the cached copy is used and its
age is printed. If the instance asks for credentials, KRAKEN_API_KEY is sent as "Authorization: Token <key>".

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 bad usage or an unreadable file.`;


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

async function validateFile(service: ReturnType<typeof createKrakenService>, file: string, kind: KindId | undefined, sink: OutputSink, pool?: ValidatePool): Promise<void> {
  // One payload per line: streamed range by range, on the worker threads when the file is large (parallel.ts).
  if (isLinesFile(file)) return validateLinesFile(file, kind, (f, text, k) => validateText(service, f, text, k), sink, pool);
  const bytes = readFileSync(file);
  const { text, invalidAt } = decodeUtf8(bytes);
  const report: FileReport = { file, ...validateText(service, file, text, kind) };
  if (invalidAt !== undefined) {
    // Positions as editors count lines ("\r\n", "\n" and a lone "\r"), like the service's.
    const at = new LineIndex(text).positionAt(invalidAt);
    report.diagnostics.unshift({
      code: 'invalid-utf8',
      severity: 'error',
      message: 'The file is not valid UTF-8: Kraken reads request bodies as UTF-8. Re-encode the file (the bad bytes are shown as \ufffd).',
      path: '',
      range: { start: at, end: { line: at.line, character: at.character + 1 } },
      source: 'kraken-import',
    });
  }
  sink.addReport(report);
}

async function runValidate(args: ReturnType<typeof parseArgs>): Promise<number> {
  if (!args.positionals.length) throw new UsageError('validate needs at least one file or folder');
  const format = args.options.format ?? 'text';
  if (!['text', 'json', 'sarif', 'github'].includes(format)) throw new UsageError(`unknown --format "${format}" (text, json, sarif or github)`);
  const failOn = (args.options['fail-on'] ?? 'error') as Severity;
  if (failOn !== 'error' && failOn !== 'warning') throw new UsageError(`--fail-on takes error or warning, not "${failOn}"`);
  const kindOption = args.options.kind;
  if (kindOption !== undefined && !isKindId(kindOption)) throw new UsageError(`unknown --kind "${kindOption}"; one of ${PAYLOAD_KINDS.map((k) => k.id).join(', ')}`);
  const config: CliConfig = loadConfig(args.options.config);
  const note = (line: string) => {
    if (!args.flags.has('quiet')) process.stderr.write(`kraken-import: ${line}\n`);
  };
  // --contract is relative to the working folder; the config file's `contract` to the config file.
  const contractValue = args.options.contract ?? config.contract;
  const contractBase = args.options.contract !== undefined ? process.cwd() : path.dirname(path.resolve(args.options.config ?? 'kraken-import.config.json'));
  const contract: CliContract | undefined = contractValue
    ? await commands().loadCliContract(contractValue, { baseDir: contractBase, offline: args.flags.has('offline'), note })
    : undefined;

  const service = createKrakenService({
    rules: config.rules,
    associations: config.payloadAssociations,
    maxFindings: config.maxFindings,
    ...(contract ? { schemaSet: contract.schemaSet } : {}),
  });
  const { files, missing } = expandInputs(args.positionals);
  const jobs = args.options.jobs === undefined ? defaultJobs() : Number(args.options.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs takes a whole number of at least 1, not "${args.options.jobs}"`);
  const hints = args.flags.has('hints');
  // Printed as the files are read (output.ts), in input order.
  const sink = new OutputSink({
    format: format as OutputFormat,
    hints,
    summary: args.flags.has('summary'),
    version: VERSION,
    write: (s) => process.stdout.write(s),
    writeSummary: (markdown) => (process.env.GITHUB_STEP_SUMMARY ? appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown) : process.stderr.write(markdown)),
  });
  // Workers build the bundled-schema service from the settings; with a contract the records are checked here.
  // --jobs n: n worker threads validate, the main thread hands out byte ranges and prints.
  const pool =
    jobs > 1 && !contract && files.some(isLinesFile)
      ? new ValidatePool(__filename, { rules: config.rules, associations: config.payloadAssociations, maxFindings: config.maxFindings }, { fragment: sink.fragment, keepReports: sink.keepReports, hints }, jobs)
      : undefined;
  let exit = 0;
  for (const m of missing) {
    process.stderr.write(`kraken-import: cannot read ${m}: no such file or folder\n`);
    exit = 2;
  }
  for (const file of files) {
    try {
      await validateFile(service, file, kindOption as KindId | undefined, sink, pool);
    } catch (error) {
      process.stderr.write(`kraken-import: cannot read ${file}: ${(error as Error).message}\n`);
      exit = 2;
    }
  }
  await pool?.close();
  sink.end();
  if (contract) note(commands().contractSummary(contract));
  if (exit === 0 && sink.failing(failOn)) exit = 1;
  return exit;
}

async function runContract(args: ReturnType<typeof parseArgs>): Promise<number> {
  const [sub, value, ...extra] = args.positionals;
  if (sub !== 'info') throw new UsageError(sub ? `unknown contract command "${sub}" (info)` : 'contract needs a command: contract info <url-or-file>');
  if (!value || extra.length) throw new UsageError('contract info takes one contract file or URL');
  const note = (line: string) => {
    if (!args.flags.has('quiet')) process.stderr.write(`kraken-import: ${line}\n`);
  };
  process.stdout.write(await commands().runContractInfo(value, { offline: args.flags.has('offline'), note }));
  return 0;
}

function runRules(): number {
  for (const r of ruleCatalogue()) process.stdout.write(`${r.code.padEnd(28)} ${r.severity.padEnd(8)} ${r.doc}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(help() + '\n');
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  const args = parseArgs(rest);
  switch (command) {
    case 'validate':
      return runValidate(args);
    case 'rules':
      return runRules();
    case 'contract':
      return runContract(args);
    case 'send':
      return commands().runSend(args, { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), readStdinLine: () => commands().readStdinLine(), signals: true });
    case 'sandbox': {
      return commands().runSandboxCommand(rest);
    }
    case 'lsp': {
      commands().startNodeServer();
      return new Promise<number>(() => undefined); // runs until the client disconnects
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

if (isValidateWorker()) {
  // A worker thread of `validate --jobs` (cli/src/parallel.ts): the same per-record check as the main thread.
  runValidateWorker((config) => {
    const service = createKrakenService(config);
    return (file, text, kind) => validateText(service, file, text, kind);
  });
} else {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      if (error instanceof UsageError) {
        process.stderr.write(`kraken-import: ${error.message}\nRun "kraken-import --help" for usage.\n`);
        process.exitCode = 2;
      } else {
        process.stderr.write(`kraken-import: ${(error as Error)?.stack ?? String(error)}\n`);
        process.exitCode = 2;
      }
    },
  );
}
