import { otp } from '@/lib/otp';

/** The app's own server code: it trusts "verified" only through the signed proof from the BFF. */
export async function POST(request: Request): Promise<Response> {
  const body: unknown = await request.json().catch(() => null);
  const proof = typeof body === 'object' && body !== null && 'proof' in body ? body.proof : undefined;
  const claims = typeof proof === 'string' ? await otp.verifyProof(proof) : null;
  if (claims === null) return Response.json({ accepted: false }, { status: 401 });
  return Response.json({ accepted: true, verifiedAt: new Date(claims.verifiedAt).toISOString() });
}
