/** `POST /v1/data-import/send-registration-flows/{code}/{ext}/`: a status per meter point; 404 without an account or meter points. */
import { isDate, meterPoints } from '../answers';
import type { Ctx, Reply, SandboxCore } from '../core';
import { accountKey } from '../state';

export function registrationFlows(sb: SandboxCore, ctx: Ctx, [supplier, ext]: string[]): Reply {
  const { state } = sb;
  const date = ctx.query.get('supply_start_date');
  if (date !== null && !isDate(date)) {
    return { status: 400, body: { supply_start_date: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'] } };
  }
  const account = state.imported.get(accountKey(supplier, ext));
  const ids = account ? meterPoints(account.body) : [];
  if (!account || !ids.length) {
    return {
      status: 404,
      body: [
        {
          error_detail: account ? `No meter points to register were found for ${ext}.` : `Account not found for ${ext}.`,
          import_supplier_code: supplier,
          external_account_number: ext,
        },
      ],
    };
  }
  const key = accountKey(supplier, ext);
  const sent = state.registrations.get(key) ?? new Set<string>();
  state.registrations.set(key, sent);
  const meter_points = ids.map((mpxn) => {
    if (sent.has(mpxn))
      return { mpxn, error_detail: 'Registration flows were already sent for this meter point.', status: 'REGISTRATION_FLOW_ERROR' };
    sent.add(mpxn);
    return { mpxn, status: 'REGISTRATION_FLOW_SUCCESS' };
  });
  return { status: 200, body: [{ import_supplier_code: supplier, external_account_number: ext, meter_points }] };
}
