// Where the process runs, read from what each platform documents in its environment: the memory store refuses to
// start where it cannot hold (each instance or isolate would keep its own verifications and limits).

type Env = Record<string, string | undefined>;

/** Serverless and edge platforms, by an environment variable each sets on every instance. */
const PLATFORMS: [variable: string, name: string][] = [
  ['VERCEL', 'Vercel'],
  ['NETLIFY', 'Netlify'],
  ['AWS_LAMBDA_FUNCTION_NAME', 'AWS Lambda'],
  ['K_SERVICE', 'Google Cloud Run / Functions'],
  ['FUNCTIONS_WORKER_RUNTIME', 'Azure Functions'],
  ['DENO_DEPLOYMENT_ID', 'Deno Deploy'],
  ['RENDER_INSTANCE_ID', 'Render'],
  ['FLY_ALLOC_ID', 'Fly.io'],
];

/**
 * Why a per-process store cannot hold here, or undefined when nothing says so. Edge runtimes (Cloudflare Workers,
 * Vercel Edge) are told apart by their globals, serverless platforms by their environment, and a production server
 * likely to run several processes by the process managers' own variables.
 */
export function multiInstanceReason(
  env: Env = (globalThis as { process?: { env?: Env } }).process?.env ?? {},
  globals: Record<string, unknown> = globalThis as Record<string, unknown>,
): string | undefined {
  // Deno without --allow-env for a variable throws on reading it (NotCapable): such a variable is not set for us.
  const read = (name: string): string | undefined => {
    try {
      return env[name];
    } catch {
      return undefined;
    }
  };
  const agent = (globals.navigator as { userAgent?: string } | undefined)?.userAgent;
  if (agent === 'Cloudflare-Workers') return 'Cloudflare Workers (one store per isolate)';
  if (typeof globals.EdgeRuntime === 'string') return 'an edge runtime (one store per isolate)';
  for (const [variable, name] of PLATFORMS) if (read(variable)) return `${name} (one store per instance)`;
  if (read('NODE_ENV') === 'production') {
    const workers = read('WEB_CONCURRENCY');
    if (Number(workers) > 1) return `WEB_CONCURRENCY=${workers} processes`;
    if (read('NODE_APP_INSTANCE') !== undefined || read('pm_id') !== undefined) return 'a pm2 cluster';
  }
  return undefined;
}
