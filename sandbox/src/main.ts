/** Entry of dist/sandbox.js (`npm run sandbox`): the local Kraken sandbox. Not Kraken. */
import { runSandboxCommand } from './cli';

runSandboxCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`kraken-import sandbox: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
