/** jsonc-parser's tolerant parse, guarded against deep nesting (its recursion would overflow the stack). */
import * as jsonc from 'jsonc-parser';

/**
 * jsonc-parser parses, visits and builds values recursively: one stack frame (or a few) per nesting level. Its
 * error recovery sees a different nesting than the depth scan above (an unterminated string ends at the line break
 * for jsonc-parser but runs on for the scan; a stray "]" inside an array is skipped, not a close), so the scan is
 * only the fast pre-check. This runs jsonc-parser and turns a stack overflow into `undefined`, never a throw.
 */
export function withinStack<T>(fn: () => T): { value: T } | undefined {
  try {
    return { value: fn() };
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) return undefined;
    throw error;
  }
}

/** jsonc-parser's tolerant tree and (unless not wanted) its value; undefined when the text nests too deeply to build one. */
export function tolerantTree(
  text: string,
  errors: jsonc.ParseError[],
  options: jsonc.ParseOptions,
  withValue = true,
): { tree: jsonc.Node | undefined; value: unknown } | undefined {
  const found: jsonc.ParseError[] = [];
  const built = withinStack(() => {
    const tree = jsonc.parseTree(text, found, options);
    return { tree, value: tree && withValue ? jsonc.getNodeValue(tree) : undefined };
  });
  if (built) for (const e of found) errors.push(e); // not push(...found): a spread of a million arguments throws
  return built?.value;
}
