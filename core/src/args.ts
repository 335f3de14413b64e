/**
 * The CLI's command-line parser: one option table per command, parsed strictly.
 *
 * A command is a small definition (name, summary, options, positionals, handler); `parseCommand` reads argv
 * against it with Node's `util.parseArgs` (tokens) and refuses what the table does not name: an unknown or
 * misspelt option is a usage error that names it and the nearest known option (or an explicit hint, such as
 * `--dry-run` → `--action create-dry-run` on send); a string option without a value says so; a word that looks
 * like an option is never taken as a value (`--format --quiet`), nor is a value given to a flag (`--quiet=yes`);
 * an option given twice is an error unless it is `multiple`; `choices` are checked here. `--help`/`-h` and
 * `--version`/`-V` belong to every command. Help text is generated from the same table, so it cannot drift.
 *
 * Adding a command: write its CommandDef (usually next to its implementation) and add it to COMMANDS in main.ts.
 */
import { parseArgs as nodeParseArgs } from 'node:util';
import { editDistance as anyEditDistance, nearestName } from './service/suggest';

export class UsageError extends Error {
  /** The command whose usage was broken (for the "Run … --help" line). */
  command?: string;
  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** A usage error from any bundle (dist/cli.js, dist/cli-commands.js and dist/sandbox.js each have their own copy of the class). */
export function isUsageError(error: unknown): error is UsageError {
  return error instanceof UsageError || (error instanceof Error && error.name === 'UsageError');
}

export interface OptionDef {
  type: 'string' | 'boolean';
  /** One letter: `-f`. */
  short?: string;
  /** The value's placeholder in the help, e.g. `<file>` (string options). */
  value?: string;
  description: string;
  /** Put into `options` when the option is not given (and shown in the help). */
  default?: string;
  /** The only values accepted; checked by the parser. */
  choices?: readonly string[];
  /** May be given several times; all values land in `lists[name]` (the last also in `options[name]`). */
  multiple?: boolean;
  /** Left out of the help (still accepted). */
  hidden?: boolean;
}

export interface ParsedArgs {
  /** The command (its CommandDef name); '' when parsed without one. */
  command: string;
  positionals: string[];
  /** String options (defaults applied). */
  options: Record<string, string | undefined>;
  /** Boolean options that were given. */
  flags: Set<string>;
  /** Every value of a `multiple` option, in order. */
  lists: Record<string, string[]>;
}

export interface CommandDef {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** What follows the options in the usage line, e.g. `<files or folders…>`. */
  usage?: string;
  positionals?: { min?: number; max?: number };
  options: Record<string, OptionDef>;
  /**
   * An unknown option → what the user probably meant, e.g. `{"dry-run": "--action create-dry-run"}` ("did you
   * mean …?"), or a sentence saying why there is no such option (when it does not start with "-").
   */
  hints?: Record<string, string>;
  /** Free text after the option list (exit codes, examples). */
  details?: string;
  run(args: ParsedArgs): Promise<number> | number;
}

/** Options every command understands. */
export const COMMON_OPTIONS: Record<string, OptionDef> = {
  help: { type: 'boolean', short: 'h', description: "show this command's usage and exit" },
  version: { type: 'boolean', short: 'V', description: 'print the version and exit' },
};

/** Damerau–Levenshtein (optimal string alignment) distance: a transposition is one edit. */
export function editDistance(a: string, b: string): number {
  return anyEditDistance(a, b, true);
}

/** The option or value nearest to a misspelt one (core/src/service/suggest.ts: `nearestName`). */
export const nearest = nearestName;

function allOptions(def: CommandDef): Record<string, OptionDef> {
  return { ...def.options, ...COMMON_OPTIONS };
}

function optionLabel(name: string, o: OptionDef): string {
  return `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`;
}

function unknownOptionMessage(def: CommandDef, rawName: string, name: string, others: readonly CommandDef[]): string {
  const where = def.name ? `${def.name} has no option ${rawName}` : `unknown option ${rawName}`;
  const hint = def.hints?.[name];
  if (hint) return hint.startsWith('-') ? `${where}: did you mean ${hint}?` : `${where}: ${hint}`;
  const options = allOptions(def);
  const long = rawName.startsWith('--');
  const guess = long
    ? nearest(name, Object.keys(options))
    : Object.entries(options).find(([, o]) => o.short?.toLowerCase() === name.toLowerCase())?.[0];
  if (guess) return `${where}: did you mean --${guess}?`;
  const elsewhere = long ? others.filter((c) => c !== def && c.options[name]).map((c) => c.name) : [];
  if (elsewhere.length) return `${where} (--${name} is an option of ${elsewhere.join(', ')})`;
  return `${where}; "kraken-import${def.name ? ` ${def.name}` : ''} --help" lists them`;
}

/**
 * Parses a command's arguments (argv after the command name) against its table. Throws UsageError on anything the
 * table does not allow. `others`: the other commands, to say which one an unknown option belongs to.
 */
export function parseCommand(def: CommandDef, argv: string[], others: readonly CommandDef[] = []): ParsedArgs {
  const table = allOptions(def);
  const nodeOptions: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries(table))
    nodeOptions[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), multiple: true };
  const fail = (message: string): never => {
    throw new UsageError(message, def.name);
  };
  let tokens;
  try {
    tokens = nodeParseArgs({ args: argv, options: nodeOptions, strict: false, allowPositionals: true, tokens: true }).tokens;
  } catch (e) {
    return fail((e as Error).message);
  }
  const parsed: ParsedArgs = { command: def.name, positionals: [], options: {}, flags: new Set(), lists: {} };
  // --help / --version answer before anything else is checked (`validate --formt --help` shows the help).
  for (const t of tokens) {
    if (t.kind === 'option-terminator') break;
    if (t.kind === 'option' && (t.name === 'help' || t.name === 'version') && t.value === undefined) {
      parsed.flags.add(t.name);
      return parsed;
    }
  }
  const seen = new Set<string>();
  for (const t of tokens) {
    if (t.kind === 'positional') {
      parsed.positionals.push(t.value);
      continue;
    }
    if (t.kind !== 'option') continue;
    const o = Object.prototype.hasOwnProperty.call(table, t.name) ? table[t.name] : undefined;
    // parseArgs splits `-abc` into -a -b -c; `--x` of an unknown name comes back as itself.
    if (!o) {
      const shown = t.rawName.startsWith('--') ? `--${t.name}` : t.rawName; // never echo an inline value (it may be a secret)
      fail(unknownOptionMessage(def, shown, t.name, others));
    }
    const label = `--${t.name}`;
    if (o!.type === 'boolean') {
      if (t.value !== undefined) fail(`${label} takes no value (got "${label}=…"); leave out the "=…"`);
      parsed.flags.add(t.name);
      continue;
    }
    const value = t.value;
    if (value === undefined) fail(`${t.rawName} needs a value${o!.value ? ` (${o!.value})` : ''}`);
    if (!t.inlineValue && value!.startsWith('-') && value !== '-') {
      fail(
        `${t.rawName} needs a value${o!.value ? ` (${o!.value})` : ''}, but the next word "${value}" is an option; write ${label}=${value} if that is the value`,
      );
    }
    if (o!.choices && !o!.choices.includes(value!)) {
      const guess = nearest(value!, o!.choices);
      fail(`${label} takes ${orList(o!.choices)}, not "${value}"${guess ? `: did you mean ${guess}?` : ''}`);
    }
    if (seen.has(t.name) && !o!.multiple) fail(`${label} is given more than once`);
    seen.add(t.name);
    parsed.options[t.name] = value;
    if (o!.multiple) (parsed.lists[t.name] ??= []).push(value!);
  }
  for (const [name, o] of Object.entries(def.options))
    if (o.default !== undefined && parsed.options[name] === undefined) parsed.options[name] = o.default;
  const { min = 0, max = Infinity } = def.positionals ?? { max: 0 };
  const n = parsed.positionals.length;
  if (n < min) fail(`${def.name} needs ${def.usage ?? `${min} argument${min === 1 ? '' : 's'}`}`);
  if (n > max) {
    const extra = parsed.positionals[max];
    fail(
      max === 0
        ? `${def.name} takes no arguments (got "${extra}")`
        : `${def.name} takes at most ${max} argument${max === 1 ? '' : 's'} (got "${extra}" too)`,
    );
  }
  return parsed;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...out, line] : out;
}

function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** A command's usage, generated from its table. */
export function commandHelp(def: CommandDef, program = 'kraken-import'): string {
  const lines = [
    `${program} ${def.name} — ${def.summary}`,
    '',
    `Usage: ${program} ${def.name} [options]${def.usage ? ` ${def.usage}` : ''}`,
    '',
    'Options:',
  ];
  const entries = Object.entries(allOptions(def)).filter(([, o]) => !o.hidden);
  const labels = entries.map(([name, o]) => optionLabel(name, o));
  const width = Math.min(34, Math.max(...labels.map((l) => l.length)) + 2);
  entries.forEach(([, o], i) => {
    const text = o.description.split('\n');
    const choices =
      o.choices && !o.choices.every((c) => o.description.includes(c)) ? wrap(`one of: ${o.choices.join(', ')}`, 110 - width) : [];
    const extra = [...choices, ...(o.default !== undefined ? [`default: ${o.default}`] : [])];
    if (extra.length && text.length === 1 && text[0].length + extra[0].length + 3 <= 110 - width && extra.length === 1)
      text[0] += ` (${extra[0]})`;
    else text.push(...extra.map((e, n) => (n === 0 ? `(${e}` : e) + (n === extra.length - 1 ? ')' : '')));
    const label = labels[i];
    const [first, ...rest] = text;
    lines.push(label.length + 2 > width ? `  ${label}\n  ${' '.repeat(width)}${first}` : `  ${label.padEnd(width)}${first}`);
    for (const r of rest) lines.push(`  ${' '.repeat(width)}${r}`);
  });
  if (def.details) lines.push('', def.details);
  return lines.join('\n') + '\n';
}

/**
 * A whole-number option's value (`--jobs`, `--concurrency`): digits only, from `min` to `max`; undefined when the
 * option was not given. "1e1", "0x10" or "2.0", which Number() would read, are refused with the rest.
 */
export function wholeNumberOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  // Digits only; a long run of them reads as a number past `max` and is refused with the rest.
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`--${name} takes a whole number from ${min} to ${max}, not "${value}"`);
  return n;
}
