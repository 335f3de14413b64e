// `npm run demo` as a newcomer runs it, and as a supervisor (or a CI timeout) stops it: SIGTERM to the npm process
// itself, not to its process group. npm hands the signal to the script's shell; the demo must get it too and stop
// code-server, the sandbox and its scratch folders, not be left running without a parent.
//
// Build and run (after scripts/setup-code-server.sh): npm run test:ui

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, test } from 'node:test';
import { repoRoot } from '../../tools/codeServer';

let npm: ChildProcess | undefined;

after(() => {
  // If the test failed half-way: the whole group npm led (the shell and the demo in it, npm itself may be gone) gets
  // SIGTERM, so the demo still stops what it started; and the pipes are let go, or this process would wait on them.
  if (npm?.pid === undefined) return;
  try {
    process.kill(-npm.pid, 'SIGTERM');
  } catch {
    /* the group is gone */
  }
  npm.stdout?.destroy();
  npm.stderr?.destroy();
  npm.unref();
});

/** Whether something answers HTTP at `url` (false when the connection is refused). */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(5000) });
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until it holds: another process's end has no event to wait on here. */
async function until(what: string, check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('npm run demo: SIGTERM to npm stops code-server, the sandbox and the scratch folders', { timeout: 300_000 }, async () => {
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli
    ? [process.execPath, [npmCli, 'run', 'demo', '--', '--no-build']]
    : ['npm', ['run', 'demo', '--', '--no-build']];
  // detached: npm leads a process group of its own, so that `after` can reach the demo if this test fails.
  const child = spawn(command, args, { cwd: repoRoot(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  npm = child;
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const ready = await new Promise<{ url: string; sandbox: string }>((resolve, reject) => {
    const look = () => {
      const url = /kraken-import demo: open (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(stdout)?.[1];
      const sandbox = /sandbox: +(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      if (url && sandbox) resolve({ url, sandbox });
    };
    child.stdout!.on('data', look);
    void exited.then((code) => reject(new Error(`npm run demo exited (${code}) before it was ready:\n${stdout}\n${stderr}`)));
  });
  const folder = new URL(ready.url).searchParams.get('folder');
  assert.ok(folder, `the URL names the workspace: ${ready.url}`);
  const scratch = dirname(folder);
  assert.match(scratch, /kraken-demo-/);
  assert.ok(existsSync(folder), 'the scratch copy of examples/ is there while the demo runs');
  assert.equal((await fetch(ready.url)).status, 200, 'code-server serves the workbench');
  assert.equal(await answers(`${ready.sandbox}/data-import/schema/`), true, 'the sandbox answers');

  // SIGTERM to npm's own pid, as `kill <pid>` or a supervisor sends it.
  process.kill(child.pid!, 'SIGTERM');
  await exited;
  await until('the demo saying it stops', () => stderr.includes('[demo] SIGTERM: stopping code-server and the sandbox'));
  await until('code-server gone', async () => !(await answers(ready.url)));
  await until('the sandbox gone', async () => !(await answers(`${ready.sandbox}/data-import/schema/`)));
  await until('the scratch folder removed', () => !existsSync(scratch));
});
