// Type of decimalReach.js, which scripts/compile-schemas.mjs generates at build time (not committed).
import type { DecimalReach } from '../rules/decimalReach';

/** Where a decimal field can be met in each bundled schema file (rules/decimalReach.ts `buildDecimalReach`). */
declare const reach: DecimalReach;
export default reach;
