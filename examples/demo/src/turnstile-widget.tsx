import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { DemoInfo } from './demo-api.js';

/** The part of Cloudflare's `window.turnstile` API the demo uses (developers.cloudflare.com/turnstile). */
interface TurnstileApi {
  render(element: HTMLElement, options: { sitekey: string; callback?: (token: string) => void }): string;
  getResponse(widgetId: string): string | undefined;
  reset(widgetId: string): void;
}
declare global {
  interface Window {
    turnstile?: TurnstileApi;
  }
}

/** What the test site keys make the real widget hand out (developers.cloudflare.com/turnstile/troubleshooting/testing). */
const DUMMY_TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';
const SCRIPT = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit';
// Loaded once for the page, however many widgets it renders.
let script: Promise<unknown> | undefined;
const loadScript = () =>
  (script ??= new Promise((onload, onerror) =>
    document.head.append(
      Object.assign(document.createElement('script'), { src: SCRIPT, async: true, onload, onerror }),
    ),
  ));

/**
 * A Turnstile widget and the `botToken` function for the kit: it hands over the current token and resets the widget,
 * because a token is single use (a resend needs a new one). With the server on its siteverify simulator, a simulated
 * widget stands in (the test site keys' dummy token, no network); otherwise Cloudflare's script renders the real one.
 */
export function useTurnstile(botCheck: DemoInfo['botCheck']): {
  widget: ReactNode;
  botToken: (() => string | undefined) | undefined;
} {
  const [solved, setSolved] = useState(false);
  const simulated = useRef<string | undefined>(undefined);
  const container = useRef<HTMLDivElement>(null);
  const widgetId = useRef<string | undefined>(undefined);
  const real = botCheck !== null && !botCheck.simulated;

  useEffect(() => {
    if (!real || !container.current) return;
    const element = container.current;
    loadScript().then(() => {
      widgetId.current ??= window.turnstile?.render(element, { sitekey: botCheck.sitekey });
    }, console.error);
  }, [real, botCheck]);

  if (botCheck === null) return { widget: null, botToken: undefined };
  if (real) {
    // docs:turnstile-token
    // The widget's token for one request, then a fresh challenge: a token is single use (resend needs a new one).
    const botToken = () => {
      const id = widgetId.current;
      if (id === undefined || !window.turnstile) return undefined;
      const token = window.turnstile.getResponse(id);
      window.turnstile.reset(id);
      return token;
    };
    // docs:end
    return { widget: <div ref={container} className="bot-check" data-sitekey={botCheck.sitekey} />, botToken };
  }
  const botToken = () => {
    const token = simulated.current;
    simulated.current = undefined;
    setSolved(false);
    return token;
  };
  const widget = (
    <div className="bot-check" data-sitekey={botCheck.sitekey}>
      <label>
        <input
          type="checkbox"
          checked={solved}
          onChange={(event) => {
            setSolved(event.target.checked);
            simulated.current = event.target.checked ? DUMMY_TOKEN : undefined;
          }}
        />{' '}
        Verify you are human
      </label>
      <small>Turnstile test site key {botCheck.sitekey} (simulated widget)</small>
    </div>
  );
  return { widget, botToken };
}
