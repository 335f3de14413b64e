/** `send`: the units of a wave — every applicable action of every payload, in action order per payload. */
import { ACCOUNT_KINDS, type ActionId, availableActions, type EnvironmentSetting } from '../../core/src/send';
import type { JournalStatus, WaveItem } from '../../core/src/waves';
import { where } from './waveRecords';

/** A payload not sent (or a unit not done), for the summary. */
export interface Problem {
  where: string;
  action: string;
  status: JournalStatus;
  message: string;
}

export interface WaveWork {
  work: Array<{ item: WaveItem; actions: ActionId[] }>;
  /** Payloads not sent: unreadable, or the same account twice. */
  local: Problem[];
  notPayload: number;
  notApplicable: number;
}

/** `problemMessage` says an unreadable payload's problem (redacted as the run asks). */
export function waveWork(
  items: WaveItem[],
  actions: ActionId[],
  env: EnvironmentSetting,
  problemMessage: (problem: string) => string,
): WaveWork {
  const result: WaveWork = { work: [], local: [], notPayload: 0, notApplicable: 0 };
  const seenAccounts = new Map<string, string>();
  for (const item of items) {
    if (item.problem) {
      result.local.push({ where: where(item), action: '-', status: 'failed', message: problemMessage(item.problem) });
      continue;
    }
    if (!item.kind) {
      result.notPayload++;
      continue;
    }
    const applicable = actions.filter((a) => availableActions(item.kind, env.flow).includes(a));
    if (!applicable.length) {
      result.notApplicable++;
      continue;
    }
    if (item.identified && (ACCOUNT_KINDS as readonly string[]).includes(item.kind)) {
      const first = seenAccounts.get(item.identityKey);
      if (first) {
        result.local.push({
          where: where(item),
          action: applicable.join(','),
          status: 'failed',
          message: `the same account (${item.identityKey}) as ${first}: not sent twice in one wave`,
        });
        continue;
      }
      seenAccounts.set(item.identityKey, where(item));
    }
    result.work.push({ item, actions: applicable });
  }
  return result;
}
