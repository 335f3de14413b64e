/**
 * Hashing and random names, with node:crypto loaded on first use: most runs of the CLI hash nothing, and loading the
 * module is a few milliseconds of every start.
 */
type Crypto = typeof import('node:crypto');
let crypto: Crypto | undefined;

function nodeCrypto(): Crypto {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (start-up time)
  return (crypto ??= require('node:crypto') as Crypto);
}

/** SHA-256 of a text (as UTF-8) or bytes. */
export function sha256(data: string | Uint8Array): Buffer {
  return nodeCrypto().createHash('sha256').update(data).digest();
}

/** SHA-256 as lower-case hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return sha256(data).toString('hex');
}

/** `bytes` random bytes as hex (names of temporary files, run ids). */
export function randomHex(bytes: number): string {
  return nodeCrypto().randomBytes(bytes).toString('hex');
}
