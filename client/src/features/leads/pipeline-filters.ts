import { PIPELINE_STATUSES, type LeadPipelineInput, type PipelineStatus } from '@valore/shared/schemas/lead-pipeline';
import { addDays, romeParts, romeToUtc } from '@valore/shared/time/rome-time';

/**
 * The pipeline's filters as they live in the address bar (`/leads?status=won&product=FIBRA&created=30d`), so a
 * filtered view can be bookmarked, shared and restored with Back. Periods are kept as presets (or Rome calendar days
 * for a custom period) and turned into instants only when the query is made, against the clock of that moment.
 */

export const CREATED_PRESETS = ['any', 'today', '7d', '30d', '90d', 'older30', 'custom'] as const;
export type CreatedPreset = (typeof CREATED_PRESETS)[number];
export const FOLLOW_UP_PRESETS = ['any', 'overdue', 'today', 'next7d', 'later', 'custom'] as const;
export type FollowUpPreset = (typeof FOLLOW_UP_PRESETS)[number];

export const PAGE_SIZE = 50;
export const DEFAULT_STATUS: PipelineStatus = 'open';

export interface PipelineFilterState {
  status: PipelineStatus;
  product: string;
  owner: string;
  site: string;
  created: CreatedPreset;
  createdFrom: string;
  createdTo: string;
  followUp: FollowUpPreset;
  followUpFrom: string;
  followUpTo: string;
  offset: number;
}

export const NO_FILTERS: PipelineFilterState = {
  status: DEFAULT_STATUS,
  product: '',
  owner: '',
  site: '',
  created: 'any',
  createdFrom: '',
  createdTo: '',
  followUp: 'any',
  followUpFrom: '',
  followUpTo: '',
  offset: 0,
};

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const ID_RE = /^\d{1,15}$/;
const PRODUCT_RE = /^[A-Z0-9_]{1,32}$/;

function oneOf<T extends string>(list: readonly T[], value: string | null, fallback: T): T {
  return value !== null && (list as readonly string[]).includes(value) ? (value as T) : fallback;
}
const matching = (re: RegExp, value: string | null) => (value !== null && re.test(value) ? value : '');

/** Reads the filters from a query string; anything unreadable falls back to "no filter" rather than failing. */
export function parseFilters(search: string | Readonly<Record<string, string | undefined>>): PipelineFilterState {
  const q =
    typeof search === 'string'
      ? new URLSearchParams(search)
      : new URLSearchParams(Object.entries(search).filter((e): e is [string, string] => e[1] !== undefined));
  const offset = Number(q.get('offset'));
  return {
    status: oneOf(PIPELINE_STATUSES, q.get('status'), DEFAULT_STATUS),
    product: matching(PRODUCT_RE, q.get('product')),
    owner: matching(ID_RE, q.get('owner')),
    site: matching(ID_RE, q.get('site')),
    created: oneOf(CREATED_PRESETS, q.get('created'), 'any'),
    createdFrom: matching(DAY_RE, q.get('createdFrom')),
    createdTo: matching(DAY_RE, q.get('createdTo')),
    followUp: oneOf(FOLLOW_UP_PRESETS, q.get('followUp'), 'any'),
    followUpFrom: matching(DAY_RE, q.get('followUpFrom')),
    followUpTo: matching(DAY_RE, q.get('followUpTo')),
    offset: Number.isInteger(offset) && offset > 0 && offset % PAGE_SIZE === 0 ? offset : 0,
  };
}

/** The search params of a filter state: only what differs from the defaults, so a plain `/leads` stays plain. */
export function filtersToParams(f: PipelineFilterState): Record<string, string> {
  const q = new Map<string, string>();
  if (f.status !== DEFAULT_STATUS) q.set('status', f.status);
  if (f.product) q.set('product', f.product);
  if (f.owner) q.set('owner', f.owner);
  if (f.site) q.set('site', f.site);
  if (f.created !== 'any') q.set('created', f.created);
  if (f.created === 'custom') {
    if (f.createdFrom) q.set('createdFrom', f.createdFrom);
    if (f.createdTo) q.set('createdTo', f.createdTo);
  }
  if (f.followUp !== 'any') q.set('followUp', f.followUp);
  if (f.followUp === 'custom') {
    if (f.followUpFrom) q.set('followUpFrom', f.followUpFrom);
    if (f.followUpTo) q.set('followUpTo', f.followUpTo);
  }
  if (f.offset > 0) q.set('offset', String(f.offset));
  return Object.fromEntries(q);
}

/** The query string of a filter state (`?status=won&product=FIBRA`, or '' with no filter). */
export function filtersToSearch(f: PipelineFilterState): string {
  const s = new URLSearchParams(filtersToParams(f)).toString();
  return s ? `?${s}` : '';
}

type Range = { from?: string; to?: string };
const DAY_MS = 86_400_000;
const startOf = (day: string) => romeToUtc(day, 0).toISOString();

/** A custom period of Rome calendar days, both inclusive; an end before the start is read as that one day. */
function dayRange(first: string, last: string): Range {
  const range: Range = {};
  if (first) range.from = startOf(first);
  if (last) range.to = startOf(addDays(first && last < first ? first : last, 1));
  return range;
}

function createdRange(f: PipelineFilterState, now: Date, today: string): Range {
  switch (f.created) {
    case 'any':
      return {};
    case 'today':
      return { from: startOf(today) };
    case '7d':
    case '30d':
    case '90d':
      return { from: startOf(addDays(today, -Number.parseInt(f.created, 10) + 1)) };
    case 'older30':
      return { to: new Date(now.getTime() - 30 * DAY_MS).toISOString() };
    case 'custom':
      return dayRange(f.createdFrom, f.createdTo);
  }
}

function followUpRange(f: PipelineFilterState, now: Date, today: string): Range {
  switch (f.followUp) {
    case 'any':
      return {};
    case 'overdue':
      return { to: now.toISOString() };
    case 'today':
      return { from: startOf(today), to: startOf(addDays(today, 1)) };
    case 'next7d':
      return { from: startOf(today), to: startOf(addDays(today, 7)) };
    case 'later':
      return { from: startOf(addDays(today, 7)) };
    case 'custom':
      return dayRange(f.followUpFrom, f.followUpTo);
  }
}

export type PipelineQuery = Omit<LeadPipelineInput, 'limit' | 'offset'>;

/** The server query of a filter state at `now` (Rome calendar days for "today" and the presets). */
export function toQuery(f: PipelineFilterState, now: Date): PipelineQuery {
  const today = romeParts(now).date;
  const q: PipelineQuery = { status: f.status };
  if (f.product) q.productCode = f.product;
  if (f.owner) q.ownerId = Number(f.owner);
  if (f.site) q.siteId = Number(f.site);
  const created = createdRange(f, now, today);
  if (created.from) q.createdFrom = created.from;
  if (created.to) q.createdTo = created.to;
  const followUp = followUpRange(f, now, today);
  if (followUp.from) q.followUpFrom = followUp.from;
  if (followUp.to) q.followUpTo = followUp.to;
  return q;
}
