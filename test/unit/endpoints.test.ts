/**
 * The endpoint table (core/src/endpoints): one definition per endpoint, read by planning, the client, the CLI's
 * journal, the kinds table, the contract map and the sandbox router. These tests pin the facts that used to drift.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { endpoint, ENDPOINTS, pathPattern, repeatIsSafe } from '../../core/src/endpoints';
import { ACTION_LABELS, planRequest, resendAfterInterruption } from '../../core/src/send';
import { fixture } from '../helpers';

const env = { flow: 'v1' as const, operationsTeam: 'A' };

describe('endpoint definitions', () => {
  test('one definition per id, and every path pattern matches its own path with parameters filled in', () => {
    assert.equal(new Set(ENDPOINTS.map((e) => e.id)).size, ENDPOINTS.length);
    for (const e of ENDPOINTS) {
      const concrete = e.path.replace(/\{[^}]+\}/g, 'X');
      const m = pathPattern(e).exec(concrete);
      assert.ok(m, e.id);
      assert.equal(m.length - 1, e.pathParams.length, e.id);
    }
  });

  test('every send action has a label and an endpoint', () => {
    for (const action of Object.keys(ACTION_LABELS))
      assert.ok(
        ENDPOINTS.some((e) => e.actions.includes(action as never)),
        action,
      );
  });

  test('historical statements: not repeated within a call, not resent after an interruption, and the reason says why', () => {
    const def = endpoint('postStatements');
    assert.equal(repeatIsSafe(def.repeatWithinCall), false);
    const planned = planRequest({ action: 'statements', kind: 'statements', doc: JSON.parse(fixture('seeds/seed-statements.json')), env });
    assert.ok(planned.ok);
    const resend = resendAfterInterruption(planned.plan);
    assert.equal(resend.safe, false);
    assert.match(resend.reason, /does not deduplicate historical statements/);
  });

  test('transactions: repeatable only with check_previously_added, in the client and the journal alike', () => {
    const def = endpoint('postTransactions');
    const doc = JSON.parse(fixture('seeds/seed-transactions.json'));
    for (const check of [true, false]) {
      const transactionOptions = { check_previously_added: check, force_add_to_current_statement: true };
      const planned = planRequest({ action: 'transactions', kind: 'transactions', doc, env, transactionOptions });
      assert.ok(planned.ok);
      assert.equal(repeatIsSafe(def.repeatWithinCall, { query: { ...transactionOptions } }), check);
      const resend = resendAfterInterruption(planned.plan);
      assert.equal(resend.safe, check, `check_previously_added=${check}`);
      assert.match(resend.reason, /check_previously_added/);
    }
  });

  test('creates: only a dry run may be resent after an interruption (a real create is looked up in Kraken)', () => {
    const doc = JSON.parse(fixture('seeds/seed-account.json'));
    for (const [action, safe] of [
      ['create-dry-run', true],
      ['create', false],
    ] as const) {
      const planned = planRequest({ action, kind: 'account', doc, env, operationsTeam: 'A' });
      assert.ok(planned.ok, action);
      assert.equal(resendAfterInterruption(planned.plan).safe, safe, action);
    }
  });
});
