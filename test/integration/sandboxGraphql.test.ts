/**
 * The sandbox's GraphQL endpoint over real HTTP: every form a GraphQL client may write `obtainKrakenToken` in
 * (variables for the input or inside it, inline literals, aliases, fragments, named operations), and
 * GraphQL-shaped errors for what is wrong. The token each form gets is used on a data-import call.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type SandboxHandle } from '../../sandbox/src';
import { smallAccount } from '../fixtures/smallAccount';

const KEY = 'sk_test_graphql_4d1e';
let sb: SandboxHandle;

before(async () => {
  sb = await startSandbox({ port: 0, apiKey: KEY, log: () => {} });
});
after(async () => {
  await sb.close();
});

async function post(body: unknown, raw?: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${sb.url}/v1/graphql/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ?? JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** The token authenticates a data-import call (so it is a real token, not just a string). */
async function assertTokenWorks(token: unknown): Promise<void> {
  assert.equal(typeof token, 'string');
  const res = await fetch(`${sb.url}/v1/data-import/validate-account/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token as string },
    body: JSON.stringify(smallAccount('GQL-1', { supplier: 'TENTACLE_ENERGY' })),
  });
  assert.equal(res.status, 200);
}

describe('sandbox GraphQL: the forms of obtainKrakenToken', () => {
  test('a variable inside the input object (the form the issue names)', async () => {
    const r = await post({ query: 'mutation($k: String!) { obtainKrakenToken(input: {APIKey: $k}) { token } }', variables: { k: KEY } });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json.data.obtainKrakenToken), ['token']);
    assert.equal(r.json.errors, undefined);
    await assertTokenWorks(r.json.data.obtainKrakenToken.token);
  });

  test('the whole input as a variable (the extension and CLI form), named operation', async () => {
    const r = await post({
      query:
        'mutation ObtainKrakenToken($input: ObtainJSONWebTokenInput!) { obtainKrakenToken(input: $input) { token refreshToken refreshExpiresIn } }',
      variables: { input: { APIKey: KEY } },
      operationName: 'ObtainKrakenToken',
    });
    assert.equal(r.status, 200);
    const t = r.json.data.obtainKrakenToken;
    assert.deepEqual(Object.keys(t), ['token', 'refreshToken', 'refreshExpiresIn']);
    assert.equal(typeof t.refreshExpiresIn, 'number');
    await assertTokenWorks(t.token);
  });

  test('an inline literal with escapes, an alias and a fragment', async () => {
    const escaped = JSON.stringify(KEY); // a GraphQL string literal reads like a JSON string
    const r = await post({
      query: `mutation { auth: obtainKrakenToken(input: {APIKey: ${escaped}}) { ...T } }\nfragment T on ObtainKrakenJSONWebToken { jwt: token payload { sub exp } }`,
    });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json.data), ['auth']);
    assert.deepEqual(Object.keys(r.json.data.auth), ['jwt', 'payload']);
    assert.equal(r.json.data.auth.payload.sub, 'sandbox-data-import-user');
    await assertTokenWorks(r.json.data.auth.jwt);
  });

  test('an inline fragment, and two aliased calls in one document (one grant each)', async () => {
    const before = sb.state.tokenGrants.length;
    const r = await post({
      query:
        'mutation Two($k: String!) { a: obtainKrakenToken(input: {APIKey: $k}) { ... on ObtainKrakenJSONWebToken { token } } b: obtainKrakenToken(input: {APIKey: $k}) { token } }',
      variables: { k: KEY },
    });
    assert.equal(r.status, 200);
    assert.notEqual(r.json.data.a.token, r.json.data.b.token);
    assert.equal(sb.state.tokenGrants.length, before + 2);
  });

  test('the refresh token from one grant, as a variable, gives a new token once', async () => {
    const first = await post({ query: '{ __typename }' }); // a query that does nothing is fine
    assert.deepEqual(first, { status: 200, json: { data: { __typename: 'Query' } } });
    const grant = await post({
      query: 'mutation($i: ObtainJSONWebTokenInput!) { obtainKrakenToken(input: $i) { refreshToken } }',
      variables: { i: { APIKey: KEY } },
    });
    const refresh = grant.json.data.obtainKrakenToken.refreshToken;
    const again = await post({
      query: 'mutation($r: String) { obtainKrakenToken(input: {refreshToken: $r}) { token } }',
      variables: { r: refresh },
    });
    assert.equal(again.status, 200);
    await assertTokenWorks(again.json.data.obtainKrakenToken.token);
    const reused = await post({
      query: 'mutation($r: String) { obtainKrakenToken(input: {refreshToken: $r}) { token } }',
      variables: { r: refresh },
    });
    assert.equal(reused.json.errors[0].extensions.errorDescription, 'The refresh token is invalid or has expired.');
  });
});

describe('sandbox GraphQL: errors are GraphQL-shaped', () => {
  test("a wrong key: Kraken's KT-CT-1139 at the field, with its location and path; the key is not echoed", async () => {
    const r = await post({
      query: 'mutation($k: String!) {\n  obtainKrakenToken(input: {APIKey: $k}) { token }\n}',
      variables: { k: 'wrong-key-99' },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {
      errors: [
        {
          message: 'Invalid data.',
          locations: [{ line: 2, column: 3 }],
          path: ['obtainKrakenToken'],
          extensions: {
            errorType: 'VALIDATION',
            errorCode: 'KT-CT-1139',
            errorDescription: 'Authentication failed: the API key is not valid.',
            errorClass: 'VALIDATION',
          },
        },
      ],
      data: { obtainKrakenToken: null },
    });
    assert.doesNotMatch(JSON.stringify(r.json), /wrong-key-99/);
  });

  test('an operation the sandbox does not have: a validation error naming the field, at its location', async () => {
    const r = await post({ query: 'query {\n  viewer { accounts { number } }\n}' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, {
      errors: [{ message: 'Cannot query field "viewer" on type "Query".', locations: [{ line: 2, column: 3 }] }],
    });
  });

  test('a document that does not parse: a syntax error with its location', async () => {
    const r = await post({ query: 'mutation { obtainKrakenToken(input: {APIKey: "x"} { token } }' });
    assert.equal(r.status, 400);
    assert.equal(r.json.errors.length, 1);
    assert.match(r.json.errors[0].message, /^Syntax Error: /);
    assert.deepEqual(r.json.errors[0].locations, [{ line: 1, column: 51 }]);
  });

  test('an input field Kraken does not have, a missing variable, a variable of the wrong type', async () => {
    const unknownField = await post({ query: 'mutation { obtainKrakenToken(input: {apiKey: "x"}) { token } }' });
    assert.equal(unknownField.status, 400);
    assert.match(
      unknownField.json.errors[0].message,
      /Field "apiKey" is not defined by type "ObtainJSONWebTokenInput"\. Did you mean "APIKey"\?/,
    );
    const missing = await post({ query: 'mutation($k: String!) { obtainKrakenToken(input: {APIKey: $k}) { token } }' });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json.errors, [
      { message: 'Variable "$k" of required type "String!" was not provided.', locations: [{ line: 1, column: 10 }] },
    ]);
    const wrongType = await post({
      query: 'mutation($k: String!) { obtainKrakenToken(input: {APIKey: $k}) { token } }',
      variables: { k: 42 },
    });
    assert.equal(wrongType.status, 400);
    assert.match(wrongType.json.errors[0].message, /^Variable "\$k" got invalid value 42; String cannot represent a non string value: 42/);
  });

  test("no input at all, or not a key: refused with Kraken's error, not a crash", async () => {
    const r = await post({ query: 'mutation { obtainKrakenToken(input: {}) { token } }' });
    assert.equal(r.json.errors[0].extensions.errorCode, 'KT-CT-1139');
    assert.equal(r.json.errors[0].extensions.errorDescription, 'Provide APIKey or refreshToken (the sandbox supports no other inputs).');
  });

  test('bodies that are not a GraphQL request', async () => {
    assert.deepEqual(await post(undefined, 'not json'), {
      status: 400,
      json: { errors: [{ message: 'Must provide a JSON body with "query".' }] },
    });
    assert.deepEqual(await post({ variables: {} }), { status: 400, json: { errors: [{ message: 'Must provide query string.' }] } });
    assert.deepEqual(await post({ query: '{ sandbox }', variables: [1] }), {
      status: 400,
      json: { errors: [{ message: 'Variables must be provided as an object.' }] },
    });
    assert.deepEqual(await post({ query: '{ sandbox }', operation: 'x' }), {
      status: 400,
      json: { errors: [{ message: 'Unknown request field: "operation" (a GraphQL request has query, variables, operationName).' }] },
    });
    const two = await post({ query: 'query A { sandbox } query B { sandbox }' });
    assert.equal(two.status, 400);
    assert.deepEqual(two.json.errors, [{ message: 'Must provide operation name if query contains multiple operations.' }]);
    const named = await post({ query: 'query A { sandbox } query B { __typename }', operationName: 'B' });
    assert.deepEqual(named, { status: 200, json: { data: { __typename: 'Query' } } });
  });
});
