export class UsageError extends Error {}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | undefined>;
  flags: Set<string>;
}

/** Options that take no value. Everything else given as --name takes the next word (or --name=value). */
const FLAGS = new Set(['hints', 'offline', 'stdio', 'node-ipc', 'quiet', 'summary', 'dry-run', 'yes', 'api-key-stdin', 'wait', 'retry-unknown', 'show-personal-data']);

export function parseArgs(argv: string[]): ParsedArgs {
  const positionals: string[] = [];
  const options: Record<string, string | undefined> = {};
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      if (FLAGS.has(name)) {
        flags.add(name);
        continue;
      }
      const value = eq === -1 ? argv[++i] : a.slice(eq + 1);
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      options[name] = value;
    } else positionals.push(a);
  }
  return { positionals, options, flags };
}
