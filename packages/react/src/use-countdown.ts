import { useEffect, useState } from 'react';

const secondsUntil = (deadline: number | null | undefined): number =>
  deadline == null ? 0 : Math.max(0, Math.ceil((deadline - Date.now()) / 1000));

/**
 * Whole seconds left until `deadline` (epoch ms), re-rendering only the component that calls it, once a second.
 *
 * The value is recomputed from the deadline and `Date.now()` on every tick, never decremented: browsers throttle
 * timers in background tabs (Chrome to once a minute after 5 minutes hidden), so a decrementing counter would be
 * minutes behind when the tab comes back. For the same reason it re-syncs on `visibilitychange`. One timer per
 * countdown, aimed at the next whole-second boundary so the text changes on time instead of drifting.
 */
export function useCountdown(deadline: number | null | undefined): number {
  const [state, setState] = useState(() => ({ deadline, left: secondsUntil(deadline) }));

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      clearTimeout(timer);
      const left = secondsUntil(deadline);
      // Same deadline and same second: keep the old object so React skips the render.
      setState((prev) => (prev.deadline === deadline && prev.left === left ? prev : { deadline, left }));
      if (left > 0 && deadline != null) timer = setTimeout(tick, (deadline - Date.now()) % 1000 || 1000);
    };
    const onVisible = () => document.visibilityState === 'visible' && tick();
    tick();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [deadline]);

  // During the render right after the deadline prop changed, the effect has not run yet: compute directly.
  return state.deadline === deadline ? state.left : secondsUntil(deadline);
}
