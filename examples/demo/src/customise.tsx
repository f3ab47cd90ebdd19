// The README's "Customise" examples, as working code: packages/react/src/customise.browser.test.tsx renders each in
// Chromium, and e2e/docs-snippets.e2e.test.ts checks the README quotes these regions verbatim.
// docs:customise-import
import { en, isOtpkitMutation, OtpInput, type SlotRenderProps, statusMessage, useOtpVerification } from '@otpkit/react';
import { MutationCache, QueryClient } from '@tanstack/react-query';
// docs:end

/** Codes of other shapes: 4 digits, 8 letters and digits, masked. */
export function Shapes() {
  return (
    <>
      {/* docs:customise-shapes */}
      <OtpInput length={4} aria-label="PIN" />
      <OtpInput length={8} charset="alphanumeric" aria-label="Recovery code" />
      <OtpInput mask aria-label="Verification code" />
      {/* docs:end */}
    </>
  );
}

// docs:customise-shadcn
/** shadcn's InputOTPSlot, drawn by `render`: the same classes, no context or glue. */
function Slot({ char, placeholderChar, isActive, hasFakeCaret, isGroupStart, isGroupEnd }: SlotRenderProps) {
  return (
    <>
      <div
        data-active={isActive}
        className={[
          'relative flex h-9 w-9 items-center justify-center border-y border-r border-input text-sm shadow-sm',
          isGroupStart && 'rounded-l-md border-l',
          isGroupEnd && 'rounded-r-md',
          isActive && 'z-10 ring-1 ring-ring',
        ]
          .filter(Boolean)
          .join(' ')}
      >
        {char ?? <span className="text-muted-foreground">{placeholderChar}</span>}
        {hasFakeCaret && <div className="absolute h-4 w-px animate-caret-blink bg-foreground" />}
      </div>
      {isGroupEnd && <hr className="w-2 border-0" />}
    </>
  );
}

export const ShadcnStyleInput = () => (
  <OtpInput groups={[3, 3]} placeholder="○○○○○○" render={(slot) => <Slot key={slot.index} {...slot} />} />
);
// docs:end

export function TailwindInput() {
  return (
    // docs:customise-tailwind
    <OtpInput className="[--otpkit-accent:var(--color-pink-600)] [--otpkit-gap:0.25rem] text-pink-900" />
    // docs:end
  );
}

/** The app's own status line, in the drop-in's words. */
export function StatusLine() {
  // docs:customise-status
  const otp = useOtpVerification({ endpoint: '/api/otp' });
  return <p role="status">{statusMessage(en, otp)}</p>;
  // docs:end
}

// docs:customise-query-client
export const queryClient = new QueryClient({
  mutationCache: new MutationCache({
    onError: (error, _variables, _context, mutation) => {
      if (isOtpkitMutation(mutation)) return; // the kit shows its own errors
      console.warn(`Something failed: ${error.message}`); // e.g. your toast
    },
  }),
});
// docs:end
