/**
 * YAML scalars read the way PyYAML's SafeLoader reads them.
 *
 * Kraken serves its contract as drf-spectacular output dumped by PyYAML, which writes YAML 1.1 and quotes only
 * the strings *PyYAML itself* would misread. A YAML 1.2 reader therefore gets some plain scalars wrong: the
 * example phone numbers `07123456789`, `0488008221` and the SSC `0393` are strings to PyYAML (a leading zero with
 * an 8 or 9 is neither octal nor decimal in 1.1) but integers to YAML 1.2, which drops the zero. The `yaml`
 * package's own 1.1 schema is no better: it reads `N` and `Y` (enum values of AU fields) as booleans, which PyYAML
 * does not. These tags are PyYAML's implicit resolvers (resolver.py), so the parsed document is what the
 * serving Kraken meant. Timestamps stay strings: the JSON of a Python date is its ISO text.
 */
import type { ScalarTag } from 'yaml';

const clean = (s: string) => s.replace(/_/g, '');

function base60(s: string): number {
  const sign = s.startsWith('-') ? -1 : 1;
  const parts = s.replace(/^[-+]/, '').split(':').map(Number);
  return sign * parts.reduce((acc, p) => acc * 60 + p, 0);
}

const nullTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:null',
  default: true,
  test: /^(?:~|null|Null|NULL)?$/,
  resolve: () => null,
};

const boolTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  test: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  resolve: (s) => /^(?:yes|true|on)$/i.test(s),
};

const intTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  test: /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  resolve: (raw) => {
    const s = clean(raw);
    const sign = s.startsWith('-') ? -1 : 1;
    const body = s.replace(/^[-+]/, '');
    if (body === '0') return 0;
    if (body.startsWith('0b')) return sign * parseInt(body.slice(2), 2);
    if (body.startsWith('0x')) return sign * parseInt(body.slice(2), 16);
    if (body.includes(':')) return base60(s);
    if (body.startsWith('0')) return sign * parseInt(body, 8);
    return sign * parseInt(body, 10);
  },
};

const floatTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  test: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  resolve: (raw) => {
    const s = clean(raw).toLowerCase();
    if (s.endsWith('.inf')) return s.startsWith('-') ? -Infinity : Infinity;
    if (s === '.nan') return NaN;
    if (s.includes(':')) return base60(s);
    return parseFloat(s);
  },
};

const timestampTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:timestamp',
  default: true,
  test: /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
  resolve: (s) => s,
};

/** PyYAML SafeLoader's implicit scalar types (strings, maps and sequences come from the failsafe schema). */
export const PYYAML_SCALAR_TAGS: ScalarTag[] = [nullTag, boolTag, intTag, floatTag, timestampTag];
