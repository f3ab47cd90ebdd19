// What a code may hold, in one table (Radix's INPUT_VALIDATION_MAP idea): the check `normalizeCode` runs, and the
// `pattern` and `inputMode` OtpInput puts on its input.

/** Per charset, `[pattern, inputMode]`: `pattern` is ONE character, as the input's `pattern` attribute and
 * `normalizeCode`'s check both use it; `inputMode` picks the on-screen keyboard. (A tuple, not an object: its
 * indexes minify, property names would not.) */
export const CHARSETS = {
  /** What the BFF contract verifies. */
  digits: ['\\d', 'numeric'],
  /** For providers with letter codes. */
  alphanumeric: ['[\\dA-Za-z]', 'text'],
} as const satisfies Record<string, readonly [pattern: string, inputMode: 'numeric' | 'text']>;

/** What a slot may hold: a key of `CHARSETS`. */
export type OtpCharset = keyof typeof CHARSETS;

// Separators people and SMS apps put inside codes ("123-456", "123 456", "123\n456", "123.456", "123–456"): any
// whitespace (incl. NBSP, tabs, newlines) and the dash family. Stripped, never counted as characters.
const SEPARATORS = /[\s\-‐‑‒–—−_.·]/g;

/**
 * Cleans what was typed, pasted or autofilled into a code of at most `length` characters, or `null` to reject it.
 *
 * NFKC first: Japanese and Chinese IMEs type full-width digits (`１２３４５６`) that no server accepts. Then separators
 * go. Anything else outside the charset (a letter in digits mode, an emoji) rejects the whole input, so the caller
 * keeps the previous value instead of silently dropping characters. A cleaned string longer than `length` already
 * holds a complete code, so its first `length` characters are kept (what a native `maxlength` would keep).
 */
export function normalizeCode(raw: string, charset: OtpCharset, length: number): string | null {
  const cleaned = raw.normalize('NFKC').replace(SEPARATORS, '');
  return RegExp(`^${CHARSETS[charset][0]}*$`).test(cleaned) ? cleaned.slice(0, length) : null;
}
