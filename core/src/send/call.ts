/**
 * One plan's call on the Kraken client: the only place that maps a `ClientCall` to a client method. Pure (no
 * `vscode` import), so the tests run the very chain the commands run: plan -> client -> outcome.
 */
import type { CallOptions, KrakenClient, KrakenResult } from '../kraken';
import type { ClientCall } from './plan';

/** The client methods this module uses (a test can pass a fake). */
export type KrakenCalls = Pick<
  KrakenClient,
  | 'validateAccount'
  | 'stageAccount'
  | 'createAccountV1'
  | 'validateAccountV2'
  | 'createAccountV2'
  | 'postNotes'
  | 'postTransactions'
  | 'postStatements'
  | 'postPaymentInstruction'
  | 'postBusinessPaymentInstruction'
  | 'sendRegistrationFlows'
>;

export function callKraken(kraken: KrakenCalls, call: ClientCall, opts: CallOptions = {}): Promise<KrakenResult<unknown>> {
  switch (call.method) {
    case 'validateAccount':
      return kraken.validateAccount(call.body, opts);
    case 'stageAccount':
      return kraken.stageAccount(call.body, opts);
    case 'createAccountV1':
      return kraken.createAccountV1(call.body, opts);
    case 'validateAccountV2':
      return kraken.validateAccountV2(call.body, opts);
    case 'createAccountV2': {
      // The client builds `{payload, task_params}` from these two (the plan's body is the same object).
      const tp = call.body.task_params;
      const window = (k: 'schedule_window_start' | 'schedule_window_end') =>
        typeof tp[k] === 'string' || tp[k] === null ? { [k]: tp[k] as string | null } : {};
      return kraken.createAccountV2(
        call.body.payload,
        { is_dry_run: tp.is_dry_run === true, ...window('schedule_window_start'), ...window('schedule_window_end') },
        opts,
      );
    }
    case 'postNotes':
      return kraken.postNotes(call.body, opts);
    case 'postTransactions':
      return kraken.postTransactions(call.body, call.options, opts);
    case 'postStatements':
      return kraken.postStatements(call.body, opts);
    case 'postPaymentInstruction':
      return kraken.postPaymentInstruction(call.body, opts);
    case 'postBusinessPaymentInstruction':
      return kraken.postBusinessPaymentInstruction(call.body, opts);
    case 'sendRegistrationFlows':
      return kraken.sendRegistrationFlows(
        call.importSupplierCode,
        call.externalAccountNumber,
        call.supplyStartDate ? { supply_start_date: call.supplyStartDate } : {},
        opts,
      );
  }
}
