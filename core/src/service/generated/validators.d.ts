// Type of validators.js, which scripts/compile-schemas.mjs generates at build time (not committed).
import type { ValidateFunction } from 'ajv';

/** ajv standalone validators of the bundled schemas, by schema file name (`account.schema.json`, ...). */
declare const validators: Readonly<Record<string, ValidateFunction | undefined>>;
export default validators;
