/**
 * The CLI's instance contract: `--contract <url-or-file>` (or the config file's `contract`), fetched and cached in
 * the CLI cache folder, converted and compiled with the validator cache, and `kraken-import contract info`.
 *
 * Cache folder: $KRAKEN_IMPORT_CACHE_DIR, else $XDG_CACHE_HOME/kraken-import, else ~/.cache/kraken-import
 * (%LOCALAPPDATA%\kraken-import\cache on Windows):
 *   contracts/<sha256(url)>.json   fetched contracts {url, fetchedAt, etag, text}
 *   compiled/                      converted contracts and compiled validators by content hash
 * Credentials: when the instance answers 401/403, `Authorization: Token $KRAKEN_API_KEY` (if set).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { contractInfo } from '../service/contract';
import { createContractSchemaSet, type ContractSchemaSet, type CreatedContractSet } from '../service/contract/schemaSet';
import { bundleBuildId, fileContractCache } from './cache';
import { ContractFetchError, describeLoaded, loadContractText, parseContractSpec, type LoadedContract } from './source';
import { proxyAgentsFromEnv } from '../kraken/proxy';
import { requestTimeoutMs } from '../kraken/timeout';
import { UsageError } from '../args';

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KRAKEN_IMPORT_CACHE_DIR) return path.resolve(env.KRAKEN_IMPORT_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'kraken-import');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'kraken-import', 'cache');
  return path.join(os.homedir(), '.cache', 'kraken-import');
}

export interface CliContract extends CreatedContractSet {
  loaded: LoadedContract;
  schemaSet: ContractSchemaSet;
}

export interface LoadOptions {
  /** Relative paths are resolved against this folder (the config file's, for its `contract` key). */
  baseDir?: string;
  offline?: boolean;
  /** One line per event (stderr). */
  note: (line: string) => void;
}

/** Loads and converts the contract a `--contract` value names; undefined for `bundled`. */
export async function loadCliContract(value: string, options: LoadOptions): Promise<CliContract | undefined> {
  const spec = parseContractSpec(value, options.baseDir);
  if (spec.type === 'bundled') return undefined;
  const root = cacheRoot();
  let loaded: LoadedContract | undefined;
  let agentFor: (url: URL) => import('node:http').Agent | undefined;
  try {
    agentFor = proxyAgentsFromEnv(process.env); // HTTPS_PROXY / NO_PROXY, as for send
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  try {
    loaded = await loadContractText(spec, {
      agentFor,
      cacheDir: path.join(root, 'contracts'),
      offline: options.offline,
      timeoutMs: requestTimeoutMs(process.env.KRAKEN_IMPORT_TIMEOUT, 'KRAKEN_IMPORT_TIMEOUT (the contract fetch)'),
      authorization: async () => (process.env.KRAKEN_API_KEY ? `Token ${process.env.KRAKEN_API_KEY}` : undefined),
      credentialsHint: 'set KRAKEN_API_KEY to the instance API key',
      userAgent: 'kraken-import-cli',
    });
  } catch (error) {
    if (error instanceof ContractFetchError) throw new UsageError(error.message);
    throw error;
  }
  if (!loaded) return undefined;
  if (loaded.origin !== 'file') options.note(describeLoaded(loaded));
  const cache = fileContractCache(path.join(root, 'compiled'), { onError: options.note });
  let created: CreatedContractSet;
  try {
    created = createContractSchemaSet(loaded.text, loaded.source, { cache, buildId: bundleBuildId() });
  } catch (error) {
    throw new UsageError(`the contract ${loaded.source} is not YAML or JSON: ${(error as Error).message}`);
  }
  if (!created.schemaSet.kinds.length)
    throw new UsageError(
      `the contract ${loaded.source} has no request body of a known data-import endpoint (run "kraken-import contract info" for details)`,
    );
  return { ...created, loaded };
}

/** "converted in 850 ms (parse 700, convert 150)" or "conversion read from the cache in 30 ms". */
export function describeLoad(c: CreatedContractSet): string {
  const t = c.timings;
  return t.from === 'cache'
    ? `conversion read from the cache in ${t.cacheMs} ms`
    : `parsed in ${t.parseMs} ms, converted in ${t.convertMs} ms`;
}

/** "account 655 ms (compiled), notes 3 ms (from cache, V8 code cache used)". */
export function describeCompiles(set: ContractSchemaSet): string {
  return set.timings.compile
    .map(
      (c) =>
        `${c.kind} ${c.ms} ms (${c.from === 'cache' ? 'from cache' : 'compiled'}${c.codeCache ? `, V8 code cache ${c.codeCache}` : ''}${c.error ? `, failed: ${c.error}` : ''})`,
    )
    .join(', ');
}

/** The stderr line of `validate --contract`, after validation (so the lazily compiled kinds are known). */
export function contractSummary(c: CliContract): string {
  const { contract } = c;
  const name = [contract.title, contract.version].filter(Boolean).join(' ') || 'contract';
  const compiles = describeCompiles(c.schemaSet);
  return (
    `contract: ${name} from ${c.loaded.source} (sha256 ${contract.hash.slice(0, 12)}, ${c.schemaSet.kinds.length} kinds); ` +
    `${describeLoad(c)}` +
    (compiles ? `; validators: ${compiles}` : '')
  );
}

/** `kraken-import contract info <url-or-file>`: kinds, endpoints, counts; every kind compiled, with the times. */
export async function runContractInfo(value: string, options: LoadOptions): Promise<string> {
  const c = await loadCliContract(value, options);
  if (!c) throw new UsageError('contract info needs a contract file or URL, not "bundled"');
  c.schemaSet.compileAll();
  c.contract.stats.compileMs = c.schemaSet.compileMs;
  const lines = [contractInfo(c.contract).trimEnd(), ''];
  lines.push(`load: ${describeLoaded(c.loaded)}; ${describeLoad(c)}`);
  lines.push(`compile: ${describeCompiles(c.schemaSet)}`);
  return lines.join('\n') + '\n';
}
