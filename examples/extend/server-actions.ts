// The flow without HTTP, as a Next.js Server Action or a tRPC procedure would call it: `otp.api` takes the
// contract's request bodies, resolves its 200 bodies and throws OtpError for everything else.
import type { OtpHandler } from '@otpkit/bff';
// docs:otp-api
import { OtpError } from '@otpkit/bff';

export function otpActions(otp: OtpHandler, clientIp: () => string | undefined) {
  return {
    async sendCode(to: string) {
      try {
        const sent = await otp.api.send({ to }, { clientIp: clientIp() });
        return { ok: true as const, verificationId: sent.verificationId, expiresAt: sent.expiresAt };
      } catch (error) {
        if (error instanceof OtpError) return { ok: false as const, code: error.code, retryAfter: error.retryAfter };
        throw error;
      }
    },
    async checkCode(verificationId: string, code: string) {
      const result = await otp.api.verify({ verificationId, code });
      // A proof the app's own server checks, as after the HTTP route.
      return result.verified ? await otp.verifyProof(result.proof) : null;
    },
  };
}
// docs:end
