import { useEffect, useState } from 'react';
import { fetchInbox, type InboxMessage } from './demo-api.js';

/**
 * What the simulated EngageLab "delivered": the phone the demo user does not need. Rendered only in simulator
 * mode; with real credentials the codes go to real phones and the server has no inbox route.
 */
export function SimulatorInbox() {
  const [messages, setMessages] = useState<InboxMessage[]>([]);

  useEffect(() => {
    let stopped = false;
    // Polling (1 s) rather than server-sent events: simpler, and it survives a server restart without code.
    const poll = async () => {
      const latest = await fetchInbox().catch(() => null);
      if (!stopped && latest) setMessages(latest);
    };
    void poll();
    const timer = setInterval(poll, 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  return (
    <aside className="inbox" aria-labelledby="inbox-title" data-testid="simulator-inbox">
      <h2 id="inbox-title">
        <span className="badge">Simulator</span> inbox
      </h2>
      <p className="inbox-note">
        No provider credentials are set, so the built-in EngageLab simulator "sends" the codes: they appear here and in
        the server's terminal. Set <code>ENGAGELAB_DEV_KEY</code>, <code>ENGAGELAB_DEV_SECRET</code> and{' '}
        <code>ENGAGELAB_TEMPLATE_ID</code> to send real SMS; this panel then disappears.
      </p>
      {messages.length === 0 ? (
        <p className="inbox-empty">No messages yet.</p>
      ) : (
        <ol className="inbox-list">
          {messages
            .slice()
            .reverse()
            .map((message) => (
              <li key={`${message.sentAt}-${message.to}-${message.code}`} data-to={message.to}>
                <span className="inbox-to">{message.to}</span>
                <code className="inbox-code">{message.code}</code>
                <time dateTime={message.sentAt}>{new Date(message.sentAt).toLocaleTimeString()}</time>
              </li>
            ))}
        </ol>
      )}
    </aside>
  );
}
