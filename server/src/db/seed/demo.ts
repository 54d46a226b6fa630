import type SQLite from 'better-sqlite3';
import { PRODUCT_CATALOGUE } from '@valore/shared/reference/products';
import { DISTRICTS, MACRO_AREAS, PROVINCE_NAMES } from '@valore/shared/reference/territory';
import { DEFAULT_SCORECARD_DIMENSIONS } from '@valore/shared/reference/quality';
import { addDays, romeParts, romeToUtc, weekdayOf } from '@valore/shared/time/rome-time';
import { isItalianHoliday } from '@valore/shared/time/holidays';
import { hashPassword } from '../../domains/auth/password';
import { FEMALE_NAMES, MALE_NAMES, STREETS, SURNAMES } from './names';
import { Rng } from './rng';
import { taxCode } from './tax-code';
import { seedTraining } from './training';

export const DEMO_PASSWORD = 'demo';
export const DEMO_SEED = 20_230_201;

export interface DemoSeedOptions {
  customers?: number;
  now?: Date;
  /** Operators per site (4 × 11 sites = 44 by default). */
  operatorsPerSite?: number;
}

export interface DemoSeedSummary {
  sites: number;
  users: number;
  postOffices: number;
  slots: number;
  customers: number;
  logins: string[];
}

export const DEMO_SITES = [
  { code: 'RM1', name: 'Roma Eur', city: 'Roma', province: 'RM' },
  { code: 'MI1', name: 'Milano Bicocca', city: 'Milano', province: 'MI' },
  { code: 'NA1', name: 'Napoli Centro Direzionale', city: 'Napoli', province: 'NA' },
  { code: 'TO1', name: 'Torino Lingotto', city: 'Torino', province: 'TO' },
  { code: 'BO1', name: 'Bologna Fiera', city: 'Bologna', province: 'BO' },
  { code: 'FI1', name: 'Firenze Novoli', city: 'Firenze', province: 'FI' },
  { code: 'BA1', name: 'Bari Poggiofranco', city: 'Bari', province: 'BA' },
  { code: 'PA1', name: 'Palermo Notarbartolo', city: 'Palermo', province: 'PA' },
  { code: 'CT1', name: 'Catania Zona Industriale', city: 'Catania', province: 'CT' },
  { code: 'GE1', name: 'Genova Sampierdarena', city: 'Genova', province: 'GE' },
  { code: 'VE1', name: 'Venezia Mestre', city: 'Venezia', province: 'VE' },
] as const;

/** Fills an empty, migrated database with deterministic demo data. Uses raw statements: 50k customers in ~1 s. */
export async function seedDemo(sqlite: SQLite.Database, opts: DemoSeedOptions = {}): Promise<DemoSeedSummary> {
  const rng = new Rng(DEMO_SEED);
  const now = opts.now ?? new Date();
  const at = now.toISOString();
  const customerCount = opts.customers ?? 50_000;
  const operatorsPerSite = opts.operatorsPerSite ?? 4;

  // Hash before the transaction: argon2 runs off the main thread, the transaction must stay synchronous.
  const passwordHashes = await Promise.all(
    Array.from({ length: DEMO_SITES.length * (operatorsPerSite + 2) + 1 }, () => hashPassword(DEMO_PASSWORD)),
  );
  let hashIndex = 0;
  const nextHash = () => passwordHashes[hashIndex++] ?? '';

  // The parts draw from one seeded generator, so their order is part of the data: keep it.
  const run = sqlite.transaction(() => {
    seedTerritory(sqlite);
    seedCatalogue(sqlite);
    const logins = seedPeople(sqlite, rng, { operatorsPerSite, at, nextHash });
    const offices = seedPostOffices(sqlite, rng, now);
    seedCustomers(sqlite, rng, { count: customerCount, now, at });
    seedScorecardTemplate(sqlite, at);
    // its own generator: the parts above draw what they drew before the training was added
    seedTraining(sqlite, DEMO_SEED + 1);
    return { logins, ...offices };
  });
  const { logins, officeCount, slotCount } = run();
  return {
    sites: DEMO_SITES.length,
    users: logins.length,
    postOffices: officeCount,
    slots: slotCount,
    customers: customerCount,
    logins,
  };
}

/** Macro areas, provinces, districts and which provinces each district covers. */
function seedTerritory(sqlite: SQLite.Database): void {
  const macro = sqlite.prepare('INSERT INTO macro_areas (code, name) VALUES (?, ?)');
  for (const name of MACRO_AREAS) macro.run(macroCode(name), name);
  const province = sqlite.prepare('INSERT INTO provinces (code, name) VALUES (?, ?)');
  for (const [code, name] of Object.entries(PROVINCE_NAMES)) province.run(code, name);
  const district = sqlite.prepare('INSERT INTO districts (code, name, macro_area_code) VALUES (?, ?, ?)');
  const dp = sqlite.prepare('INSERT INTO district_provinces (district_code, province_code) VALUES (?, ?)');
  for (const d of DISTRICTS) {
    district.run(d.code, d.name, macroCode(d.macroArea));
    for (const p of d.provinces) dp.run(d.code, p);
  }
}

/** The product catalogue, with each product's value outcomes. */
function seedCatalogue(sqlite: SQLite.Database): void {
  const product = sqlite.prepare(
    `INSERT INTO products (code, family, business_unit, name_it, name_en, funnel_url, outcomes, gender_it, plural_it,
       article_it) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const p of PRODUCT_CATALOGUE) {
    const g = p.grammar;
    product.run(
      ...[p.code, p.family, p.businessUnit, p.name.it, p.name.en, p.funnelUrl, JSON.stringify(p.outcomes)],
      ...[g.gender, g.plural ? 1 : 0, g.article ?? null],
    );
  }
}

/**
 * Sites with two teams each, their operators (signed out), a tutor and a team lead per site, and the admin. Returns
 * the logins in the order they were created.
 */
function seedPeople(
  sqlite: SQLite.Database,
  rng: Rng,
  opts: { operatorsPerSite: number; at: string; nextHash: () => string },
): string[] {
  const { operatorsPerSite, at, nextHash } = opts;
  const site = sqlite.prepare('INSERT INTO sites (code, name, city, province_code) VALUES (?, ?, ?, ?)');
  const team = sqlite.prepare('INSERT INTO teams (site_id, name) VALUES (?, ?)');
  const user = sqlite.prepare(
    `INSERT INTO users (username, display_name, role, site_id, team_id, password_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const status = sqlite.prepare(
    `INSERT INTO operator_status (user_id, state, since, updated_at) VALUES (?, 'signed_out', ?, ?)`,
  );
  const logins: string[] = [];
  let operatorNo = 0;
  DEMO_SITES.forEach((s, index) => {
    const siteId = Number(site.run(s.code, s.name, s.city, s.province).lastInsertRowid);
    const teamIds = [1, 2].map((n) => Number(team.run(siteId, `${s.city} — Team ${n}`).lastInsertRowid));
    for (let i = 0; i < operatorsPerSite; i++) {
      operatorNo++;
      const female = rng.chance(0.6);
      const name = `${rng.pick(female ? FEMALE_NAMES : MALE_NAMES)} ${rng.pick(SURNAMES)}`;
      const id = user.run(
        `operatore${operatorNo}`,
        name,
        'operator',
        siteId,
        teamIds[i % 2],
        nextHash(),
        at,
      ).lastInsertRowid;
      status.run(id, at, at);
      logins.push(`operatore${operatorNo}`);
    }
    const n = index + 1;
    const tutorName = `${rng.pick(FEMALE_NAMES)} ${rng.pick(SURNAMES)}`;
    const leadName = `${rng.pick(MALE_NAMES)} ${rng.pick(SURNAMES)}`;
    user.run(`tutor${n}`, tutorName, 'tutor', siteId, null, nextHash(), at);
    user.run(`teamlead${n}`, leadName, 'team_lead', siteId, null, nextHash(), at);
    logins.push(`tutor${n}`, `teamlead${n}`);
  });
  user.run('admin', 'Amministratore di sistema', 'admin', null, null, nextHash(), at);
  logins.push('admin');
  return logins;
}

/** The next `count` working days after `today` (no weekends, no Italian holidays). */
function workingDaysAfter(today: string, count: number): string[] {
  const days: string[] = [];
  for (let i = 1; days.length < count; i++) {
    const date = addDays(today, i);
    const wd = weekdayOf(date);
    if (wd !== 0 && wd !== 6 && !isItalianHoliday(date)) days.push(date);
  }
  return days;
}

/** Consultation start times, minutes after midnight: 09:00–12:30 and 14:30–16:30 every 30 minutes. */
const SLOT_MINUTES = [540, 570, 600, 630, 660, 690, 720, 870, 900, 930, 960] as const;

/** Post offices: three per province and district (four in Rome, Milan, Naples), slots for the next four weeks. */
function seedPostOffices(sqlite: SQLite.Database, rng: Rng, now: Date): { officeCount: number; slotCount: number } {
  const office = sqlite.prepare(
    'INSERT INTO post_offices (code, name, address, city, province_code, district_code) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const slot = sqlite.prepare(
    'INSERT INTO appointment_slots (post_office_id, starts_at, ends_at, capacity) VALUES (?, ?, ?, ?)',
  );
  const days = workingDaysAfter(romeParts(now).date, 20);
  let officeNo = 0;
  let slotCount = 0;
  for (const d of DISTRICTS) {
    for (const prov of d.provinces) {
      const count = prov === 'RM' || prov === 'MI' || prov === 'NA' ? 4 : 3;
      for (let k = 0; k < count; k++) {
        officeNo++;
        const city = PROVINCE_NAMES[prov] ?? prov;
        const label =
          k === 0 ? 'Centro' : k === 1 ? rng.pick(['Stazione', 'Borgo', 'Duomo', 'Porta Nuova']) : `Succursale ${k}`;
        const officeId = Number(
          office.run(
            `UP${String(officeNo).padStart(5, '0')}`,
            `${city} ${label}`,
            `${rng.pick(STREETS)} ${rng.int(1, 180)}`,
            city,
            prov,
            d.code,
          ).lastInsertRowid,
        );
        for (const date of days) {
          for (const minutes of SLOT_MINUTES) {
            if (rng.chance(0.35)) continue; // not every slot is offered
            const start = romeToUtc(date, minutes);
            const end = new Date(start.getTime() + 30 * 60_000);
            slot.run(officeId, start.toISOString(), end.toISOString(), rng.chance(0.3) ? 2 : 1);
            slotCount++;
          }
        }
      }
    }
  }
  return { officeCount: officeNo, slotCount };
}

/**
 * Customers with holdings and consents; some without marketing consent, some on the opt-out registry (and the
 * registry import that brought them).
 */
function seedCustomers(sqlite: SQLite.Database, rng: Rng, opts: { count: number; now: Date; at: string }): void {
  const { now, at } = opts;
  const customer = sqlite.prepare(
    `INSERT INTO customers (first_name, last_name, tax_code, phone, email, birth_date, city, province_code, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const holding = sqlite.prepare('INSERT INTO customer_products (customer_id, product_code, since) VALUES (?, ?, ?)');
  const consent = sqlite.prepare(
    `INSERT INTO consents (customer_id, purpose, channel, granted, source, recorded_at) VALUES (?, ?, 'any', ?, ?, ?)`,
  );
  const registry = sqlite.prepare(
    'INSERT OR IGNORE INTO optout_registry (phone, registered_at, imported_at) VALUES (?, ?, ?)',
  );
  const taxCodes = new Set<string>();
  const productCodes = PRODUCT_CATALOGUE.map((p) => p.code);
  for (let i = 0; i < opts.count; i++) {
    const c = drawCustomer(rng, i, now, taxCodes);
    const id = Number(
      customer.run(
        c.firstName,
        c.lastName,
        c.code,
        c.phone,
        c.email,
        c.birthDate,
        PROVINCE_NAMES[c.prov] ?? c.prov,
        c.prov,
        c.created,
      ).lastInsertRowid,
    );
    const holdingsCount = rng.int(0, 3);
    const held = new Set<string>();
    for (let h = 0; h < holdingsCount; h++) held.add(rng.pick(productCodes));
    for (const p of held) holding.run(id, p, c.created);
    const marketing = rng.chance(0.75);
    consent.run(id, 'marketing', marketing ? 1 : 0, rng.pick(['web', 'app', 'branch']), c.created);
    consent.run(id, 'profiling', rng.chance(0.6) ? 1 : 0, rng.pick(['web', 'app', 'branch']), c.created);
    if (rng.chance(0.06)) registry.run(c.phone, c.created.slice(0, 10), at);
  }
  sqlite
    .prepare(
      'INSERT INTO registry_imports (imported_at, rows, imported_by) VALUES (?, (SELECT count(*) FROM optout_registry), NULL)',
    )
    .run(at);
}

const PROVINCES = Object.keys(PROVINCE_NAMES);

/** The `i`th customer's identity: a name, a tax code no one else has, a unique mobile number, a province. */
function drawCustomer(rng: Rng, i: number, now: Date, taxCodes: Set<string>) {
  const female = rng.chance(0.5);
  const firstName = rng.pick(female ? FEMALE_NAMES : MALE_NAMES);
  const lastName = rng.pick(SURNAMES);
  const birthDate = `${rng.int(1940, 2004)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
  let code: string;
  do {
    const municipality = String.fromCharCode(65 + rng.int(0, 12)) + String(rng.int(1, 999)).padStart(3, '0');
    code = taxCode({ firstName, lastName, birthDate, female, municipality });
  } while (taxCodes.has(code));
  taxCodes.add(code);
  // unique mobile numbers: +39 3xx then seven digits derived from the index
  const phone = `+393${rng.pick(['20', '28', '33', '35', '38', '40', '45', '47', '49', '66', '71', '89'])}${String(1_000_000 + i * 17).slice(-7)}`;
  const prov = i % 9 === 0 ? 'RM' : i % 13 === 0 ? 'MI' : rng.pick(PROVINCES);
  const email = rng.chance(0.8)
    ? `${firstName}.${lastName}${i % 100}@${rng.pick(['email.it', 'posta.it', 'mail.com', 'libero.it'])}`
        .toLowerCase()
        .replace(/[^a-z0-9.@]/g, '')
    : null;
  const created = new Date(now.getTime() - rng.int(30, 3650) * 86_400_000).toISOString();
  return { firstName, lastName, birthDate, code, phone, prov, email, created };
}

/** The scorecard template, from the source's quality dimensions. */
function seedScorecardTemplate(sqlite: SQLite.Database, at: string): void {
  sqlite
    .prepare('INSERT INTO scorecard_templates (name, dimensions, created_at, updated_at) VALUES (?, ?, ?, ?)')
    .run('Assistenza a Valore — standard', JSON.stringify(DEFAULT_SCORECARD_DIMENSIONS), at, at);
}

function macroCode(name: string): string {
  return name.toUpperCase().replace(/[^A-Z]/g, '');
}

/** True when the database has never been seeded. */
export function isEmpty(sqlite: SQLite.Database): boolean {
  const row = sqlite.prepare('SELECT count(*) AS n FROM users').get() as { n: number };
  return row.n === 0;
}
