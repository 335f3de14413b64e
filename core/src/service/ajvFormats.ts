/**
 * The string formats ajv checks, as one object: ajv-formats' full formats with Kraken's (Django-like) ones on top.
 * Runtime ajv instances register them (ajvSetup.ts); the precompiled validators (generated/validators.js) reference
 * `KRAKEN_FORMATS[name]` directly, so this module must stay free of ajv itself.
 */
import { fullFormats } from 'ajv-formats/dist/formats';
import { isDecimalString, isKrakenDate, isKrakenDateTime, isKrakenEmail, isKrakenTime } from './formats';

type FormatDefinition = { type: 'string'; validate: (s: string) => boolean };

/** Kraken's formats, which replace ajv-formats' RFC ones of the same name. */
export const KRAKEN_FORMAT_OVERRIDES: Record<string, FormatDefinition> = {
  date: { type: 'string', validate: isKrakenDate },
  'date-time': { type: 'string', validate: isKrakenDateTime },
  time: { type: 'string', validate: isKrakenTime },
  email: { type: 'string', validate: isKrakenEmail },
  decimal: { type: 'string', validate: isDecimalString },
};

/** Every format a schema may name, by name (what `code.formats` points the generated code at). */
export const KRAKEN_FORMATS: Record<string, unknown> = { ...fullFormats, ...KRAKEN_FORMAT_OVERRIDES };
