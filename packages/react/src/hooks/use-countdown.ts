'use client';
import { useEffect, useState } from 'react';

/**
 * Whole seconds left until `deadline` (epoch ms), re-rendering only the component that calls it, once a second.
 *
 * The value is recomputed from the deadline and `Date.now()` on every tick, never decremented: browsers throttle
 * timers in background tabs (Chrome to once a minute after 5 minutes hidden), so a decrementing counter would be
 * minutes behind when the tab comes back. For the same reason it re-syncs on `visibilitychange`. One timer per
 * countdown, aimed at the next whole-second boundary so the text changes on time instead of drifting.
 */
export function useCountdown(deadline: number | null | undefined): number {
  const left = () => Math.max(0, Math.ceil(((deadline ?? 0) - Date.now()) / 1000));
  // Only a trigger: the same second set again is skipped by React, so nothing re-renders between seconds.
  const [, setLeft] = useState(left);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `left` reads only `deadline`
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      clearTimeout(timer);
      const s = left();
      setLeft(s);
      if (s) timer = setTimeout(tick, ((deadline as number) - Date.now()) % 1000 || 1000);
    };
    tick();
    document.addEventListener('visibilitychange', tick);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [deadline]);

  return left();
}
