import { activation, findingData } from './declared';
import { amountAt } from './decimal';
import { provided } from './provided';
import type { Rule, RuleContext } from './types';
import { indexedKeys, objectsWithAnyKey } from './walk';

/** "Required if" validators: when `when` holds on an object, `field` must be given. */
interface RequiredWhen {
  validator: string;
  code: string;
  field: string;
  /** The key whose presence makes the object a candidate (read before anything else). */
  trigger: string;
  when: (o: Record<string, unknown>) => boolean;
  /** When the field is given but still fails (e.g. a zero amount). */
  fails?: (ctx: RuleContext, o: Record<string, unknown>, path: (string | number)[]) => boolean;
  because: string;
}

const trigger = (value: string) => (o: Record<string, unknown>) => o.trigger === value;

const TABLE: readonly RequiredWhen[] = [
  {
    validator: 'Validate payment schedule balance threshold provided',
    code: 'balance_triggered_schedule_missing_threshold',
    field: 'balance_threshold',
    trigger: 'trigger',
    when: trigger('BALANCE'),
    because: 'trigger is BALANCE',
  },
  {
    validator: 'Validate instalments is provided if trigger is PLAN',
    code: 'payment_instalments_not_provided',
    field: 'instalments',
    trigger: 'trigger',
    when: trigger('PLAN'),
    because: 'trigger is PLAN',
  },
  {
    validator: 'Validate fixed payment schedule has payment day',
    code: 'fixed_payment_schedule_missing_day_of_month',
    field: 'day_of_month',
    trigger: 'trigger',
    when: trigger('REGULAR'),
    because: 'trigger is REGULAR (a fixed schedule)',
  },
  {
    validator: 'Validate regular payment schedule frequency provided',
    code: 'fixed_payment_schedule_missing_frequency',
    field: 'frequency',
    trigger: 'trigger',
    when: trigger('REGULAR'),
    because: 'trigger is REGULAR (a fixed schedule)',
  },
  {
    validator: 'Validate fixed payment schedule has amount',
    code: 'zero_payment_schedule_amount',
    field: 'amount',
    trigger: 'trigger',
    when: (o) => typeof o.trigger === 'string' && o.trigger !== 'BILL',
    fails: (ctx, o, path) => amountAt(ctx, o.amount, [...path, 'amount']) === 0n,
    because: 'trigger is not BILL (a fixed schedule needs a non-zero amount)',
  },
  {
    validator: 'Validate `effective_ntc_from` is required when `effective_ntc` is provided',
    code: 'required_effective_ntc_from',
    field: 'effective_ntc_from',
    trigger: 'effective_ntc',
    when: (o) => provided(o.effective_ntc),
    because: 'effective_ntc is given',
  },
];

const TRIGGERS = indexedKeys(TABLE.map((t) => t.trigger));

export const requiredWhen: Rule = {
  code: 'required-when',
  severity: 'error',
  doc: "Fields Kraken requires under a condition are given: a payment schedule's balance_threshold when trigger is BALANCE, instalments when PLAN, day_of_month and frequency when REGULAR, a non-zero amount unless BILL; a register's effective_ntc_from with effective_ntc. Errors with Kraken's code where the contract in force declares the validator on that object; a schedule without trigger is not judged (the contracts do not name the default). Not checked under the bundled schemas: the seed pages do not state it.",
  kinds: ['account', 'account-v2-create'],
  appliesTo: [...TABLE.filter((t) => t.trigger === 'trigger').map((t) => `payment_schedules[].${t.field}`), '*.effective_ntc_from'],
  implements: TABLE.map((t) => ({ name: t.validator, codes: [t.code] })),
  check(ctx) {
    if (!ctx.underContract) return;
    const { objects, paths, holders } = objectsWithAnyKey(ctx.root, TRIGGERS);
    for (const o of holders) {
      const obj = objects[o];
      const path = paths[o].toPath();
      for (const t of TABLE) {
        if (!t.when(obj)) continue;
        const missing = !provided(obj[t.field]);
        if (!missing && !t.fails?.(ctx, obj, path)) continue;
        const a = activation(ctx, [path], [t.validator], t.code, undefined);
        if (!a) continue;
        ctx.report(
          [...path, t.field],
          missing
            ? `${t.field} is required because ${t.because} (${t.code}).`
            : `${t.field} must not be zero because ${t.because} (${t.code}).`,
          {
            severity: a.severity,
            data: findingData(a, { field: t.field }),
          },
        );
      }
    }
  },
};
