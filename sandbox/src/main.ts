/** Entry of dist/sandbox.js (`npm run sandbox`): the local Kraken sandbox. Not Kraken. */
import { runSandboxCommand, SANDBOX_COMMAND } from './cli';

/** `kraken-import sandbox` reads its table (options, help, run) from this bundle (cli/src/lazy.ts). */
export { SANDBOX_COMMAND };

if (require.main === module)
  runSandboxCommand(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`kraken-import sandbox: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
