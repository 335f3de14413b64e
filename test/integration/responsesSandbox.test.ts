/**
 * Kraken calls as documents (core/src/send/responses.ts): a real call to the sandbox through the client's
 * `onExchange`, kept redacted and bounded, shown as request + response JSON without the key, and copied as cURL
 * with `$KRAKEN_API_KEY` — the cURL command run against the sandbox gets the same answer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { startSandbox, type SandboxHandle } from '../../sandbox/src/index';
import { KrakenClient, type ExchangeRecord } from '../../core/src/kraken';
import {
  addResponse,
  MAX_STORED_BODY_CHARS,
  MAX_STORED_RESPONSES,
  responseDocumentText,
  storable,
  toCurl,
  type StoredResponse,
} from '../../core/src/send/responses';
import { smallAccount } from '../fixtures/smallAccount';

const KEY = 'sk_test_responses_7e21c0';

describe('responses: a call kept, shown and copied as cURL', () => {
  let sb: SandboxHandle;
  before(async () => {
    sb = await startSandbox({ port: 0, apiKey: KEY, log: () => {} });
  });
  after(() => sb.close());

  async function call(auth: 'api-key-header' | 'kraken-token', body: unknown): Promise<ExchangeRecord> {
    const client = new KrakenClient({ name: 'Sandbox', baseUrl: sb.url, flow: 'v1', auth }, async () => KEY);
    let record: ExchangeRecord | undefined;
    await client.validateAccount(body, { onExchange: (x) => (record = x) });
    assert.ok(record);
    return record;
  }

  const entry = (exchange: ExchangeRecord, id = 'abc123'): StoredResponse =>
    storable({
      id,
      at: '2026-12-04T10:00:00.000Z',
      environment: 'Sandbox',
      action: 'validate',
      account: 'WV-1 (TENTACLE_ENERGY)',
      message: 'Kraken rejected it: johann@example.de',
      exchange,
    });

  test('the exchange record: what was sent and answered, never the key or the token', async () => {
    const body = smallAccount('RSP-1', { customer: { date_of_birth: '1997-13-40' } });
    for (const auth of ['api-key-header', 'kraken-token'] as const) {
      const x = await call(auth, body);
      assert.equal(x.method, 'POST');
      assert.equal(x.url, `${sb.url}/v1/data-import/validate-account/`);
      assert.equal(x.status, 400);
      assert.equal(x.attempts, 1);
      assert.deepEqual(x.requestBody, body);
      assert.equal(x.responseHeaders?.['content-type'], 'application/json');
      assert.doesNotMatch(JSON.stringify(x), new RegExp(KEY), auth);
      const tokens = sb.state.tokenGrants.length;
      assert.ok(auth === 'api-key-header' || tokens > 0);
    }
  });

  test('kept redacted and bounded; the tab text has request and response, the key never', async () => {
    const x = await call('api-key-header', smallAccount('RSP-2', { customer: { date_of_birth: '1997-13-40' } }));
    const e = entry(x);
    const text = responseDocumentText(e);
    const doc = JSON.parse(text);
    assert.equal(doc.request.method, 'POST');
    assert.equal(doc.request.headers.Authorization, 'Token $KRAKEN_API_KEY');
    assert.equal(doc.request.body.customers[0].email, '«redacted»');
    assert.equal(doc.request.body.external_account_number, 'RSP-2');
    assert.equal(doc.response.status, 400);
    assert.doesNotMatch(text, /johann@example\.de|1997-13-40|Goethe/);
    assert.doesNotMatch(text, new RegExp(KEY));
    assert.equal(doc.kraken.message, 'Kraken rejected it: «redacted»');

    const big = entry({ ...x, responseBody: { blob: 'x'.repeat(MAX_STORED_BODY_CHARS * 2) } });
    assert.equal(big.truncated, true);
    assert.ok(JSON.stringify(big).length < MAX_STORED_BODY_CHARS * 1.2);

    let list: StoredResponse[] = [];
    for (let i = 0; i < MAX_STORED_RESPONSES + 5; i++) list = addResponse(list, entry(x, `id${i}`));
    assert.equal(list.length, MAX_STORED_RESPONSES);
    assert.equal(list[0].id, `id${MAX_STORED_RESPONSES + 4}`, 'newest first');
    assert.deepEqual(
      addResponse([{ junk: true } as unknown as StoredResponse], e).map((r) => r.id),
      ['abc123'],
      'unreadable stored entries are dropped',
    );
  });

  test("Copy as cURL: $KRAKEN_API_KEY in place of the key, and the command gets Kraken's answer", async () => {
    const body = smallAccount('RSP-3');
    // No personal data in this body, so the kept copy is the request as sent.
    const x = await call('api-key-header', {
      import_supplier: 'TENTACLE_ENERGY',
      external_account_number: 'RSP-3',
      sales_channel: 'NOT_A_CHANNEL',
    });
    const curl = toCurl(entry(x));
    assert.doesNotMatch(curl, /redacted/);
    assert.match(
      curl,
      /^curl -sS -X POST '.+\/v1\/data-import\/validate-account\/' \\\n {2}-H 'Accept: application\/json' \\\n {2}-H "Authorization: Token \$KRAKEN_API_KEY" \\\n {2}-H 'Content-Type: application\/json' \\\n {2}--data-binary '\{/m,
    );
    assert.doesNotMatch(curl, new RegExp(KEY));
    const hasCurl = spawnSync('sh', ['-c', 'command -v curl']).status === 0;
    if (hasCurl) {
      // Asynchronously: the sandbox answers from this very process.
      const sh = promisify(execFile);
      const run = await sh('sh', ['-c', curl], { env: { ...process.env, KRAKEN_API_KEY: KEY }, encoding: 'utf8' });
      const answer = JSON.parse(run.stdout);
      assert.deepEqual(answer, x.responseBody, 'the same answer as the editor got');
      const wrong = await sh('sh', ['-c', curl], { env: { ...process.env, KRAKEN_API_KEY: 'nope' }, encoding: 'utf8' });
      assert.match(wrong.stdout, /not_authenticated|Invalid token|credentials/i);
    }

    const signIn = toCurl(entry(await call('kraken-token', body)));
    assert.match(signIn, /^# Personal data in this body was redacted/m);
    assert.match(
      signIn,
      /^KRAKEN_TOKEN=\$\(curl -sS -X POST '.+\/v1\/graphql\/' .*"\$KRAKEN_API_KEY".* \| jq -r \.data\.obtainKrakenToken\.token\)$/m,
    );
    assert.match(signIn, /-H "Authorization: \$KRAKEN_TOKEN"/);
    assert.doesNotMatch(signIn, new RegExp(KEY));
  });
});
