// Adds the batch work's contributions to package.json: the "Validate Workspace" command, its activation event, the
// krakenImport.workspaceValidation.include / exclude settings, and the wave:demo script. Only those keys are touched
// (others edit package.json too). Idempotent. Usage: node scripts/contribute-batch.mjs [--check] [--file package.json]
import { readFileSync, writeFileSync } from 'node:fs';

const fileArg = process.argv.indexOf('--file');
const file = fileArg >= 0 ? process.argv[fileArg + 1] : new URL('../package.json', import.meta.url);

const command = { command: 'krakenImport.validateWorkspace', title: 'Validate Workspace', category: 'Kraken Import', icon: '$(checklist)' };
const activation = 'onCommand:krakenImport.validateWorkspace';
const settings = {
  'krakenImport.workspaceValidation.include': {
    type: 'array',
    items: { type: 'string' },
    default: ['**/*.json', '**/*.jsonl', '**/*.ndjson'],
    markdownDescription:
      'Glob patterns (relative to each workspace folder) of the files **Kraken Import: Validate Workspace** checks on disk without opening them. Files that are not Kraken payloads are skipped.',
  },
  'krakenImport.workspaceValidation.exclude': {
    type: 'array',
    items: { type: 'string' },
    default: [
      '**/node_modules/**',
      '**/.git/**',
      '**/.vscode/**',
      '**/.vscode-test/**',
      '**/*.journal.jsonl',
      '**/package.json',
      '**/package-lock.json',
      '**/tsconfig*.json',
      '**/kraken-import.config.json',
    ],
    markdownDescription:
      'Glob patterns of files and folders **Kraken Import: Validate Workspace** leaves out (besides `krakenImport.workspaceValidation.include`). The send journals (`*.journal.jsonl`) are excluded by default.',
  },
};
const scripts = { 'wave:demo': 'node scripts/build.mjs && node scripts/wave-demo.mjs' };

const text = readFileSync(file, 'utf8');
const pkg = JSON.parse(text);
pkg.contributes ??= {};
const commands = (pkg.contributes.commands ??= []);
const at = commands.findIndex((c) => c.command === command.command);
if (at >= 0) commands[at] = command;
else commands.push(command);
pkg.activationEvents ??= [];
if (!pkg.activationEvents.includes(activation)) pkg.activationEvents.push(activation);
const configuration = Array.isArray(pkg.contributes.configuration)
  ? pkg.contributes.configuration[0]
  : (pkg.contributes.configuration ??= { title: 'Kraken Import', properties: {} });
configuration.properties ??= {};
Object.assign(configuration.properties, settings);
pkg.scripts ??= {};
Object.assign(pkg.scripts, scripts);

const out = `${JSON.stringify(pkg, null, 2)}\n`;
if (process.argv.includes('--check')) {
  if (out !== text) {
    console.error('package.json is missing the batch contributions: run node scripts/contribute-batch.mjs');
    process.exit(1);
  }
  console.log('package.json has the batch contributions');
} else if (out !== text) {
  writeFileSync(file, out);
  console.log('package.json: Validate Workspace command, workspaceValidation settings and wave:demo written');
} else console.log('package.json already up to date');
