import { inbox } from '@/lib/otp';

// Read at request time: the inbox changes with every send.
export const dynamic = 'force-dynamic';

/** Simulator mode only: the codes the simulated EngageLab "sent". With real credentials this answers 404. */
export function GET(request: Request): Response {
  if (inbox === null) return Response.json({ error: { code: 'not_found', message: 'Not found.' } }, { status: 404 });
  const to = new URL(request.url).searchParams.get('to');
  const messages = to === null ? inbox : inbox.filter((m) => m.to === to);
  return Response.json({ messages }, { headers: { 'cache-control': 'no-store' } });
}
