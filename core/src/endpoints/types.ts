/**
 * What an endpoint is, as data: one `EndpointDef` per Kraken endpoint, one file each in this folder, listed in
 * `index.ts`. The kinds table, planning, the client's calls, outcome reading, the confirmation wording, the CLI's
 * resend rule, the contract's endpoint map and the sandbox router all read these definitions.
 */
import type { KindId } from '../service/kinds';

/** What a user asks for: CodeLens, quick picks, `send --action`. */
export type ActionId =
  | 'validate'
  | 'stage'
  | 'create-dry-run'
  | 'create'
  | 'notes'
  | 'transactions'
  | 'statements'
  | 'payment-instruction'
  | 'business-payment-instruction'
  | 'registration-flows';

/** The client's name for an endpoint (its method on `KrakenClient`, where it has one). */
export type EndpointId =
  | 'obtainToken'
  | 'validateAccount'
  | 'stageAccount'
  | 'createAccountV1'
  | 'validateAccountV2'
  | 'createAccountV2'
  | 'importStatus'
  | 'accountTransferStatus'
  | 'listAllImportProcesses'
  | 'listPendingImportProcesses'
  | 'listImportedImportProcesses'
  | 'postNotes'
  | 'postTransactions'
  | 'postStatements'
  | 'postPaymentInstruction'
  | 'importBusiness'
  | 'postBusinessPaymentInstruction'
  | 'sendRegistrationFlows';

export type Flow = 'v1' | 'v2';

/** A URL query parameter the endpoint reads. */
export interface QueryParam {
  name: string;
  type: 'boolean' | 'date';
  /** Kraken's value when the parameter is absent. */
  default?: boolean;
}

/**
 * Whether sending the same request again can do harm, with the reason:
 * - `true`: Kraken deduplicates it or it only reads or checks;
 * - `false`: a second one may do the thing twice;
 * - `{ unlessQueryFalse }`: safe while that query parameter is not `false` (Kraken's duplicate check);
 * - `'dry-run-only'`: only the dry run is safe (a real create is checked in Kraken, never resent blindly).
 */
export interface RepeatSafety {
  safe: boolean | { unlessQueryFalse: string } | 'dry-run-only';
  reason: string;
}

/** How Kraken's answer reads. */
export interface AnswerReading {
  /** Statuses that mean it worked. */
  ok: readonly number[];
  /** Other answers that are read as success (Kraken's dry-run rollback, "already imported"). */
  alsoOk?: string;
  /** A 404 means the account (or business) has not been imported: post-import data needs an imported one. */
  postImport: boolean;
  /** Per-item results: the list in the body, and the words for the summary. */
  items?: { listKey: string; label: string; verbs: { created: string; existing: string } };
  /** Fields of the answer that identify what was made or found. */
  identifiers: readonly string[];
  /** When the outcome is unknown (the request may or may not have been processed). */
  unknown: string;
}

/** The words the editor and the CLI use for an action on this endpoint. */
export interface EndpointUi {
  label: string;
  dryRunLabel?: string;
  /** The confirmation's verb: "Validate", "Send notes for". */
  verb: string;
  dryRunVerb?: string;
}

/** The sandbox's handler for the endpoint (sandbox/src/routes). */
export type SandboxHandlerName =
  | 'graphql'
  | 'validateV1'
  | 'stageV1'
  | 'createV1'
  | 'validateV2'
  | 'createV2'
  | 'statusV2'
  | 'transferStatus'
  | 'listImportProcesses'
  | 'notes'
  | 'transactions'
  | 'statements'
  | 'paymentInstruction'
  | 'business'
  | 'businessPaymentInstruction'
  | 'registrationFlows';

export interface EndpointDef {
  id: EndpointId;
  /** The send actions that call this endpoint (none for reads and the token). */
  actions: readonly ActionId[];
  /** Payload kinds whose document is this endpoint's body; the first is the kind the served contract's body maps to. */
  kinds: readonly KindId[];
  /**
   * The payload kinds a send action on this endpoint is offered for (a document of the kind can be planned into its
   * body: a bare account is wrapped for v2, a v1 create request names a staged account).
   */
  offeredFor: readonly KindId[];
  /** The flow an environment must use for this endpoint (undefined: both). */
  flow?: Flow;
  method: 'GET' | 'POST';
  /** With `{param}` placeholders for the path parameters. */
  path: string;
  pathParams: readonly string[];
  query: readonly QueryParam[];
  /** Sends the Authorization header (all but the token mutation). */
  auth: boolean;
  /** For messages: "Asking Kraken to validate the account". */
  what: string;
  /** Within one call: may the HTTP client send it again after a 502/504 or a dropped connection? */
  repeatWithinCall: RepeatSafety;
  /** After an interrupted run: may the CLI's journal send it again when it cannot tell whether it went through? */
  repeatAfterInterruption: RepeatSafety;
  ui?: EndpointUi;
  answer: AnswerReading;
  sandbox: SandboxHandlerName;
}
