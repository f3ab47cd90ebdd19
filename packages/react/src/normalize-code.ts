/** What a slot may hold. `digits` is what the BFF contract verifies; `alphanumeric` is for providers with letter codes. */
export type OtpCharset = 'digits' | 'alphanumeric';

// Separators people and SMS apps put inside codes ("123-456", "123 456", "123\n456", "123.456", "123–456"): any
// whitespace (incl. NBSP, tabs, newlines) and the dash family. Stripped, never counted as characters.
const SEPARATORS = /[\s\-‐‑‒–—−_.·]/g;
const ALLOWED = { digits: /^\d*$/, alphanumeric: /^[\dA-Za-z]*$/ } as const;

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
  return ALLOWED[charset].test(cleaned) ? cleaned.slice(0, length) : null;
}
