/** The Kraken HTTP client: its calls, answers, errors, redaction and proxy support. The faces import this entry. */
export * from './types';
export * from './client';
export * from './timeout';
export { normaliseErrors, formatErrors, isDryRunSuccess, alreadyImportedAccount } from './errors';
export { redact, redactText, redactFieldMessage, REDACTED, type RedactOptions } from './redact';
export { checkBaseUrl, isLoopbackHost } from './http';
export { describeProxy, proxyAgentsFromEnv, proxyFor, type ProxyEnv } from './proxy';
