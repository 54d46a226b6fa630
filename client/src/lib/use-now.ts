import { useEffect, useState } from 'react';

/**
 * The current time, re-rendering every `intervalMs`, so countdowns, timers and which actions a row offers follow the
 * clock between the server's answers, without any traffic.
 */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
