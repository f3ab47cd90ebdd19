/**
 * Masks a recipient for responses and log lines: `+8618701235678` -> `+86*******5678` (the `+`, the first two
 * digits and the last four), `jane@example.com` -> `j***@example.com`. Two leading digits say roughly which
 * country without guessing where a calling code ends; the last four let a user recognise their own number.
 */
export function maskRecipient(to: string): string {
  const at = to.lastIndexOf('@');
  if (at > 0) return `${to[0]}***${to.slice(at)}`;
  const digits = to.replace(/^\+/, '');
  if (digits.length <= 6) return `+${'*'.repeat(digits.length)}`;
  return `+${digits.slice(0, 2)}${'*'.repeat(digits.length - 6)}${digits.slice(-4)}`;
}
