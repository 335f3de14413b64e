/** The instance's served contract: where it comes from (URL or file), its file cache, and loading it for a run. */
export * from './source';
export * from './cache';
export * from './load';
