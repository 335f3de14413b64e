/** The CLI's version: package.json's (esbuild keeps only this field of it in the bundle). */
import { version } from '../../package.json';

export const VERSION: string = version;
