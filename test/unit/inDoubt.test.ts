/** The in-doubt send rules (core/src/send/inDoubt.ts): never send a create twice without asking Kraken first. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  askKrakenAfterSend,
  createLookup,
  decideInDoubt,
  judgeImportStatus,
  judgeTransferStatus,
  type RequestPlan,
} from '../../core/src/send';
import type { ImportStatusData, KrakenFailure, KrakenResult } from '../../core/src/kraken';

const failure = (reason: KrakenFailure['reason'], message = 'boom'): KrakenFailure =>
  ({ ok: false, reason, message, errors: [], attempts: 1 }) as KrakenFailure;
const success = <T>(data: T): KrakenResult<T> => ({ ok: true, status: 200, data, attempts: 1 }) as unknown as KrakenResult<T>;
const plan = (createsAccount: boolean, identity = { importSupplier: 'ACME', externalAccountNumber: 'A-1', paths: {} }) =>
  ({ createsAccount, identity }) as unknown as RequestPlan;

describe('in-doubt sends', () => {
  test('a create is looked up in Kraken, whatever the flags say', () => {
    assert.equal(decideInDoubt({ createsAccount: true, resendable: false, retryUnknown: false }), 'ask-kraken');
    assert.equal(decideInDoubt({ createsAccount: true, resendable: true, retryUnknown: true }), 'ask-kraken');
  });

  test('other requests: sent again when resendable or asked for, else held', () => {
    assert.equal(decideInDoubt({ createsAccount: false, resendable: true, retryUnknown: false }), 'send');
    assert.equal(decideInDoubt({ createsAccount: false, resendable: false, retryUnknown: true }), 'send');
    assert.equal(decideInDoubt({ createsAccount: false, resendable: false, retryUnknown: false }), 'hold');
  });

  test('a lost answer to a create (not cancelled) asks Kraken', () => {
    assert.equal(askKrakenAfterSend(failure('outcome-unknown'), plan(true), false), true);
    assert.equal(askKrakenAfterSend(failure('outcome-unknown'), plan(true), true), false);
    assert.equal(askKrakenAfterSend(failure('outcome-unknown'), plan(false), false), false);
    assert.equal(askKrakenAfterSend(failure('invalid'), plan(true), false), false);
  });

  test('a create without identifiers cannot be looked up', () => {
    const r = createLookup(plan(true, { importSupplier: '', externalAccountNumber: 'A-1', paths: {} }));
    assert.ok('state' in r && r.state === 'unknown');
    assert.deepEqual(createLookup(plan(true)), { importSupplierCode: 'ACME', externalIdentifier: 'A-1' });
  });

  test('v2: the import status decides', () => {
    assert.equal(judgeImportStatus(failure('not-found'), undefined).state, 'not-processed');
    assert.equal(judgeImportStatus(failure('server-error'), undefined).state, 'unknown');
    const status = (s: Partial<ImportStatusData>) => success({ status: 'IN_PROGRESS', ...s } as ImportStatusData);
    assert.equal(judgeImportStatus(status({ status: 'DRY_RUN_COMPLETE' }), undefined).state, 'not-processed');
    const attempt = '2026-01-01T12:00:00Z';
    assert.equal(judgeImportStatus(status({ createdAt: '2026-01-01T11:00:00Z' }), attempt).state, 'not-processed');
    assert.equal(judgeImportStatus(status({ createdAt: '2026-01-01T11:58:00Z' }), attempt).state, 'created');
  });

  test('v1: the transfer status decides', () => {
    assert.equal(judgeTransferStatus(failure('not-found')).state, 'not-processed');
    assert.equal(judgeTransferStatus(failure('network')).state, 'unknown');
    assert.equal(judgeTransferStatus(success({ status: 'PENDING', krakenAccountNumber: null })).state, 'not-processed');
    assert.deepEqual(judgeTransferStatus(success({ status: 'DONE', krakenAccountNumber: 'A-123' })), {
      state: 'created',
      accountNumber: 'A-123',
    });
  });
});
