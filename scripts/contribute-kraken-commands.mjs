// Adds the Kraken commands' contributions to package.json: the commands, their menu entries (editor/title,
// commandPalette), the environment settings and capabilities.untrustedWorkspaces. Only those keys are touched
// (others edit package.json too): our commands and menu items are replaced by id, our settings by name.
// Idempotent. Usage: node scripts/contribute-kraken-commands.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package.json', import.meta.url);
const category = 'Kraken Import';
const trusted = 'isWorkspaceTrusted';

const commands = [
  { command: 'krakenImport.validateWithKraken', title: 'Validate with Kraken', category, enablement: trusted, icon: '$(check-all)' },
  { command: 'krakenImport.stageAccount', title: 'Stage Account in Kraken', category, enablement: trusted },
  { command: 'krakenImport.createAccountDryRun', title: 'Create Account in Kraken (Dry Run)', category, enablement: trusted },
  { command: 'krakenImport.createAccount', title: 'Create Account in Kraken', category, enablement: trusted },
  { command: 'krakenImport.sendPostImport', title: 'Send Post-Import Payload to Kraken', category, enablement: trusted },
  { command: 'krakenImport.sendRegistrationFlows', title: 'Send Registration Flows', category, enablement: trusted },
  { command: 'krakenImport.checkImportStatus', title: 'Check Account Import Status', category, enablement: trusted },
  { command: 'krakenImport.sendToKraken', title: 'Send to Kraken…', category, enablement: trusted, icon: '$(cloud-upload)' },
  { command: 'krakenImport.selectEnvironment', title: 'Select Kraken Environment', category },
  { command: 'krakenImport.setApiKey', title: 'Set API Key', category },
  { command: 'krakenImport.forgetApiKey', title: 'Forget API Key', category },
  { command: 'krakenImport.clearKrakenDiagnostics', title: 'Clear Kraken Diagnostics', category },
  { command: 'krakenImport.showResponses', title: 'Show Kraken Responses', category },
];

const menus = {
  'editor/title': [
    { command: 'krakenImport.sendToKraken', when: `krakenImport.can.send && ${trusted}`, group: 'navigation@90' },
    { command: 'krakenImport.validateWithKraken', when: `krakenImport.can.validate && ${trusted}`, group: 'krakenImport@1' },
    { command: 'krakenImport.stageAccount', when: `krakenImport.can.stage && ${trusted}`, group: 'krakenImport@2' },
    { command: 'krakenImport.createAccountDryRun', when: `krakenImport.can.create && ${trusted}`, group: 'krakenImport@3' },
    { command: 'krakenImport.createAccount', when: `krakenImport.can.create && ${trusted}`, group: 'krakenImport@4' },
    { command: 'krakenImport.sendPostImport', when: `krakenImport.can.postImport && ${trusted}`, group: 'krakenImport@5' },
    { command: 'krakenImport.sendRegistrationFlows', when: `krakenImport.can.registrationFlows && ${trusted}`, group: 'krakenImport@6' },
  ],
  commandPalette: [
    { command: 'krakenImport.validateWithKraken', when: 'krakenImport.can.validate' },
    { command: 'krakenImport.stageAccount', when: 'krakenImport.can.stage' },
    { command: 'krakenImport.createAccountDryRun', when: 'krakenImport.can.create' },
    { command: 'krakenImport.createAccount', when: 'krakenImport.can.create' },
    { command: 'krakenImport.sendPostImport', when: 'krakenImport.can.postImport' },
    { command: 'krakenImport.sendRegistrationFlows', when: 'krakenImport.can.registrationFlows' },
    { command: 'krakenImport.sendToKraken', when: 'krakenImport.can.send' },
  ],
};

const exampleEnvironment = {
  name: 'Local sandbox',
  baseUrl: 'http://127.0.0.1:8787',
  flow: 'v1',
  importSupplier: 'TENTACLE_ENERGY',
  operationsTeam: 'A',
  production: false,
  auth: 'api-key-header',
};

const settings = {
  'krakenImport.environments': {
    type: 'array',
    default: [exampleEnvironment],
    markdownDescription:
      "Kraken instances to send documents to. The active one (`krakenImport.activeEnvironment`) is shown in the status bar and switched from there. API keys are **never** kept here: use **Kraken Import: Set API Key** (VS Code secret storage, bound to the environment's name and base URL). HTTPS only, except loopback addresses (the local sandbox, started with `kraken-import sandbox`, listens on `http://127.0.0.1:8787` and accepts the key `sandbox`).",
    items: {
      type: 'object',
      required: ['name', 'baseUrl', 'flow'],
      additionalProperties: false,
      properties: {
        name: {
          type: 'string',
          minLength: 1,
          description: 'What the environment is called in the status bar, confirmations and messages.',
        },
        baseUrl: {
          type: 'string',
          pattern: '^(https://|http://(127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|localhost|\\[::1\\])(:|/|$))',
          patternErrorMessage: 'HTTPS only (plain http only for a loopback address such as http://127.0.0.1:8787).',
          markdownDescription: "The instance's API host, without `/v1`, e.g. `https://api.oeg-kraken.energy`.",
        },
        flow: {
          type: 'string',
          enum: ['v1', 'v2'],
          enumDescriptions: [
            'validate → stage → create (process), with `dry_run`',
            'validate → create (import process, `task_params.is_dry_run`) → import status',
          ],
          description: 'Which account-import flow the instance offers.',
        },
        importSupplier: {
          type: 'string',
          description: 'Default import supplier code (for the import-status check and a mismatch warning).',
        },
        operationsTeam: {
          type: 'string',
          markdownDescription: '`operations_team_name` for v1 create. When absent it is asked once and remembered.',
        },
        production: {
          type: 'boolean',
          default: false,
          description: 'A production instance: every call to it asks for confirmation first.',
        },
        contract: { type: 'string', markdownDescription: "Path or URL of the instance's served contract (`/data-import/schema/`)." },
        auth: {
          type: 'string',
          enum: ['kraken-token', 'api-key-header'],
          default: 'api-key-header',
          enumDescriptions: [
            'Exchange the key for a Kraken token with obtainKrakenToken and send `Authorization: <token>`.',
            'Send `Authorization: Token <key>`.',
          ],
          description: 'How the API key authenticates.',
        },
      },
    },
  },
  'krakenImport.activeEnvironment': {
    type: 'string',
    default: '',
    description: 'Name of the Kraken environment commands send to (empty: the first one). Switched from the status bar.',
  },
  'krakenImport.showPersonalData': {
    type: 'boolean',
    default: false,
    description:
      'Show personal data (names, emails, phone numbers, addresses, bank details) in the Kraken responses output channel. Off: redacted.',
  },
  'krakenImport.requestTimeoutSeconds': {
    type: 'number',
    default: 60,
    minimum: 5,
    maximum: 600,
    description: 'Timeout of each request to Kraken, in seconds.',
  },
};

const untrustedWorkspaces = {
  supported: 'limited',
  description:
    "In an untrusted workspace Kraken Import validates documents locally but sends nothing to Kraken, and ignores the workspace's Kraken environment settings.",
  restrictedConfigurations: ['krakenImport.environments', 'krakenImport.activeEnvironment'],
};

const text = readFileSync(file, 'utf8');
const pkg = JSON.parse(text);
const ours = new Set(commands.map((c) => c.command));

/** Our entries replace theirs in place (others' entries keep their order); new ones are appended. */
function merge(existing, mine) {
  const queue = [...mine];
  const out = [];
  for (const item of existing ?? []) {
    if (!ours.has(item.command)) out.push(item);
    else {
      const i = queue.findIndex((m) => m.command === item.command);
      if (i >= 0) out.push(queue.splice(i, 1)[0]);
    }
  }
  return [...out, ...queue];
}

pkg.contributes ??= {};
pkg.contributes.commands = merge(pkg.contributes.commands, commands);
pkg.contributes.menus ??= {};
for (const [menu, items] of Object.entries(menus)) pkg.contributes.menus[menu] = merge(pkg.contributes.menus[menu], items);
const configuration = Array.isArray(pkg.contributes.configuration)
  ? pkg.contributes.configuration[0]
  : (pkg.contributes.configuration ??= { title: 'Kraken Import', properties: {} });
configuration.properties ??= {};
Object.assign(configuration.properties, settings);
pkg.capabilities ??= {};
// Others restrict their own settings too: keep their entries (and a description they may have written).
const existingTrust = pkg.capabilities.untrustedWorkspaces ?? {};
pkg.capabilities.untrustedWorkspaces = {
  ...existingTrust,
  supported: untrustedWorkspaces.supported,
  description: existingTrust.description ?? untrustedWorkspaces.description,
  restrictedConfigurations: [
    ...new Set([...(existingTrust.restrictedConfigurations ?? []), ...untrustedWorkspaces.restrictedConfigurations]),
  ],
};

const out = `${JSON.stringify(pkg, null, 2)}\n`;
if (process.argv.includes('--check')) {
  if (out !== text) {
    console.error('package.json is missing Kraken command contributions: run node scripts/contribute-kraken-commands.mjs');
    process.exit(1);
  }
  console.log('package.json has the Kraken command contributions');
} else if (out !== text) {
  writeFileSync(file, out);
  console.log('package.json: Kraken commands, menus, settings and untrustedWorkspaces written');
} else console.log('package.json already up to date');
