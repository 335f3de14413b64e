/** A file's payloads: .json documents and .jsonl records with their lines, and which workspace files are checked. */
export * from './jsonLines';
export * from './validateFile';
export * from './payloadCheck';
export * from './workspaceFiles';
export * from './inputs';
export * from './glob';
