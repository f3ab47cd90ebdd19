import '@otpkit/react/styles.css';
import './globals.css';
import type { ReactNode } from 'react';

export const metadata = { title: 'otpkit on Next.js' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
