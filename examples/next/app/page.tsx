import { VerifyDemo } from './verify-demo';

export default function Home() {
  return (
    <main>
      <h1>otpkit on Next.js (App Router)</h1>
      <p>
        The BFF is mounted at <code>/api/otp</code> by <code>app/api/otp/[...otp]/route.ts</code> with{' '}
        <code>toNextHandler</code>. The same handler on the Pages Router: <a href="/pages-router">/pages-router</a>.
      </p>
      <VerifyDemo endpoint="/api/otp" />
    </main>
  );
}
