import { REGISTRY_MAX_AGE_DAYS } from '@valore/shared/schemas/campaigns';
import { callingWindowSchema } from '@valore/shared/schemas/campaigns';
import {
  DEFAULT_CALLING_WINDOW,
  isInsideCallingWindow,
  localDateIn,
  type CallingWindow,
} from '@valore/shared/time/calling-window';

const parsedWindows = new Map<string, CallingWindow>();

/**
 * A stored calling window; a row that no longer parses falls back to the strict legal default. Parsed windows are
 * memoised by their JSON text: the queue checks every active campaign on each claim.
 */
export function parseCallingWindow(json: string): CallingWindow {
  const cached = parsedWindows.get(json);
  if (cached) return cached;
  let window = DEFAULT_CALLING_WINDOW;
  try {
    const parsed = callingWindowSchema.safeParse(JSON.parse(json));
    if (parsed.success) window = parsed.data;
  } catch {
    window = DEFAULT_CALLING_WINDOW;
  }
  if (parsedWindows.size >= 1000) parsedWindows.clear();
  parsedWindows.set(json, window);
  return window;
}

export function registryIsStale(registryCheckedAt: string | null, now: Date): boolean {
  return (
    registryCheckedAt === null || Date.parse(registryCheckedAt) < now.getTime() - REGISTRY_MAX_AGE_DAYS * 86_400_000
  );
}

export interface DialableCampaignRow {
  id: number;
  name: string;
  starts_on: string;
  ends_on: string;
  calling_window: string;
  registry_checked_at: string | null;
}

/** May this active campaign place a call now: within its period, inside its calling window, registry check fresh. */
export function campaignMayDialNow(c: DialableCampaignRow, now: Date): boolean {
  if (registryIsStale(c.registry_checked_at, now)) return false;
  const window = parseCallingWindow(c.calling_window);
  const today = localDateIn(window.timeZone, now);
  if (today < c.starts_on || today > c.ends_on) return false;
  return isInsideCallingWindow(window, now);
}
