/**
 * The strings that must never leave the client (the API key and the tokens seen), and the scrubbing of texts.
 * Kept in a private (#) field so that inspecting or serialising the holder never shows them.
 */
export class Secrets {
  readonly #values = new Set<string>();

  remember(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.#values.add(secret);
  }

  /** Removes the key and tokens from a text. */
  scrub(text: string): string {
    let out = text;
    for (const s of this.#values) if (s.length >= 4) out = out.split(s).join('[secret]');
    return out;
  }
}
