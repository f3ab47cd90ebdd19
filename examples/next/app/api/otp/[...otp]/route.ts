// docs:next-app-router
// app/api/otp/[...otp]/route.ts
import { toNextHandler } from '@otpkit/bff/next';
import { otp } from '@/lib/otp';

export const { POST } = toNextHandler(otp);
// docs:end
