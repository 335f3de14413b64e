/** The verdict kinds of docs/validators.md and their constructors (scripts/validators-table.ts). */
export type Kind = 'local' | 'partial' | 'kraken-data' | 'kraken-config' | 'clock' | 'not-decidable' | 'not-implemented';

export interface Verdict {
  kind: Kind;
  text: string;
}

export const KRAKEN_DATA = (what: string): Verdict => ({ kind: 'kraken-data', text: `needs Kraken's data: ${what}` });
export const KRAKEN_CONFIG = (what: string): Verdict => ({ kind: 'kraken-config', text: `needs the instance's configuration: ${what}` });
export const NOT_DECIDABLE = (why: string): Verdict => ({ kind: 'not-decidable', text: `not decidable from its text: ${why}` });
export const LATER = (what: string): Verdict => ({
  kind: 'not-implemented',
  text: `decidable from the payload, not implemented yet: ${what}`,
});
