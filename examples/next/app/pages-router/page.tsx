import { VerifyDemo } from '../verify-demo';

export default function PagesRouterMount() {
  return (
    <main>
      <h1>otpkit on Next.js (Pages Router API route)</h1>
      <p>
        This flow talks to <code>/api/otp-pages</code>: <code>pages/api/otp-pages/[...otp].ts</code> with{' '}
        <code>toNodeHandler</code>, the same handler instance as the App Router route.
      </p>
      <VerifyDemo endpoint="/api/otp-pages" />
    </main>
  );
}
