import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/2026-11-26T0800-initial';
import * as secrets from './migrations/2026-11-26T0900-secrets';
import * as queues from './migrations/2026-11-26T1000-queues';
import * as intake from './migrations/2026-11-26T1010-intake';
import * as stats from './migrations/2026-11-26T1030-stats';
import * as statsMonthly from './migrations/2026-11-26T1040-stats-monthly';
import * as statsCursor from './migrations/2026-11-26T1050-stats-cursor';
import * as consentsLatest from './migrations/2026-11-26T1400-consents-latest';
import * as promises from './migrations/2026-12-02T1000-promises';
import * as outboxDelivery from './migrations/2026-12-02T1200-outbox-delivery';
import * as appointmentChanges from './migrations/2026-12-03T1000-appointment-changes';
import * as serverTime from './migrations/2026-12-03T1100-server-time';
import * as importLimits from './migrations/2026-12-03T1200-import-limits';
import * as retention from './migrations/2026-12-04T1200-retention';
import * as customerAccess from './migrations/2026-12-04T1500-customer-access';
import * as withdrawnPromises from './migrations/2026-12-05T1000-withdrawn-promises';
import * as accessGrantExpiry from './migrations/2026-12-05T1100-access-grant-expiry';
import * as administration from './migrations/2026-12-06T1000-administration';
import * as auditSearch from './migrations/2026-12-06T1100-audit-search';
import * as productAdmin from './migrations/2026-12-06T1200-product-admin';
import * as postOfficeAdmin from './migrations/2026-12-06T1300-post-office-admin';
import * as oidc from './migrations/2026-12-06T1400-oidc';
import * as messageTemplates from './migrations/2026-12-07T1000-message-templates';
import * as siteCalendars from './migrations/2026-12-07T1100-site-calendars';
import * as scriptVersions from './migrations/2026-12-07T1200-script-versions';
import * as scriptAssignments from './migrations/2026-12-07T1300-script-assignments';
import * as workOffers from './migrations/2026-12-08T1000-work-offers';
import * as ctiCommands from './migrations/2026-12-09T1000-cti-commands';
import * as queuedCoaching from './migrations/2026-12-10T1000-queued-coaching';
import * as wrapUp from './migrations/2026-12-10T1100-wrap-up';
import * as productGrammar from './migrations/2026-12-10T1200-product-grammar';
import * as rota from './migrations/2026-12-11T1000-rota';
import * as training from './migrations/2026-12-12T1000-training';
import * as practice from './migrations/2026-12-12T1100-practice';
import * as weekdayShifts from './migrations/2026-12-12T1200-weekday-shifts';
import * as districtCalendars from './migrations/2026-12-12T1300-district-calendars';
import * as readyOperators from './migrations/2026-12-13T1000-ready-operators';
import * as loginThrottle from './migrations/2026-12-14T1000-login-throttle';
import * as rateBuckets from './migrations/2026-12-14T1100-rate-buckets';
import * as boardChanges from './migrations/2026-12-15T1000-board-changes';

/** In-code provider: works under vitest and when bundled (a file provider cannot import .ts there). */
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-26T0800-initial': initial,
  '2026-11-26T0900-secrets': secrets,
  '2026-11-26T1000-queues': queues,
  '2026-11-26T1010-intake': intake,
  '2026-11-26T1030-stats': stats,
  '2026-11-26T1040-stats-monthly': statsMonthly,
  '2026-11-26T1050-stats-cursor': statsCursor,
  '2026-11-26T1400-consents-latest': consentsLatest,
  '2026-12-02T1000-promises': promises,
  '2026-12-02T1200-outbox-delivery': outboxDelivery,
  '2026-12-03T1000-appointment-changes': appointmentChanges,
  '2026-12-03T1100-server-time': serverTime,
  '2026-12-03T1200-import-limits': importLimits,
  '2026-12-04T1200-retention': retention,
  '2026-12-04T1500-customer-access': customerAccess,
  '2026-12-05T1000-withdrawn-promises': withdrawnPromises,
  '2026-12-05T1100-access-grant-expiry': accessGrantExpiry,
  '2026-12-06T1000-administration': administration,
  '2026-12-06T1100-audit-search': auditSearch,
  '2026-12-06T1200-product-admin': productAdmin,
  '2026-12-06T1300-post-office-admin': postOfficeAdmin,
  '2026-12-06T1400-oidc': oidc,
  '2026-12-07T1000-message-templates': messageTemplates,
  '2026-12-07T1100-site-calendars': siteCalendars,
  '2026-12-07T1200-script-versions': scriptVersions,
  '2026-12-07T1300-script-assignments': scriptAssignments,
  '2026-12-08T1000-work-offers': workOffers,
  '2026-12-09T1000-cti-commands': ctiCommands,
  '2026-12-10T1000-queued-coaching': queuedCoaching,
  '2026-12-10T1100-wrap-up': wrapUp,
  '2026-12-10T1200-product-grammar': productGrammar,
  '2026-12-11T1000-rota': rota,
  '2026-12-12T1000-training': training,
  '2026-12-12T1100-practice': practice,
  '2026-12-12T1200-weekday-shifts': weekdayShifts,
  '2026-12-12T1300-district-calendars': districtCalendars,
  '2026-12-13T1000-ready-operators': readyOperators,
  '2026-12-14T1000-login-throttle': loginThrottle,
  '2026-12-14T1100-rate-buckets': rateBuckets,
  '2026-12-15T1000-board-changes': boardChanges,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Every migration's name, oldest first (the order they apply in). */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS).sort();

/** One migration by name (its `up` and `down`), for tools and tests that step a database back. */
export function migrationNamed(name: string): Migration {
  const migration = MIGRATIONS[name];
  if (!migration) throw new Error(`no migration named ${name}`);
  return migration;
}

export function createMigrator<DB>(db: Kysely<DB>): Migrator {
  return new Migrator({ db, provider });
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  return runToLatest(createMigrator(db));
}

/** Applies every pending migration of a migrator (SQLite's or PostgreSQL's: db/postgres.ts). */
export async function runToLatest(migrator: Migrator): Promise<string[]> {
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const reason = error instanceof Error ? String(error) : JSON.stringify(error);
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${reason}`, { cause: error });
  }
  return (results ?? []).map((r) => r.migrationName);
}
