/** krakenImport/setContract: the contract the client sends, converted once and given to every workspace folder. */
import { createHash } from 'node:crypto';
import { ResponseError } from 'vscode-languageserver';
import { ContractSchemaSet, createContractSchemaSet, createKrakenService, type KrakenService } from '../../core/src/service';
import { bundleBuildId, fileContractCache } from '../../core/src/contract';
import { SetContractRequest, type SetContractParams, type SetContractResult } from '../../core/src/protocol';
import { runSafe } from './lsp';
import type { ServerSession } from './session';
import type { DocumentValidation } from './validation';

/** Switches the service to the contract the client sent (or back to the bundled schemas). */
export function setContract(service: KrakenService, params: SetContractParams, log: (line: string) => void): SetContractResult {
  const current = service.schemaSet;
  if (!params.text || params.source === 'bundled') {
    service.configure({ schemaSet: undefined });
    const bundled = service.schemaSet;
    return { ok: true, contract: bundled.label, kinds: bundled.kinds, warnings: [], from: current === bundled ? 'unchanged' : 'converted' };
  }
  const textSha256 = createHash('sha256').update(params.text).digest('hex');
  if (
    current instanceof ContractSchemaSet &&
    current.timings.textSha256 === textSha256 &&
    current.id === params.source &&
    current.note === params.note
  ) {
    return {
      ok: true,
      contract: current.label,
      kinds: current.kinds,
      warnings: current.contract.warnings,
      hash: current.contract.hash,
      from: 'unchanged',
    };
  }
  const cache = params.cacheDir ? fileContractCache(params.cacheDir, { onError: log }) : undefined;
  try {
    const created = createContractSchemaSet(params.text, params.source, {
      cache,
      buildId: bundleBuildId(),
      note: params.note,
      onCompile: (c) =>
        log(
          `contract validator for ${c.kind}: ${c.from === 'cache' ? 'loaded from the cache' : 'compiled'} in ${c.ms} ms${c.error ? ` (failed: ${c.error})` : ''}`,
        ),
    });
    const set = created.schemaSet;
    if (!set.kinds.length) {
      return {
        ok: false,
        contract: current.label,
        message: `${params.source} has no request body of a known data-import endpoint`,
        kinds: current.kinds,
        warnings: created.contract.warnings,
      };
    }
    service.configure({ schemaSet: set });
    log(
      `contract ${set.label}: ${set.kinds.length} kinds, ${created.timings.from === 'cache' ? `conversion read from the cache in ${created.timings.cacheMs} ms` : `parsed in ${created.timings.parseMs} ms, converted in ${created.timings.convertMs} ms`}`,
    );
    return {
      ok: true,
      contract: set.label,
      kinds: set.kinds,
      warnings: created.contract.warnings,
      hash: created.contract.hash,
      loadMs: created.compileMs,
      from: created.timings.from,
    };
  } catch (error) {
    return {
      ok: false,
      contract: current.label,
      message: `${params.source} is not a YAML or JSON contract: ${(error as Error)?.message ?? String(error)}`,
      kinds: current.kinds,
      warnings: [],
    };
  }
}

export function registerContractRequest(session: ServerSession, validation: DocumentValidation): void {
  const { connection, settings } = session;
  // The contract the client sends (krakenImport/setContract) is converted on this service, then given to every folder.
  const contractService = createKrakenService();
  connection.onRequest(SetContractRequest, async (params: SetContractParams, token) => {
    await session.ready;
    const result = runSafe(connection, 'setContract', token, (): SetContractResult =>
      setContract(contractService, params, (line) => connection.console.info(line)),
    );
    if (result instanceof ResponseError || !result.ok) return result;
    const next = !params.text || params.source === 'bundled' ? undefined : contractService.schemaSet;
    if (next !== settings.clientSchemaSet) {
      settings.clientSchemaSet = next;
      await settings.applyAll();
      validation.revalidateAll();
    }
    return result;
  });
}
