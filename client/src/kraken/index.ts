/**
 * The Kraken data-import API client (skeleton: signatures are final, bodies are being filled in).
 */
import type {
  BusinessPaymentInstructionData, CallOptions, CreateV1Data, CreateV1Request, CreateV2Data, CreateV2TaskParams,
  ImportStatusData, ItemsData, KrakenClientOptions, KrakenEnvironment, KrakenResult, PaymentInstructionData,
  PollOptions, RegistrationFlowsData, StageData, StatementsData, TransactionParams, ValidateData,
} from './types';

export * from './types';

export class KrakenClient {
  constructor(
    readonly env: KrakenEnvironment,
    private readonly getApiKey: () => Promise<string | undefined>,
    private readonly options: KrakenClientOptions = {},
  ) {}

  validateAccount(body: unknown, opts?: CallOptions): Promise<KrakenResult<ValidateData>> { throw new Error('not yet'); }
  stageAccount(body: unknown, opts?: CallOptions): Promise<KrakenResult<StageData>> { throw new Error('not yet'); }
  createAccountV1(request: CreateV1Request, opts?: CallOptions): Promise<KrakenResult<CreateV1Data>> { throw new Error('not yet'); }
  validateAccountV2(body: unknown, opts?: CallOptions): Promise<KrakenResult<ValidateData>> { throw new Error('not yet'); }
  createAccountV2(payload: unknown, taskParams: CreateV2TaskParams, opts?: CallOptions): Promise<KrakenResult<CreateV2Data>> { throw new Error('not yet'); }
  importStatus(importSupplierCode: string, externalIdentifier: string, opts?: CallOptions): Promise<KrakenResult<ImportStatusData>> { throw new Error('not yet'); }
  pollImportStatus(importSupplierCode: string, externalIdentifier: string, opts?: PollOptions): Promise<KrakenResult<ImportStatusData>> { throw new Error('not yet'); }
  postNotes(body: unknown, opts?: CallOptions): Promise<KrakenResult<ItemsData>> { throw new Error('not yet'); }
  postTransactions(body: unknown, params?: TransactionParams, opts?: CallOptions): Promise<KrakenResult<ItemsData>> { throw new Error('not yet'); }
  postStatements(body: unknown, opts?: CallOptions): Promise<KrakenResult<StatementsData>> { throw new Error('not yet'); }
  postPaymentInstruction(body: unknown, opts?: CallOptions): Promise<KrakenResult<PaymentInstructionData>> { throw new Error('not yet'); }
  postBusinessPaymentInstruction(body: unknown, opts?: CallOptions): Promise<KrakenResult<BusinessPaymentInstructionData>> { throw new Error('not yet'); }
  sendRegistrationFlows(importSupplierCode: string, externalAccountNumber: string, params?: { supply_start_date?: string }, opts?: CallOptions): Promise<KrakenResult<RegistrationFlowsData>> { throw new Error('not yet'); }
  /** Forget the cached token (e.g. after the user changed the key). */
  signOut(): void {}
}
