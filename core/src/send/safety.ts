/**
 * When to ask before sending, and what the question says. Pure: no `vscode` import.
 *
 * Asked for every real (non-dry-run) account creation and for any call to an environment marked production;
 * the question names the environment and the account. Nothing is sent from an untrusted workspace.
 */
import { endpoint } from '../endpoints';
import type { EnvironmentSetting } from './environments';
import { ACTION_LABELS, describeIdentity, type RequestPlan } from './plan';

export interface Confirmation {
  /** The modal's message (one line). */
  message: string;
  /** The modal's detail (a few lines). */
  detail: string;
  /** The confirming button; the only other choice is Cancel. */
  confirmLabel: string;
}

/** The question's verb, from the endpoint's definition ("Validate", "Send notes for"). */
function what(plan: RequestPlan): string {
  const ui = endpoint(plan.call.method).ui;
  if (!ui) return 'Send';
  return plan.dryRun && ui.dryRunVerb ? ui.dryRunVerb : ui.verb;
}

/** A different import supplier in the document than the environment's default is worth a line in the question. */
export function supplierMismatch(plan: RequestPlan, env: Pick<EnvironmentSetting, 'importSupplier'>): string | undefined {
  const doc = plan.identity.importSupplier;
  if (!doc || !env.importSupplier || doc === env.importSupplier) return undefined;
  return `The document's import supplier is ${doc}; the environment's is ${env.importSupplier}.`;
}

/** The confirmation a plan needs in an environment, or undefined when it can go without asking. */
export function confirmationFor(
  plan: RequestPlan,
  env: Pick<EnvironmentSetting, 'name' | 'production' | 'baseUrl' | 'importSupplier'>,
): Confirmation | undefined {
  if (!plan.createsAccount && !env.production) return undefined;
  const who = describeIdentity(plan.identity);
  const envName = `"${env.name}"${env.production ? ' (PRODUCTION)' : ''}`;
  const lines = [`Environment: ${env.name} — ${env.baseUrl}${env.production ? ' — marked production' : ''}`, `Account: ${who}`];
  if (plan.createsAccount) lines.push('This creates a real account in Kraken; it is not a dry run and cannot be undone from here.');
  if (plan.call.method === 'createAccountV1' && plan.call.body.operations_team_name)
    lines.push(`Operations team: ${plan.call.body.operations_team_name}`);
  if (plan.call.method === 'postTransactions') {
    const o = plan.call.options;
    lines.push(`check_previously_added=${o.check_previously_added}, force_add_to_current_statement=${o.force_add_to_current_statement}`);
  }
  if (plan.call.method === 'sendRegistrationFlows')
    lines.push(`supply_start_date: ${plan.call.supplyStartDate ?? "Kraken's earliest valid date"}`);
  const mismatch = supplierMismatch(plan, env);
  if (mismatch) lines.push(mismatch);
  const label = plan.createsAccount
    ? `Create in ${env.name}`
    : `${ACTION_LABELS[plan.action].replace(/ to Kraken$| with Kraken$/, '')} in ${env.name}`;
  return {
    message: `${what(plan)} ${who} in Kraken environment ${envName}?`,
    detail: lines.join('\n'),
    confirmLabel: label,
  };
}
