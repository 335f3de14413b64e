import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { checkSettings, ConfigError } from '../../core/src/config';
import { checkPayloadAssociations } from '../../core/src/payloadAssociations';

const refused = (fn: () => unknown, message: string) =>
  assert.throws(fn, (e: unknown) => e instanceof ConfigError && e.message === message, message);

test('"rules": every finding code is accepted; another is refused by name, with the code it most likely means', () => {
  assert.deepEqual(checkSettings({ rules: { 'invalid-utf8': 'warning', 'date-order': 'off', 'too-many-findings': 'hint' } }, 'x').rules, {
    'invalid-utf8': 'warning',
    'date-order': 'off',
    'too-many-findings': 'hint',
  });
  refused(
    () => checkSettings({ rules: { 'date-ordr': 'off' } }, 'config k.json'),
    'config k.json: "rules" names "date-ordr", which is no finding code: did you mean "date-order"? ("kraken-import rules" lists them)',
  );
  // An inherited name of a plain object is no code either.
  refused(
    () => checkSettings({ rules: { toString: 'off' } }, 'x'),
    'x: "rules" names "toString", which is no finding code ("kraken-import rules" lists them)',
  );
  refused(
    () => checkSettings({ rules: { 'iban-check': 'loud' } }, 'x'),
    'x: rule "iban-check" has severity "loud"; use error, warning, information, hint or off',
  );
});

test('"payloadAssociations": globs to payload kinds, the same check for the extension, the server and the CLI', () => {
  assert.deepEqual(checkPayloadAssociations({ '**/notes/*.json': 'notes' }, 'x'), { '**/notes/*.json': 'notes' });
  refused(
    () => checkPayloadAssociations({ '**/n/*.json': 'note' }, 'the editor settings (krakenImport)'),
    'the editor settings (krakenImport): "payloadAssociations" maps "**/n/*.json" to "note", which is no payload kind: did you mean "notes"? (account-v2-create, account-v2-validate, account-v1-create, business-payment-instruction, payment-instruction, notes, transactions, statements, account)',
  );
  for (const bad of [[], 'notes', 3])
    refused(() => checkPayloadAssociations(bad, 'x'), 'x: "payloadAssociations" must be an object of glob -> payload kind');
  refused(() => checkSettings({ payloadAssociations: ['a'] }, 'y'), 'y: "payloadAssociations" must be an object of glob -> payload kind');
});
