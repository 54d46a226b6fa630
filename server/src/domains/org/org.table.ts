import type { Generated } from 'kysely';

export interface SitesTable {
  id: Generated<number>;
  code: string;
  name: string;
  city: string;
  province_code: string;
  /** JSON ServiceCalendarSpec: the site's own service calendar; null: the centre's default */
  service_calendar: Generated<string | null>;
  /** push: Ready operators are offered work (work/offers.ts); pull: they ask for it (work.next) */
  dispatch_mode: Generated<'push' | 'pull'>;
  /** how long an operator may stay in after-call work before the console records and goes Ready; 0: no limit */
  wrap_up_seconds: Generated<number>;
}
export interface TeamsTable {
  id: Generated<number>;
  site_id: number;
  name: string;
}
