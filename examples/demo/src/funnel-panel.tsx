import { useEffect, useState } from 'react';
import { type Funnel, fetchFunnel } from './demo-api.js';

const STEPS = [
  ['requested', 'Requested'],
  ['sent', 'Sent'],
  ['delivered', 'Delivered'],
  ['failed', 'Not delivered'],
  ['verified', 'Verified'],
] as const;

/**
 * The conversion funnel, live: the server counts the handler's lifecycle events (`onEvent`) and this panel polls
 * them. Delivered counts EngageLab's delivery callbacks, so it stays at 0 on the simulator.
 */
export function FunnelPanel() {
  const [funnel, setFunnel] = useState<Funnel | null>(null);

  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      const latest = await fetchFunnel().catch(() => null);
      if (!stopped && latest) setFunnel(latest);
    };
    void poll();
    const timer = setInterval(poll, 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  const top = Math.max(1, funnel?.requested ?? 0);
  const refused = Object.entries(funnel?.refused ?? {}).sort((a, b) => b[1] - a[1]);
  return (
    <aside className="inbox funnel" aria-labelledby="funnel-title" data-testid="funnel">
      <h2 id="funnel-title">
        <span className="badge">Events</span> funnel
      </h2>
      <ol className="funnel-steps">
        {STEPS.map(([key, label]) => {
          const value = funnel?.[key] ?? 0;
          return (
            <li key={key} data-step={key}>
              <span>{label}</span>
              <span className="funnel-bar" style={{ inlineSize: `${(value / top) * 100}%` }} aria-hidden="true" />
              <strong>{value}</strong>
            </li>
          );
        })}
      </ol>
      <h3>Refused</h3>
      {refused.length === 0 ? (
        <p className="inbox-empty">None yet.</p>
      ) : (
        <ul className="funnel-refused">
          {refused.map(([reason, count]) => (
            <li key={reason}>
              <code>{reason}</code> <strong>{count}</strong>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
