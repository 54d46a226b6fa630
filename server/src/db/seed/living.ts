import { randomUUID } from 'node:crypto';
import type SQLite from 'better-sqlite3';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import { DEFAULT_CALLING_WINDOW } from '@valore/shared/time/calling-window';
import { addDays, romeParts, romeToUtc } from '@valore/shared/time/rome-time';
import { Rng } from './rng';
import { generateHistory, type HistorySummary } from './stats-history';

/**
 * The demo as a living centre (`npm start` on an empty database, after seedDemo): 60 days of contacts of all four
 * flows with their appointments, links, leads and requests (stats-history.ts), two active campaigns with imported
 * lists, open Call Me Back / Call Me Now requests, and scorecards — so every role sees numbers and queues at once.
 * Everything is kept consistent with the rules the server keeps: a booked appointment holds a seat of a future slot
 * (and a slot's `booked` is the count of its live appointments), campaign contacts have marketing consent and are
 * not on the opt-out registry.
 */

export interface LivingSummary {
  history: HistorySummary;
  campaigns: number;
  campaignContacts: number;
  openRequests: number;
  scorecards: number;
}

const LIVING_SEED = 31_415;

export function seedLivingCentre(
  sqlite: SQLite.Database,
  opts: { now: Date; interactions?: number; contactsPerCampaign?: number },
): LivingSummary {
  const now = opts.now;
  const history = generateHistory(sqlite, {
    interactions: opts.interactions ?? 20_000,
    days: 60,
    includeToday: true,
    now,
    seed: LIVING_SEED,
  });
  const rng = new Rng(LIVING_SEED);
  return sqlite.transaction(() => {
    settleAppointments(sqlite, rng, now);
    spreadFollowUps(sqlite, rng, now);
    const campaign = activeCampaigns(sqlite, rng, now, opts.contactsPerCampaign ?? 400);
    const openRequests = openCallbackRequests(sqlite, rng, now);
    const scorecards = recentScorecards(sqlite, rng, now);
    signedOutBoard(sqlite, now);
    return { history, ...campaign, openRequests, scorecards };
  })();
}

/**
 * The history draws any slot for an appointment; here each one gets a slot that fits what it says: a booked one a
 * seat in a future slot of its office (cancelled when the office has none left), a past one (attended, no-show,
 * cancelled) a slot of its own a few days after the contact. Then every slot's `booked` is its live appointments.
 */
function settleAppointments(sqlite: SQLite.Database, rng: Rng, now: Date): void {
  const at = now.toISOString();
  const appointments = sqlite
    .prepare(
      `SELECT a.id, a.post_office_id AS officeId, a.status, a.created_at AS createdAt FROM appointments a ORDER BY a.id`,
    )
    .all() as { id: number; officeId: number; status: string; createdAt: string }[];
  const freeSlot = sqlite.prepare(
    `SELECT id FROM appointment_slots WHERE post_office_id = ? AND starts_at > ? AND booked < capacity
       AND closed_at IS NULL ORDER BY starts_at LIMIT 1 OFFSET ?`,
  );
  const take = sqlite.prepare('UPDATE appointment_slots SET booked = booked + 1 WHERE id = ? AND booked < capacity');
  const move = sqlite.prepare('UPDATE appointments SET slot_id = ? WHERE id = ?');
  const cancel = sqlite.prepare("UPDATE appointments SET status = 'cancelled', updated_at = ? WHERE id = ?");
  const pastSlot = sqlite.prepare(
    `INSERT INTO appointment_slots (post_office_id, starts_at, ends_at, capacity, booked) VALUES (?, ?, ?, 1, ?)
     ON CONFLICT (post_office_id, starts_at) DO NOTHING RETURNING id`,
  );
  const earliest = new Date(now.getTime() + 2 * 3_600_000).toISOString();
  for (const a of appointments) {
    if (a.status === 'booked') {
      const slot = freeSlot.get(a.officeId, earliest, rng.int(0, 12)) as { id: number } | undefined;
      if (slot && take.run(slot.id).changes === 1) move.run(slot.id, a.id);
      else cancel.run(at, a.id);
      continue;
    }
    // a past appointment: a morning slot 1–6 days after the contact, before today
    const contactDay = romeParts(new Date(a.createdAt)).date;
    const day = addDays(contactDay, rng.int(1, 6));
    const start = romeToUtc(day, 9 * 60 + 30 * rng.int(0, 14));
    if (start.getTime() >= now.getTime() - 3_600_000) {
      cancel.run(at, a.id);
      continue;
    }
    const end = new Date(start.getTime() + 30 * 60_000);
    const row = pastSlot.get(a.officeId, start.toISOString(), end.toISOString(), a.status === 'cancelled' ? 0 : 1) as
      { id: number } | undefined;
    if (row) move.run(row.id, a.id);
    else cancel.run(at, a.id);
  }
  // the one rule: a slot's booked seats are its appointments still holding one
  sqlite.exec(`UPDATE appointment_slots SET booked = min(capacity, (SELECT count(*) FROM appointments a
    WHERE a.slot_id = appointment_slots.id AND a.status != 'cancelled'))`);
}

/** Two active campaigns for every site, each with an imported list of customers who may be called. */
function activeCampaigns(
  sqlite: SQLite.Database,
  rng: Rng,
  now: Date,
  perCampaign: number,
): { campaigns: number; campaignContacts: number } {
  const at = now.toISOString();
  const today = romeParts(now).date;
  const admin = sqlite.prepare("SELECT id FROM users WHERE role = 'admin' ORDER BY id LIMIT 1").get() as
    { id: number } | undefined;
  const sites = sqlite.prepare('SELECT id FROM sites ORDER BY id').all() as { id: number }[];
  // customers whose latest marketing consent (any channel or phone) is a yes, and not on the opt-out registry
  const callable = sqlite
    .prepare(
      `SELECT c.id, c.phone FROM customers c
       WHERE (SELECT granted FROM consents WHERE customer_id = c.id AND purpose = 'marketing' AND channel IN ('any','phone')
              ORDER BY recorded_at DESC, id DESC LIMIT 1) = 1
         AND NOT EXISTS (SELECT 1 FROM optout_registry r WHERE r.phone = c.phone)
         AND NOT EXISTS (SELECT 1 FROM campaign_contacts cc WHERE cc.customer_id = c.id)
       ORDER BY c.id LIMIT ?`,
    )
    .all(perCampaign * 2) as { id: number; phone: string }[];
  const insertCampaign = sqlite.prepare(
    `INSERT INTO campaigns (name, business_unit, product_code, starts_on, ends_on, calling_window, max_attempts,
       retry_delay_minutes, script_version, status, registry_checked_at, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 3, 240, ?, 'active', ?, ?, ?) RETURNING id`,
  );
  const insertSite = sqlite.prepare('INSERT INTO campaign_sites (campaign_id, site_id) VALUES (?, ?)');
  const insertContact = sqlite.prepare(
    `INSERT OR IGNORE INTO campaign_contacts (campaign_id, customer_id, phone, status, attempts, due_at, updated_at)
     VALUES (?, ?, ?, 'pending', 0, ?, ?)`,
  );
  const insertImport = sqlite.prepare(
    `INSERT INTO campaign_imports (campaign_id, status, customer_id_column, phone_column, total, imported, duplicates,
       rejected, created_by, created_at, finished_at) VALUES (?, 'done', 'customer_id', NULL, ?, ?, 0, 0, ?, ?, ?)`,
  );
  const plans = [
    { name: 'Conto BancoPosta — inverno', bu: 'Banking', product: 'CONTO' },
    { name: 'Libretto Smart — risparmio', bu: 'Risparmio', product: 'LIBRETTO' },
  ];
  const registryAt = new Date(now.getTime() - 2 * 86_400_000).toISOString();
  let contacts = 0;
  for (const [i, plan] of plans.entries()) {
    const product = sqlite.prepare('SELECT code FROM products WHERE code = ? AND active = 1').get(plan.product) as
      { code: string } | undefined;
    if (!product) continue;
    const { id } = insertCampaign.get(
      plan.name,
      plan.bu,
      product.code,
      addDays(today, -7),
      addDays(today, 45),
      JSON.stringify(DEFAULT_CALLING_WINDOW),
      FLOW_VERSIONS.campaign,
      registryAt,
      admin?.id ?? null,
      new Date(now.getTime() - 8 * 86_400_000).toISOString(),
    ) as { id: number };
    for (const site of sites) insertSite.run(id, site.id);
    const list = callable.slice(i * perCampaign, (i + 1) * perCampaign);
    for (const c of list) {
      // most due now, some later today or in the next days (a retry after an earlier attempt)
      const due = rng.chance(0.8) ? at : new Date(now.getTime() + rng.int(1, 72) * 3_600_000).toISOString();
      contacts += insertContact.run(id, c.id, c.phone, due, at).changes;
    }
    const importedAt = new Date(now.getTime() - 7 * 86_400_000).toISOString();
    insertImport.run(id, list.length, list.length, admin?.id ?? null, importedAt, importedAt);
  }
  return { campaigns: plans.length, campaignContacts: contacts };
}

/** Call Me Now requests waiting now, and Call Me Back requests booked for the coming hours and days. */
function openCallbackRequests(sqlite: SQLite.Database, rng: Rng, now: Date): number {
  const at = now.toISOString();
  const customers = sqlite.prepare('SELECT id, phone FROM customers ORDER BY id DESC LIMIT 200').all() as {
    id: number;
    phone: string;
  }[];
  const products = (
    sqlite.prepare('SELECT code FROM products WHERE active = 1 ORDER BY code').all() as {
      code: string;
    }[]
  ).map((p) => p.code);
  const insert = sqlite.prepare(
    `INSERT INTO callback_requests (id, phone, customer_id, product_code, mode, channel, preferred_at, due_at, due_by,
       status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
  );
  let n = 0;
  for (let i = 0; i < 12; i++) {
    const c = rng.pick(customers);
    const created = new Date(now.getTime() - rng.int(1, 20) * 60_000);
    insert.run(
      randomUUID(),
      c.phone,
      rng.chance(0.7) ? c.id : null,
      rng.pick(products),
      'now',
      rng.chance(0.6) ? 'web' : 'app',
      null,
      created.toISOString(),
      new Date(created.getTime() + 30 * 60_000).toISOString(),
      created.toISOString(),
      at,
    );
    n++;
  }
  for (let i = 0; i < 24; i++) {
    const c = rng.pick(customers);
    const today = romeParts(now).date;
    const day = addDays(today, rng.int(0, 3));
    const preferred = romeToUtc(day, 9 * 60 + 30 * rng.int(0, 20));
    const due = preferred.getTime() < now.getTime() ? now : preferred;
    insert.run(
      randomUUID(),
      c.phone,
      c.id,
      rng.pick(products),
      'scheduled',
      rng.chance(0.5) ? 'web' : 'app',
      preferred.toISOString(),
      due.toISOString(),
      new Date(due.getTime() + 15 * 60_000).toISOString(),
      new Date(now.getTime() - rng.int(1, 48) * 3_600_000).toISOString(),
      at,
    );
    n++;
  }
  return n;
}

/** Tutors' scorecards on recent contacts of their site: some released to the operator, some acknowledged. */
function recentScorecards(sqlite: SQLite.Database, rng: Rng, now: Date): number {
  const template = sqlite.prepare('SELECT id, dimensions FROM scorecard_templates ORDER BY id LIMIT 1').get() as
    { id: number; dimensions: string } | undefined;
  if (!template) return 0;
  const keys = (JSON.parse(template.dimensions) as { key: string }[]).map((d) => d.key);
  const since = new Date(now.getTime() - 10 * 86_400_000).toISOString();
  const contacts = sqlite
    .prepare(
      `SELECT i.id, i.operator_id AS operatorId, i.ended_at AS endedAt,
              (SELECT u.id FROM users u WHERE u.role = 'tutor' AND u.site_id = i.site_id ORDER BY u.id LIMIT 1) AS tutorId
       FROM interactions i WHERE i.ended_at >= ? AND i.reached = 1 ORDER BY i.id DESC LIMIT 300`,
    )
    .all(since) as { id: number; operatorId: number; endedAt: string; tutorId: number | null }[];
  const insert = sqlite.prepare(
    `INSERT OR IGNORE INTO scorecards (interaction_id, template_id, tutor_id, operator_id, scores, critical_error,
       comments, status, created_at, released_at, acknowledged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const comments = [
    'Ascolto attivo ottimo; chiusura da rafforzare.',
    'Buona proposta, manca il riepilogo finale.',
    'Obiezione sul costo gestita bene.',
    null,
  ];
  let n = 0;
  for (const c of contacts.filter((_, i) => i % 3 === 0)) {
    if (c.tutorId === null) continue;
    const scores = Object.fromEntries(keys.map((k) => [k, rng.int(2, 5)]));
    const created = new Date(Date.parse(c.endedAt) + rng.int(1, 24) * 3_600_000);
    if (created.getTime() > now.getTime()) continue;
    const status = rng.chance(0.2) ? 'draft' : rng.chance(0.5) ? 'released' : 'acknowledged';
    n += insert.run(
      c.id,
      template.id,
      c.tutorId,
      c.operatorId,
      JSON.stringify(scores),
      rng.chance(0.05) ? 1 : 0,
      rng.pick(comments),
      status,
      created.toISOString(),
      status === 'draft' ? null : created.toISOString(),
      status === 'acknowledged' ? new Date(created.getTime() + 3_600_000).toISOString() : null,
    ).changes;
  }
  return n;
}

/**
 * Every operator on their site's board from the start, signed out since their last contact (nobody is signed in on a
 * fresh start; a sign-in makes them ready as always).
 */
function signedOutBoard(sqlite: SQLite.Database, now: Date): void {
  sqlite
    .prepare(
      `INSERT OR IGNORE INTO operator_status (user_id, state, since, updated_at)
       SELECT u.id, 'signed_out', coalesce((SELECT max(ended_at) FROM interactions i WHERE i.operator_id = u.id), ?), ?
       FROM users u WHERE u.role = 'operator' AND u.active = 1`,
    )
    .run(now.toISOString(), now.toISOString());
}

/**
 * The history's open leads were followed up on time in a working centre: most follow-ups are due in the coming days
 * (09:00–18:00 on a working day), a few are due now or a little late — not hundreds of breached promises on the board.
 */
function spreadFollowUps(sqlite: SQLite.Database, rng: Rng, now: Date): void {
  const open = sqlite.prepare("SELECT id FROM leads WHERE status = 'open' ORDER BY id").all() as { id: number }[];
  const set = sqlite.prepare('UPDATE leads SET follow_up_at = ? WHERE id = ?');
  const today = romeParts(now).date;
  for (const lead of open) {
    let due: Date;
    if (rng.chance(0.08)) {
      due = new Date(now.getTime() - rng.int(5, 90) * 60_000);
    } else {
      let day = addDays(today, rng.int(1, 10));
      while ([0, 6].includes(new Date(`${day}T12:00:00Z`).getUTCDay())) day = addDays(day, 1);
      due = romeToUtc(day, 9 * 60 + 30 * rng.int(0, 18));
    }
    set.run(due.toISOString(), lead.id);
  }
}
