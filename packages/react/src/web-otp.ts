/**
 * WebOTP (Android Chrome): resolves with the code of the SMS the user agrees to share, or `null` when the API is
 * missing, the user declines, or `signal` aborts. The SMS must end with a line `@<your host> #<code>` (the
 * origin-bound format), otherwise Chrome never offers it. Feature-detected on `OTPCredential`, as Chrome's docs do:
 * `navigator.credentials` alone exists in every browser. Nothing runs at import, so this is SSR-safe.
 */
export function readWebOtp(signal: AbortSignal): Promise<string | null> {
  if (typeof window === 'undefined' || !('OTPCredential' in window)) return Promise.resolve(null);
  // `otp` is not in TypeScript's DOM lib yet.
  const options = { otp: { transport: ['sms'] }, signal } as CredentialRequestOptions;
  return navigator.credentials.get(options).then(
    (credential) => (credential as { code?: string } | null)?.code ?? null,
    // AbortError on unmount, NotAllowedError when the user dismisses the prompt: both simply mean "no code".
    () => null,
  );
}
