/**
 * An instance's contract as a `SchemaSet`: detection, validation, completion and hover run on the schemas the
 * instance serves instead of the bundled ones.
 *
 * - Kinds come from the contract's request bodies (by endpoint path, see `CONTRACT_ENDPOINTS`). A kind the contract
 *   lacks has no schema here: it is not replaced by the bundled one (validate.ts says "this instance's contract has
 *   no … endpoint").
 * - Each kind's validator is compiled on first use and kept (a contract's account schema takes ~1 s to compile).
 * - With a `ContractCache` (the CLI's cache folder, the extension's global storage), the converted contract is kept
 *   by the sha256 of the text and each validator as ajv standalone code by the contract hash: a restart loads them
 *   in tens of milliseconds instead of parsing the YAML and compiling again. Entries carry the build id, so another
 *   build never reuses them. The cache is only I/O behind an interface: this module reads no files.
 */
import { Script } from 'node:vm';
import { sha256Hex } from '../../hash';
import { _, type ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import equal from 'ajv/dist/runtime/equal';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import { createAjv, tuneValidatorCode, prepareSchema, resolvePointer, type JsonSchema, type SchemaSet } from '../schemas';
import { convertContract, parseContractText, type Contract, type KindId } from './openapi';

/** Bump when what is cached (the Contract JSON, the standalone code and its runtime) changes shape. */
export const CONTRACT_CACHE_FORMAT = 'kraken-contract-cache-2';

/** Text storage for converted contracts and compiled validators, keyed by content hash. */
export interface ContractCache {
  read(key: string): string | undefined;
  write(key: string, text: string): void;
  /**
   * Binary entries: V8's code cache for a validator's standalone code (`loadStandalone`), so that a later process
   * does not parse megabytes of it again. Optional: a cache without them loads the code without a code cache.
   */
  readBytes?(key: string): Uint8Array | undefined;
  writeBytes?(key: string, data: Uint8Array): void;
}

export interface ContractSetOptions {
  /** Where converted contracts and standalone validator code are kept across restarts. */
  cache?: ContractCache;
  /** Identity of the running build (bundle size + mtime): cache entries of another build are not used. */
  buildId?: string;
  /** What the language status item and the CLI call it; default: title, version, source and short hash. */
  label?: string;
  /** Added to the default label, e.g. "cached copy, fetched 3 hours ago". */
  note?: string;
  /** Told about each validator compiled or loaded (for logs: compile times). */
  onCompile?: (compile: KindCompile) => void;
  /** Compile every kind now instead of on first use. */
  eager?: boolean;
}

export interface KindCompile {
  kind: KindId;
  ms: number;
  /** `compiled`: ajv compiled it now; `cache`: standalone code loaded from the cache. */
  from: 'compiled' | 'cache';
  /**
   * For code from the cache, V8's code cache for it: `used`; `made` (there was none, or V8 refused it: one is written
   * for the next process); absent when the cache keeps no binary entries.
   */
  codeCache?: 'used' | 'made';
  error?: string;
}

export interface ContractTimings {
  /** sha256 of the contract text. */
  textSha256: string;
  /** `converted`: parsed and converted now; `cache`: the converted contract was read from the cache. */
  from: 'converted' | 'cache';
  parseMs?: number;
  convertMs?: number;
  /** Reading and parsing the cached conversion. */
  cacheMs?: number;
  compile: KindCompile[];
}

/** The modules standalone validator code may `require` (see `compileStandalone`). */
const FORMATS_MODULE = 'kraken-import/formats';

function round(ms: number): number {
  return Math.round(ms);
}

export class ContractSchemaSet implements SchemaSet {
  readonly id: string;
  readonly label: string;
  readonly declaresEveryField = true;
  readonly timings: ContractTimings;
  readonly note: string | undefined;
  private readonly validators = new Map<KindId, ValidateFunction>();
  private readonly failed = new Set<KindId>();
  private formats: Record<string, unknown> | undefined;

  constructor(
    readonly contract: Contract,
    private readonly options: ContractSetOptions = {},
    timings?: Omit<ContractTimings, 'compile'>,
  ) {
    this.id = contract.source;
    this.note = options.note;
    this.label = options.label ?? defaultLabel(contract) + (options.note ? ` — ${options.note}` : '');
    this.timings = { textSha256: '', from: 'converted', ...timings, compile: [] };
    for (const k of Object.values(contract.kinds)) if (k) prepareSchema(k.schema);
    if (options.eager) this.compileAll();
  }

  get kinds(): KindId[] {
    return Object.keys(this.contract.kinds) as KindId[];
  }

  schemaFor(kind: KindId): JsonSchema | undefined {
    return this.contract.kinds[kind]?.schema;
  }

  /** Kind schemas are self-contained: every `$ref` is `#/definitions/…` of the kind's own schema. */
  resolveRef(kind: KindId, ref: string): JsonSchema | undefined {
    const hash = ref.indexOf('#');
    if (hash > 0) return undefined;
    return resolvePointer(this.schemaFor(kind), hash === -1 ? '' : ref.slice(hash + 1));
  }

  validatorFor(kind: KindId): ValidateFunction | undefined {
    const known = this.validators.get(kind);
    if (known || this.failed.has(kind)) return known;
    const schema = this.schemaFor(kind);
    if (!schema) return undefined;
    const started = performance.now();
    const fromCache = this.loadCached(kind);
    if (fromCache) {
      this.validators.set(kind, fromCache.validate);
      this.record({
        kind,
        ms: round(performance.now() - started),
        from: 'cache',
        ...(fromCache.codeCache ? { codeCache: fromCache.codeCache } : {}),
      });
      return fromCache.validate;
    }
    try {
      const v = this.compile(kind, schema);
      this.validators.set(kind, v);
      this.record({ kind, ms: round(performance.now() - started), from: 'compiled' });
      return v;
    } catch (error) {
      // A schema ajv cannot compile validates nothing rather than breaking every document of the kind.
      this.failed.add(kind);
      this.record({ kind, ms: round(performance.now() - started), from: 'compiled', error: (error as Error)?.message ?? String(error) });
      return undefined;
    }
  }

  private record(c: KindCompile): void {
    this.timings.compile.push(c);
    try {
      this.options.onCompile?.(c);
    } catch {
      // a logger's problem is not validation's
    }
  }

  /** Compiles (or loads) every kind; returns what it did per kind. */
  compileAll(): KindCompile[] {
    for (const kind of this.kinds) this.validatorFor(kind);
    return this.kinds.map((k) => this.timings.compile.find((c) => c.kind === k)!).filter(Boolean);
  }

  /** Milliseconds spent compiling or loading validators so far. */
  get compileMs(): number {
    return this.timings.compile.reduce((sum, c) => sum + c.ms, 0);
  }

  describe(kind: KindId): string | undefined {
    const k = this.contract.kinds[kind];
    if (!k) return undefined;
    const at = `${k.endpoint.method} ${k.endpoint.path}`;
    switch (kind) {
      case 'account': {
        const v2 = this.contract.kinds['account-v2-validate'];
        const own = k.endpoint.path.startsWith('/v2/') ? `the "payload" of ${at}` : `the body of ${at}`;
        return (
          `shape: a bare account, validated as ${k.schemaName} (${own})` +
          (v2 ? `; accepted bare for ${v2.endpoint.path} too, as the contract's examples send it (the contract declares {payload})` : '')
        );
      }
      case 'account-v2-validate':
        return `shape: the {payload} wrapper the contract declares for ${at} (${k.schemaName}); a bare account is accepted too`;
      case 'account-v2-create':
        return `shape: the {payload, task_params} body the contract declares for ${at} (${k.schemaName})`;
      default:
        return `validated as ${k.schemaName} (${at})`;
    }
  }

  private validatorKey(kind: KindId): string {
    return `validator-${sha256Hex(`${CONTRACT_CACHE_FORMAT}\n${this.options.buildId ?? ''}\n${this.contract.hash}\n${kind}`).slice(0, 40)}.js`;
  }

  private compile(kind: KindId, schema: JsonSchema): ValidateFunction {
    const cache = this.options.cache;
    if (!cache) return createAjv().compile(schema);
    const ajv = createAjv({ code: { source: true, formats: _`require(${FORMATS_MODULE})` } });
    const v = ajv.compile(schema);
    try {
      cache.write(this.validatorKey(kind), tuneValidatorCode(standaloneCode(ajv, v)));
    } catch {
      // not cached: compiled again next time
    }
    return v;
  }

  private loadCached(kind: KindId): { validate: ValidateFunction; codeCache?: 'used' | 'made' } | undefined {
    const cache = this.options.cache;
    if (!cache) return undefined;
    const key = this.validatorKey(kind);
    // The code cache's key: the code's own key, another ending (one code, one code cache).
    const v8Key = key.replace(/\.js$/, '.v8');
    let code: string | undefined;
    let cachedData: Uint8Array | undefined;
    try {
      code = cache.read(key);
      cachedData = code ? cache.readBytes?.(v8Key) : undefined;
    } catch {
      return undefined;
    }
    if (!code) return undefined;
    let loaded: LoadedStandalone;
    try {
      loaded = loadStandalone(code, (this.formats ??= createAjv().formats as Record<string, unknown>), cachedData);
    } catch {
      return undefined; // unreadable entry: compiled (and rewritten) instead
    }
    if (!cache.writeBytes) return { validate: loaded.validate };
    if (loaded.codeCacheUsed) return { validate: loaded.validate, codeCache: 'used' };
    try {
      cache.writeBytes(v8Key, loaded.makeCodeCache());
    } catch {
      // not kept: the next process parses the code again
    }
    return { validate: loaded.validate, codeCache: 'made' };
  }
}

export interface LoadedStandalone {
  validate: ValidateFunction;
  /** V8 took the code cache it was given (the code was not parsed again). */
  codeCacheUsed: boolean;
  /** V8's code cache for this code, for the next process. */
  makeCodeCache(): Uint8Array;
}

/**
 * Evaluates ajv standalone code. It may require only the ajv runtime helpers it was generated with and the formats
 * module (the same `createAjv()` formats it was compiled against); anything else is refused.
 */
export function loadStandalone(code: string, formats: Record<string, unknown>, cachedData?: Uint8Array): LoadedStandalone {
  const modules: Record<string, unknown> = {
    [FORMATS_MODULE]: formats,
    'ajv/dist/runtime/equal': { default: equal },
    'ajv/dist/runtime/ucs2length': { default: ucs2length },
  };
  const require = (id: string): unknown => {
    if (!(id in modules)) throw new Error(`standalone validator code requires "${id}"`);
    return modules[id];
  };
  const module: { exports: unknown } = { exports: {} };
  // What `new Function('require', 'module', 'exports', code)` makes, as a script V8 can keep a code cache of: the
  // account validator of a contract is 1–2 MB of code, 45 ms to parse and 9 ms from the code cache.
  const script = new Script(`(function (require, module, exports) {${code}\n})`, {
    filename: 'kraken-import-contract-validator.js',
    ...(cachedData ? { cachedData } : {}),
  });
  const wrapper = script.runInThisContext() as (require: unknown, module: unknown, exports: unknown) => void;
  wrapper(require, module, module.exports);
  if (typeof module.exports !== 'function') throw new Error('standalone validator code exports no function');
  return {
    validate: module.exports as ValidateFunction,
    codeCacheUsed: cachedData !== undefined && script.cachedDataRejected === false,
    makeCodeCache: () => script.createCachedData(),
  };
}

function defaultLabel(contract: Contract): string {
  const name = [contract.title, contract.version].filter(Boolean).join(' ') || 'contract';
  return `${name} contract from ${contract.source} (sha256 ${contract.hash.slice(0, 12)})`;
}

export interface CreatedContractSet {
  schemaSet: ContractSchemaSet;
  contract: Contract;
  /** Parse + convert (or cache read) + eager compiles, in ms. */
  compileMs: number;
  timings: ContractTimings;
}

/**
 * Parses and converts a served contract (or reads its conversion from the cache) and wraps it as a schema set.
 * Throws when the text is not YAML/JSON; a contract with no known request body yields a set with no kinds.
 */
export function createContractSchemaSet(text: string, source: string, options: ContractSetOptions = {}): CreatedContractSet {
  const started = performance.now();
  const textSha256 = sha256Hex(text);
  const key = `contract-${sha256Hex(`${CONTRACT_CACHE_FORMAT}\n${options.buildId ?? ''}\n${textSha256}`).slice(0, 40)}.json`;
  let contract: Contract | undefined;
  let timings: Omit<ContractTimings, 'compile'> | undefined;
  if (options.cache) {
    try {
      const cached = options.cache.read(key);
      if (cached) {
        const parsed = JSON.parse(cached) as Contract;
        if (parsed && typeof parsed === 'object' && parsed.kinds && typeof parsed.hash === 'string') {
          contract = { ...parsed, source };
          timings = { textSha256, from: 'cache', cacheMs: round(performance.now() - started) };
        }
      }
    } catch {
      contract = undefined;
    }
  }
  if (!contract) {
    const t0 = performance.now();
    const doc = parseContractText(text);
    const t1 = performance.now();
    contract = convertContract(doc, source);
    const t2 = performance.now();
    timings = { textSha256, from: 'converted', parseMs: round(t1 - t0), convertMs: round(t2 - t1) };
    if (options.cache) {
      try {
        options.cache.write(key, JSON.stringify(contract));
      } catch {
        // not cached: converted again next time
      }
    }
  }
  const schemaSet = new ContractSchemaSet(contract, options, timings);
  const compileMs = round(performance.now() - started);
  contract.stats.compileMs = compileMs;
  return { schemaSet, contract, compileMs, timings: schemaSet.timings };
}
