import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  createErrorHandler,
  createInitializationFailedHandler,
  DEFAULT_HEALTH_POLICY,
  ServerHealth,
  type Notice,
} from '../../client/src/serverHealth';

const MINUTE = 60_000;
/** Stand-ins for vscode-languageclient's ErrorAction / CloseAction values. */
const ACTIONS = { continue: 'Continue', shutdown: 'Shutdown', restart: 'Restart', doNotRestart: 'DoNotRestart' } as const;

function harness(start = 0) {
  let now = start;
  const notices: Notice[] = [];
  const logs: string[] = [];
  const health = new ServerHealth({ ...DEFAULT_HEALTH_POLICY, settleMs: 0 });
  const handler = createErrorHandler(health, { log: (l) => logs.push(l), notify: (n) => notices.push(n), now: () => now }, ACTIONS);
  return {
    handler,
    health,
    notices,
    logs,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('server health (client/src/serverHealth.ts)', () => {
  it('a crash: restarted, and the user is told once, in plain words', () => {
    const h = harness();
    const first = h.handler.closed();
    assert.equal(first.action, 'Restart');
    assert.equal(first.handled, true, 'handled: the client adds no notification of its own');
    assert.match(first.message, /stopped unexpectedly .*restarting it/);
    assert.equal(h.notices.length, 1);
    assert.equal(h.notices[0].level, 'warning');
    assert.equal(
      h.notices[0].message,
      'Kraken Import: the language server stopped unexpectedly and was restarted; checks continue. If it happens again it is restarted without this message. The Kraken Import output has the details.',
    );
    // crashes spread out over time: restarted every time, never told again
    for (let i = 0; i < 20; i++) {
      h.advance(2 * MINUTE);
      assert.equal(h.handler.closed().action, 'Restart');
    }
    assert.equal(h.notices.length, 1);
  });

  it('4 restarts in 3 minutes, then the fifth crash stops it, said once with what to do', () => {
    const h = harness(1_000_000);
    for (let i = 0; i < DEFAULT_HEALTH_POLICY.maxRestarts; i++) {
      assert.equal(h.handler.closed().action, 'Restart', `crash ${i + 1}`);
      h.advance(10_000);
    }
    const fifth = h.handler.closed();
    assert.equal(fifth.action, 'DoNotRestart');
    assert.equal(fifth.handled, true);
    assert.deepEqual(
      h.notices.map((n) => n.level),
      ['warning', 'error'],
    );
    assert.equal(
      h.notices[1].message,
      'Kraken Import: the language server stopped 5 times in 3 minutes, so it was not restarted. Payload checks, completion and hover are off until you reload the window (Developer: Reload Window). The Kraken Import output has the details.',
    );
    // a close after giving up (e.g. the client re-reports it) is not announced twice
    assert.equal(h.handler.closed().action, 'DoNotRestart');
    assert.equal(h.notices.length, 2);
  });

  it('crashes older than the window do not count', () => {
    const h = harness();
    for (let i = 0; i < 4; i++) h.handler.closed();
    h.advance(3 * MINUTE + 1);
    assert.equal(h.handler.closed().action, 'Restart', 'the four earlier crashes are outside the 3-minute window');
  });

  it('connection errors: failed writes kept up to 3 in a row, logged only; then shut down, said once', async () => {
    const h = harness();
    for (let count = 1; count <= 3; count++) {
      const r = await h.handler.error(new Error('write EPIPE'), undefined, count);
      assert.equal(r.action, 'Continue');
      assert.equal(r.handled, true, 'no notification per connection error');
      assert.match(r.message, /write EPIPE/);
    }
    assert.equal(h.notices.length, 0);
    assert.equal((await h.handler.error(new Error('write EPIPE'), undefined, 4)).action, 'Shutdown');
    assert.equal((await h.handler.error(new Error('write EPIPE'), undefined, 5)).action, 'Shutdown');
    assert.equal(h.notices.length, 1);
    assert.match(
      h.notices[0].message,
      /^Kraken Import: the connection to the language server keeps failing, so the server was shut down\. .*Reload Window/,
    );
  });

  it('a channel error without a count (what a dying server produces) never shuts down: the close restarts it', async () => {
    // vscode-languageclient's default shuts the connection down on such an error, and a server that died while
    // the user typed stays dead; with this handler it comes back.
    const h = harness();
    const r = await h.handler.error(Object.assign(new Error('channel closed'), { code: 'ERR_IPC_CHANNEL_CLOSED' }), undefined, undefined);
    assert.equal(r.action, 'Continue');
    assert.equal(h.handler.closed().action, 'Restart');
    assert.equal(h.notices.length, 1, 'only the restart notice');
  });

  it('a burst of failed writes as the server dies: the close decides, not a shutdown', async () => {
    const health = new ServerHealth({ ...DEFAULT_HEALTH_POLICY, settleMs: 30 });
    const notices: Notice[] = [];
    const handler = createErrorHandler(health, { log: () => undefined, notify: (n) => notices.push(n) }, ACTIONS);
    const fourth = handler.error(new Error('write EPIPE'), undefined, 4); // waits settleMs for a close
    assert.equal(handler.closed().action, 'Restart');
    assert.equal((await fourth).action, 'Continue', 'the connection closed meanwhile: the restart stands');
    assert.deepEqual(
      notices.map((n) => n.level),
      ['warning'],
    );
  });

  it('initialization failure: logged with the reason, told once, not retried', () => {
    const health = new ServerHealth();
    const notices: Notice[] = [];
    const logs: string[] = [];
    const onFailed = createInitializationFailedHandler(health, { log: (l) => logs.push(l), notify: (n) => notices.push(n) });
    assert.equal(onFailed(new Error('Cannot find module dist/server.js')), false);
    assert.equal(onFailed('again'), false);
    assert.deepEqual(logs, [
      'The language server could not start: Cannot find module dist/server.js',
      'The language server could not start: again',
    ]);
    assert.equal(notices.length, 1);
    assert.match(notices[0].message, /^Kraken Import: the language server could not start \(Cannot find module dist\/server\.js\)\./);
  });
});
