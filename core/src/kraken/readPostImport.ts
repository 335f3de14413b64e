/** How the post-import endpoints' answers read: notes, transactions, statements, payment instructions, registration flows. */
import { fail, failureFor, isObject, isOk, notImported, str, success, type Answer, type ReadContext } from './answers';
import { formatErrors, normaliseErrors } from './errors';
import { item, sameInstant, summarise } from './items';
import type {
  BusinessPaymentInstructionData,
  ItemResult,
  ItemsData,
  KrakenFieldError,
  KrakenResult,
  PaymentInstructionData,
  RegistrationFlowsData,
  StatementsData,
} from './types';

/** Notes: 201 with one status per note (NOTE_CREATION_SUCCESS, NOTE_ALREADY_EXISTS), matched to the sent notes. */
export function readNotes(ctx: ReadContext, ok: readonly number[], a: Answer, body: unknown, what: string): KrakenResult<ItemsData> {
  if (isOk(ok, a)) {
    const sent = isObject(body) && Array.isArray(body.notes) ? body.notes : [];
    const answers = Array.isArray(a.body) ? a.body : isObject(a.body) && Array.isArray(a.body.results) ? a.body.results : [];
    const items = answers.map((n, i) => {
      const note = isObject(n) ? n : {};
      let index = sent.findIndex(
        (s) => isObject(s) && s.body === note.body && (s.created_at === undefined || sameInstant(s.created_at, note.created_at)),
      );
      if (index < 0 && answers.length === sent.length) index = i;
      return item(index, 'notes', str(note.status) ?? 'UNKNOWN', undefined, n);
    });
    return success(a, summarise(items));
  }
  if (a.status === 404) return notImported(ctx, a, body, 'add notes');
  return failureFor(ctx, a, what);
}

/** Transactions: 201 with one status per transaction; a 400 with TRANSACTION_IMPORT_ERROR comes back with its item. */
export function readTransactions(ctx: ReadContext, ok: readonly number[], a: Answer, body: unknown, what: string): KrakenResult<ItemsData> {
  const sent = isObject(body) && Array.isArray(body.transactions) ? body.transactions : [];
  const toItems = (answers: unknown[]): ItemResult[] =>
    answers.map((r, i) => {
      const res = isObject(r) ? r : {};
      const data = isObject(res.transaction_data) ? res.transaction_data : undefined;
      const id = data ? str(data.transaction_id) : undefined;
      let index = id !== undefined ? sent.findIndex((t) => isObject(t) && str(t.transaction_id) === id) : -1;
      if (index < 0 && answers.length === sent.length) index = i;
      return item(index, 'transactions', str(res.status) ?? 'UNKNOWN', str(res.error_detail), data ?? r);
    });
  if (isOk(ok, a)) {
    const answers = isObject(a.body) && Array.isArray(a.body.results) ? a.body.results : Array.isArray(a.body) ? a.body : [];
    return success(a, summarise(toItems(answers)));
  }
  if (a.status === 400) {
    const answers =
      isObject(a.body) && Array.isArray(a.body.results)
        ? a.body.results
        : isObject(a.body) && a.body.status === 'TRANSACTION_IMPORT_ERROR'
          ? [a.body]
          : Array.isArray(a.body) && a.body.some((r) => isObject(r) && 'status' in r)
            ? a.body
            : undefined;
    if (answers) {
      const items = toItems(answers);
      const errors: KrakenFieldError[] = items
        .filter((it) => it.outcome === 'error')
        .map((it) => ({ attr: it.path, code: it.status, detail: it.detail ?? 'The transaction could not be imported.' }));
      return fail(ctx, a, 'invalid', `Kraken did not import the transactions: ${formatErrors(errors)}`, { items, errors });
    }
  }
  if (a.status === 404) return notImported(ctx, a, body, 'add transactions');
  return failureFor(ctx, a, what);
}

/** Historical statements: 201 (or 200) echoing the validated data. */
export function readStatements(
  ctx: ReadContext,
  ok: readonly number[],
  a: Answer,
  body: unknown,
  what: string,
): KrakenResult<StatementsData> {
  if (isOk(ok, a)) {
    const statements = isObject(a.body) && Array.isArray(a.body.statements) ? a.body.statements : Array.isArray(a.body) ? a.body : [];
    return success(a, { statements });
  }
  if (a.status === 404) return notImported(ctx, a, body, 'add statements');
  return failureFor(ctx, a, what);
}

/** A payment instruction's 400 with `error_detail`: a persistent problem with the payment vendor. */
function vendorProblem(ctx: ReadContext, a: Answer, what: string) {
  if (a.status === 400 && isObject(a.body) && typeof a.body.error_detail === 'string') {
    return fail(
      ctx,
      a,
      'invalid',
      `Kraken could not ${what}: ${a.body.error_detail} Do not send it again unchanged (Kraken: a persistent problem with the payment vendor).`,
    );
  }
  return undefined;
}

/** Payment instruction: 201 `{kraken_account_number, reference}`. */
export function readPaymentInstruction(
  ctx: ReadContext,
  ok: readonly number[],
  a: Answer,
  body: unknown,
  what: string,
): KrakenResult<PaymentInstructionData> {
  if (isOk(ok, a)) {
    const b = isObject(a.body) ? a.body : {};
    return success(a, { krakenAccountNumber: str(b.kraken_account_number), reference: str(b.reference) ?? str(b.instruction_reference) });
  }
  if (a.status === 404) return notImported(ctx, a, body, 'create a payment instruction');
  return vendorProblem(ctx, a, what) ?? failureFor(ctx, a, what);
}

/** Business payment instruction: 201 `{reference, external_business_identifier}`; 404 for a business not imported. */
export function readBusinessPaymentInstruction(
  ctx: ReadContext,
  ok: readonly number[],
  a: Answer,
  body: unknown,
  what: string,
): KrakenResult<BusinessPaymentInstructionData> {
  if (isOk(ok, a)) {
    const b = isObject(a.body) ? a.body : {};
    return success(a, { externalBusinessIdentifier: str(b.external_business_identifier), reference: str(b.reference) });
  }
  if (a.status === 404) {
    const ext = isObject(body) ? str(body.external_business_identifier) : undefined;
    return fail(
      ctx,
      a,
      'not-found',
      `No imported business ${ext ?? ''} was found on "${ctx.envName}": import the business first.`.replace('  ', ' '),
    );
  }
  return vendorProblem(ctx, a, what) ?? failureFor(ctx, a, what);
}

/** Registration flows: 200 with a status per meter point (REGISTRATION_FLOW_SUCCESS, REGISTRATION_FLOW_ERROR). */
export function readRegistrationFlows(
  ctx: ReadContext,
  ok: readonly number[],
  a: Answer,
  externalAccountNumber: string,
  what: string,
): KrakenResult<RegistrationFlowsData> {
  if (isOk(ok, a)) {
    const accounts = Array.isArray(a.body) ? a.body : isObject(a.body) ? [a.body] : [];
    const first = isObject(accounts[0]) ? accounts[0] : {};
    const meterPoints = accounts.flatMap((acc) => (isObject(acc) && Array.isArray(acc.meter_points) ? acc.meter_points : []));
    const items = meterPoints.map((mp, i) => {
      const m = isObject(mp) ? mp : {};
      return { ...item(i, '', str(m.status) ?? 'UNKNOWN', str(m.error_detail), mp), path: '' };
    });
    return success(a, {
      ...summarise(items),
      importSupplierCode: str(first.import_supplier_code),
      externalAccountNumber: str(first.external_account_number),
    });
  }
  if (a.status === 404) {
    const detail = normaliseErrors(a.body)
      .map((e) => e.detail)
      .join(' ');
    return fail(
      ctx,
      a,
      'not-found',
      `${detail || `Account ${externalAccountNumber} was not found.`} Registration flows can only be sent for an imported account with meter points.`,
    );
  }
  return failureFor(ctx, a, what);
}
