/**
 * An instance's served data-import contract -> per-kind JSON Schemas, and the text of
 * `kraken-import contract info <file>`.
 */
import { countSchema, type Contract, type KindId } from './openapi';

export {
  CONTRACT_ENDPOINTS,
  DRAFT_07,
  canonicalJson,
  convertComponent,
  convertContract,
  countSchema,
  definitionRef,
  parseContractText,
} from './openapi';
export type { Contract, ContractExample, ContractKind, ContractStats, JsonSchema, KindId } from './openapi';
export { PYYAML_SCALAR_TAGS } from './pyyaml';
export {
  CONTRACT_CACHE_FORMAT,
  ContractSchemaSet,
  createContractSchemaSet,
  loadStandalone,
  type ContractCache,
  type ContractSetOptions,
  type ContractTimings,
  type CreatedContractSet,
  type KindCompile,
} from './schemaSet';

function table(rows: string[][], numeric: Set<number>): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]) : c === r.length - 1 ? cell : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}

/** What `kraken-import contract info <file>` prints: the contract, its kinds with endpoint, schema and counts. */
export function contractInfo(contract: Contract): string {
  const { stats } = contract;
  const lines: string[] = [];
  lines.push(`${contract.title || '(untitled)'} ${contract.version}`.trim() + ` — ${contract.source}`);
  lines.push(`sha256 ${contract.hash}`);
  lines.push(
    `${stats.paths} paths, ${stats.schemas} schemas, ${stats.fields} fields, ${stats.enums} enums` +
      (stats.compileMs !== undefined ? `, compiled in ${stats.compileMs} ms` : ''),
  );
  lines.push('');
  const kinds = Object.entries(contract.kinds) as Array<[KindId, NonNullable<Contract['kinds'][KindId]>]>;
  if (kinds.length) {
    const examples = new Map<string, number>();
    for (const e of contract.examples) examples.set(e.kind, (examples.get(e.kind) ?? 0) + 1);
    const rows = [['kind', 'endpoint', 'schema', 'fields', 'enums', 'examples']];
    for (const [kind, k] of kinds) {
      const { fields, enums } = countSchema(k.schema);
      rows.push([
        kind,
        `${k.endpoint.method} ${k.endpoint.path}`,
        k.schemaName,
        String(fields),
        String(enums),
        String(examples.get(kind) ?? 0),
      ]);
    }
    lines.push(...table(rows, new Set([3, 4, 5])));
  } else {
    lines.push('no payload kinds: no request body of a known data-import endpoint');
  }
  if (stats.ignored.length) {
    lines.push('', `ignored (${stats.ignored.length}):`, ...stats.ignored.map((op) => `  ${op}`));
  }
  if (contract.warnings.length) {
    lines.push('', `warnings (${contract.warnings.length}):`, ...contract.warnings.map((w) => `  - ${w}`));
  }
  return lines.join('\n') + '\n';
}
