// docs:next-pages-router
// pages/api/otp/[...otp].ts (here at /api/otp-pages, beside the App Router route)
import { toNodeHandler } from '@otpkit/bff/node';
import { otp } from '@/lib/otp';

export default toNodeHandler(otp);
// docs:end
