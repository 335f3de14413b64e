import type { EndpointDef } from './types';

/** `POST /v1/graphql/` `obtainKrakenToken`: a token from the API key or a refresh token. */
export const obtainToken: EndpointDef = {
  id: 'obtainToken',
  actions: [],
  kinds: [],
  offeredFor: [],
  method: 'POST',
  path: '/v1/graphql/',
  pathParams: [],
  query: [],
  auth: false,
  what: 'obtain a Kraken token',
  repeatWithinCall: { safe: true, reason: 'obtains another token; nothing in the account changes' },
  repeatAfterInterruption: { safe: true, reason: 'obtains another token; nothing in the account changes' },
  answer: { ok: [200], postImport: false, identifiers: ['token', 'refreshToken'], unknown: 'never: a lost answer is asked for again' },
  sandbox: 'graphql',
};
