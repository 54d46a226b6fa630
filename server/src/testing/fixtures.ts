import type { SessionUser } from '@valore/shared/schemas/auth';
import type { Role } from '@valore/shared/schemas/auth';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import { PRODUCT_CATALOGUE } from '@valore/shared/reference/products';
import { DISTRICTS, PROVINCE_NAMES } from '@valore/shared/reference/territory';
import type { Executor } from '../db/database';
import type { AppDeps } from '../deps';
import type { Context } from '../trpc/context';

/**
 * Small, reusable worlds for server tests over a migrated :memory: database (see createTestDeps).
 * Every helper returns the ids it created; times are relative to the `now` you pass, so tests can use a
 * MovableClock.
 */

/** Not a real argon2 hash: fixtures never sign in through auth.login. */
export const DUMMY_PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$fixture$fixture';

const MACRO_CODES: Record<string, string> = {
  'Nord Ovest': 'NO',
  'Nord Est': 'NE',
  'Centro Nord': 'CN',
  Centro: 'C',
  Sud: 'S',
  Sicilia: 'SI',
};

/** Districts of the reference table (default: Lazio North and South, both holding RM, plus Milan). */
export async function seedTerritory(
  db: Executor,
  districtCodes: readonly string[] | 'all' = ['RLN', 'RLS', 'LOC'],
): Promise<void> {
  const districts = districtCodes === 'all' ? DISTRICTS : DISTRICTS.filter((d) => districtCodes.includes(d.code));
  const macroAreas = [...new Set(districts.map((d) => d.macroArea))];
  const provinces = [...new Set(districts.flatMap((d) => d.provinces))];
  if (macroAreas.length > 0) {
    await db
      .insertInto('macro_areas')
      .values(macroAreas.map((name) => ({ code: MACRO_CODES[name] ?? name, name })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  if (provinces.length > 0) {
    await db
      .insertInto('provinces')
      .values(provinces.map((code) => ({ code, name: PROVINCE_NAMES[code] ?? code })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  for (const d of districts) {
    await db
      .insertInto('districts')
      .values({ code: d.code, name: d.name, macro_area_code: MACRO_CODES[d.macroArea] ?? d.macroArea })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await db
      .insertInto('district_provinces')
      .values(d.provinces.map((p) => ({ district_code: d.code, province_code: p })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** The whole demo catalogue (shared/src/reference/products.ts). */
export async function seedProducts(db: Executor): Promise<void> {
  await db
    .insertInto('products')
    .values(
      PRODUCT_CATALOGUE.map((p) => ({
        code: p.code,
        family: p.family,
        business_unit: p.businessUnit,
        name_it: p.name.it,
        name_en: p.name.en,
        funnel_url: p.funnelUrl,
        outcomes: JSON.stringify(p.outcomes),
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function createSite(
  db: Executor,
  s: { code: string; name?: string; city?: string; provinceCode: string },
): Promise<number> {
  const row = await db
    .insertInto('sites')
    .values({
      code: s.code,
      name: s.name ?? `Sede ${s.code}`,
      city: s.city ?? PROVINCE_NAMES[s.provinceCode] ?? s.provinceCode,
      province_code: s.provinceCode,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function createTeam(db: Executor, siteId: number, name = 'Team 1'): Promise<number> {
  const row = await db.insertInto('teams').values({ site_id: siteId, name }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export interface FixtureUser extends SessionUser {
  teamId: number | null;
}

export async function createUser(
  db: Executor,
  u: { username: string; role: Role; siteId: number | null; teamId?: number | null; displayName?: string; now?: Date },
): Promise<FixtureUser> {
  const at = (u.now ?? new Date()).toISOString();
  const displayName = u.displayName ?? u.username;
  const row = await db
    .insertInto('users')
    .values({
      username: u.username,
      display_name: displayName,
      role: u.role,
      site_id: u.siteId,
      team_id: u.teamId ?? null,
      password_hash: DUMMY_PASSWORD_HASH,
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (u.role === 'operator') {
    await db
      .insertInto('operator_status')
      .values({
        user_id: row.id,
        state: 'signed_out',
        reason: null,
        since: at,
        flow: null,
        step: null,
        step_since: null,
        interaction_client_id: null,
        customer_id: null,
        updated_at: at,
      })
      .execute();
  }
  return { id: row.id, username: u.username, displayName, role: u.role, siteId: u.siteId, teamId: u.teamId ?? null };
}

let taxCodeSeq = 0;

export async function createCustomer(
  db: Executor,
  c: {
    firstName?: string;
    lastName?: string;
    provinceCode: string;
    phone?: string;
    email?: string | null;
    /** Records a granted (true) or refused (false) marketing consent; undefined = none on file. */
    marketingConsent?: boolean;
    taxCode?: string;
    now?: Date;
  },
): Promise<number> {
  taxCodeSeq++;
  const at = (c.now ?? new Date()).toISOString();
  const row = await db
    .insertInto('customers')
    .values({
      first_name: c.firstName ?? 'Mario',
      last_name: c.lastName ?? 'Rossi',
      tax_code: c.taxCode ?? `FXTR${String(taxCodeSeq).padStart(12, '0')}`,
      phone: c.phone ?? `+39333${String(1_000_000 + taxCodeSeq).slice(-7)}`,
      email: c.email === undefined ? `cliente${taxCodeSeq}@example.it` : c.email,
      birth_date: '1980-05-17',
      city: PROVINCE_NAMES[c.provinceCode] ?? c.provinceCode,
      province_code: c.provinceCode,
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (c.marketingConsent !== undefined) {
    await db
      .insertInto('consents')
      .values({
        customer_id: row.id,
        purpose: 'marketing',
        channel: 'any',
        granted: c.marketingConsent ? 1 : 0,
        source: 'import',
        source_ref: null,
        recorded_at: at,
        recorded_by: null,
      })
      .execute();
  }
  return row.id;
}

export async function createPostOffice(
  db: Executor,
  o: { code: string; name: string; provinceCode: string; districtCode: string; address?: string; city?: string },
): Promise<number> {
  const row = await db
    .insertInto('post_offices')
    .values({
      code: o.code,
      name: o.name,
      address: o.address ?? 'Via Roma 1',
      city: o.city ?? PROVINCE_NAMES[o.provinceCode] ?? o.provinceCode,
      province_code: o.provinceCode,
      district_code: o.districtCode,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function createSlot(
  db: Executor,
  s: { postOfficeId: number; startsAt: Date | string; minutes?: number; capacity?: number; booked?: number },
): Promise<number> {
  const start = new Date(s.startsAt);
  const row = await db
    .insertInto('appointment_slots')
    .values({
      post_office_id: s.postOfficeId,
      starts_at: start.toISOString(),
      ends_at: new Date(start.getTime() + (s.minutes ?? 30) * 60_000).toISOString(),
      capacity: s.capacity ?? 1,
      booked: s.booked ?? 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface World {
  now: Date;
  sites: { roma: number; milano: number };
  teams: { roma: number };
  users: {
    operator: FixtureUser;
    /** An operator of the other site, for scope tests. */
    otherOperator: FixtureUser;
    tutor: FixtureUser;
    teamLead: FixtureUser;
    admin: FixtureUser;
  };
  customers: {
    /** RM, e-mail, marketing consent granted. */
    mario: number;
    /** VT, no e-mail, marketing consent granted. */
    giulia: number;
    /** LT, e-mail, marketing consent refused. */
    luca: number;
    /** MI, e-mail, no consent on file. */
    paola: number;
  };
  offices: {
    romaCentro: number;
    romaEur: number;
    viterbo: number;
    rieti: number;
    latina: number;
    frosinone: number;
    milano: number;
  };
  /** Each office has slots tomorrow at 09:30Z (capacity 2) and 10:00Z (capacity 1), plus one past slot at Roma Centro. */
  slots: { romaCentroTomorrow: number; romaCentroTomorrowSingle: number; romaCentroPast: number };
}

const HOUR = 3_600_000;

/** A minimal Lazio + Milan world: 2 sites, 5 users, 4 customers, 7 offices with slots. */
export async function createWorld(db: Executor, now: Date = new Date()): Promise<World> {
  await seedTerritory(db);
  await seedProducts(db);
  const roma = await createSite(db, { code: 'RM1', name: 'Roma Eur', provinceCode: 'RM' });
  const milano = await createSite(db, { code: 'MI1', name: 'Milano Bicocca', provinceCode: 'MI' });
  const teamRoma = await createTeam(db, roma, 'Roma — Team 1');
  const users = {
    operator: await createUser(db, {
      username: 'operatore1',
      displayName: 'Anna Bianchi',
      role: 'operator',
      siteId: roma,
      teamId: teamRoma,
      now,
    }),
    otherOperator: await createUser(db, {
      username: 'operatore2',
      displayName: 'Marco Neri',
      role: 'operator',
      siteId: milano,
      now,
    }),
    tutor: await createUser(db, { username: 'tutor1', displayName: 'Sara Verdi', role: 'tutor', siteId: roma, now }),
    teamLead: await createUser(db, {
      username: 'teamlead1',
      displayName: 'Luigi Conti',
      role: 'team_lead',
      siteId: roma,
      now,
    }),
    admin: await createUser(db, { username: 'admin', displayName: 'Amministratore', role: 'admin', siteId: null, now }),
  };
  const customers = {
    mario: await createCustomer(db, {
      firstName: 'Mario',
      lastName: 'Rossi',
      provinceCode: 'RM',
      email: 'mario.rossi@example.it',
      phone: '+393331112223',
      marketingConsent: true,
      now,
    }),
    giulia: await createCustomer(db, {
      firstName: 'Giulia',
      lastName: 'Esposito',
      provinceCode: 'VT',
      email: null,
      phone: '+393471234567',
      marketingConsent: true,
      now,
    }),
    luca: await createCustomer(db, {
      firstName: 'Luca',
      lastName: 'Ferrari',
      provinceCode: 'LT',
      email: 'luca.ferrari@example.it',
      phone: '+393209876543',
      marketingConsent: false,
      now,
    }),
    paola: await createCustomer(db, {
      firstName: 'Paola',
      lastName: 'Colombo',
      provinceCode: 'MI',
      email: 'paola.colombo@example.it',
      phone: '+393381239876',
      now,
    }),
  };
  const offices = {
    romaCentro: await createPostOffice(db, {
      code: 'UP00001',
      name: 'Roma Centro',
      address: 'Piazza di San Silvestro 19',
      provinceCode: 'RM',
      districtCode: 'RLN',
    }),
    romaEur: await createPostOffice(db, {
      code: 'UP00002',
      name: 'Roma Eur',
      address: 'Viale Europa 175',
      provinceCode: 'RM',
      districtCode: 'RLS',
    }),
    viterbo: await createPostOffice(db, {
      code: 'UP00003',
      name: 'Viterbo Centro',
      address: 'Via Ascenzi 7',
      provinceCode: 'VT',
      districtCode: 'RLN',
    }),
    rieti: await createPostOffice(db, {
      code: 'UP00004',
      name: 'Rieti Centro',
      address: 'Via Garibaldi 283',
      provinceCode: 'RI',
      districtCode: 'RLN',
    }),
    latina: await createPostOffice(db, {
      code: 'UP00005',
      name: 'Latina Centro',
      address: 'Piazza del Popolo 1',
      provinceCode: 'LT',
      districtCode: 'RLS',
    }),
    frosinone: await createPostOffice(db, {
      code: 'UP00006',
      name: 'Frosinone Centro',
      address: 'Via Marittima 10',
      provinceCode: 'FR',
      districtCode: 'RLS',
    }),
    milano: await createPostOffice(db, {
      code: 'UP00007',
      name: 'Milano Cordusio',
      address: 'Piazza Cordusio 1',
      provinceCode: 'MI',
      districtCode: 'LOC',
    }),
  };
  const tomorrow = new Date(Math.floor(now.getTime() / (24 * HOUR)) * 24 * HOUR + 24 * HOUR);
  const at = (h: number) => new Date(tomorrow.getTime() + h * HOUR);
  const slotIds: number[] = [];
  for (const officeId of Object.values(offices)) {
    slotIds.push(await createSlot(db, { postOfficeId: officeId, startsAt: at(9.5), capacity: 2 }));
    slotIds.push(await createSlot(db, { postOfficeId: officeId, startsAt: at(10), capacity: 1 }));
  }
  const romaCentroPast = await createSlot(db, {
    postOfficeId: offices.romaCentro,
    startsAt: new Date(now.getTime() - 2 * HOUR),
    capacity: 2,
  });
  return {
    now,
    sites: { roma, milano },
    teams: { roma: teamRoma },
    users,
    customers,
    offices,
    slots: { romaCentroTomorrow: slotIds[0] ?? 0, romaCentroTomorrowSingle: slotIds[1] ?? 0, romaCentroPast },
  };
}

/** A tRPC context for createCaller, as the signed-in `user` (no HTTP request behind it). */
/** A calling window open every hour of every day (Rome): campaigns whose calls a test does not want timed out. */
export const ALWAYS_OPEN = JSON.stringify({
  timeZone: 'Europe/Rome',
  days: Object.fromEntries(['0', '1', '2', '3', '4', '5', '6'].map((d) => [d, [['00:00', '24:00']]])),
  excludeNationalHolidays: false,
});

/**
 * An active LIBRETTO campaign of the world's Roma site, from `now`'s day to 2099, always open, its registry check done:
 * the campaign a claim test fills with contacts. Returns its id.
 */
export async function createActiveCampaign(
  db: Executor,
  world: World,
  now: Date,
  opts: { name?: string; maxAttempts?: number } = {},
): Promise<number> {
  const at = now.toISOString();
  const campaign = await db
    .insertInto('campaigns')
    .values({
      name: opts.name ?? 'Libretto',
      business_unit: 'Risparmio',
      product_code: 'LIBRETTO',
      starts_on: at.slice(0, 10),
      ends_on: '2099-12-31',
      calling_window: ALWAYS_OPEN,
      max_attempts: opts.maxAttempts ?? 3,
      retry_delay_minutes: 60,
      script_version: FLOW_VERSIONS.campaign,
      status: 'active',
      registry_checked_at: at,
      created_by: world.users.teamLead.id,
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('campaign_sites').values({ campaign_id: campaign.id, site_id: world.sites.roma }).execute();
  return campaign.id;
}

export function callerContext(deps: AppDeps, user: SessionUser | null, ip: string | null = '127.0.0.1'): Context {
  const session = user
    ? { id: user.id, username: user.username, displayName: user.displayName, role: user.role, siteId: user.siteId }
    : null;
  return { deps, req: null, res: null, user: session, sessionId: session ? `fixture-session-${session.id}` : null, ip };
}
