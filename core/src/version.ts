/**
 * The product's version, injected at build time from package.json (scripts/build.mjs defines it for every bundle):
 * the CLI's --version, the language server's serverInfo, the sandbox's banner and the user agent all read this.
 */
declare const __KRAKEN_IMPORT_VERSION__: string;

export const VERSION: string = __KRAKEN_IMPORT_VERSION__;
