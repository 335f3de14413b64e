import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_TIMEOUT_MS, REQUEST_TIMEOUT_SECONDS, requestTimeoutMs, TimeoutValueError } from '../../core/src/kraken';
import { REPO_ROOT } from '../helpers';

test('a request timeout: seconds as a number or as text, the default when unset, anything else refused by name', () => {
  assert.equal(requestTimeoutMs(undefined, '--timeout'), 60_000);
  assert.equal(requestTimeoutMs('', '--timeout'), 60_000);
  assert.equal(DEFAULT_TIMEOUT_MS, 60_000);
  assert.equal(requestTimeoutMs('20', '--timeout'), 20_000);
  assert.equal(requestTimeoutMs(' 2.5 ', '--timeout'), 2_500);
  assert.equal(requestTimeoutMs(1, 'krakenImport.requestTimeoutSeconds'), 1_000);
  assert.equal(requestTimeoutMs(3600, 'krakenImport.requestTimeoutSeconds'), 3_600_000);
  for (const bad of ['0', '0.5', '3601', 'Infinity', '1e3', '-5', '60s', 'abc', 0, -1, 3601, Number.NaN, Infinity, true, null, {}])
    assert.throws(
      () => requestTimeoutMs(bad, 'KRAKEN_IMPORT_TIMEOUT'),
      (e: unknown) =>
        e instanceof TimeoutValueError &&
        e.message === `KRAKEN_IMPORT_TIMEOUT takes a number of seconds from 1 to 3600, not ${JSON.stringify(bad)}`,
      String(bad),
    );
});

test("the extension's setting admits exactly what the reader does", () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const setting = pkg.contributes.configuration.properties['krakenImport.requestTimeoutSeconds'];
  assert.deepEqual(
    [setting.default, setting.minimum, setting.maximum],
    [REQUEST_TIMEOUT_SECONDS.default, REQUEST_TIMEOUT_SECONDS.min, REQUEST_TIMEOUT_SECONDS.max],
  );
});
