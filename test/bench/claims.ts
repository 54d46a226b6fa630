// work.next in-process (the service, no HTTP) on a 1,000,000-contact campaign, beside a raw better-sqlite3 claim loop
// on the same file. Case "future at top": the top-priority queues (Call Me Now, scheduled callbacks) and a second
// campaign hold only rows that are not yet due, so a naive index walk would skip them on every claim.
import { randomUUID } from 'node:crypto';
import type SQLite from 'better-sqlite3';
import { openDatabase } from '@valore/server/db/client';
import { claimNextWorkItem } from '@valore/server/domains/work/work.service';
import {
  addCampaign,
  addContacts,
  addCustomers,
  addOperators,
  freshDatabase,
  num,
  openRaw,
  type BenchOptions,
  type Figure,
} from './lib';

const PHASE_MS = 5_000;

export interface ClaimsDatabase {
  file: string;
  campaignId: number;
  firstCustomer: number;
  contacts: number;
}

export async function buildClaimsDatabase(opts: BenchOptions): Promise<ClaimsDatabase> {
  const started = performance.now();
  const file = await freshDatabase(opts.workDir, 'claims');
  const raw = openRaw(file);
  raw.pragma('synchronous = OFF'); // set-up only
  const firstCustomer = addCustomers(raw, opts.contacts);
  const campaignId = addCampaign(raw, 'Bench 1M');
  addContacts(raw, campaignId, firstCustomer, opts.contacts);
  raw.exec('ANALYZE');
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
  opts.log(
    `  claims db: ${num(opts.contacts)} customers + contacts in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { file, campaignId, firstCustomer, contacts: opts.contacts };
}

interface FutureTop {
  callbackIds: string[];
  campaignId: number;
}

function addFutureTop(raw: SQLite.Database, firstCustomer: number, count: number): FutureTop {
  const at = new Date().toISOString();
  const callbackIds: string[] = [];
  const future = (i: number) => new Date(Date.now() + 86_400_000 + i * 1000).toISOString();
  const insert = raw.prepare(
    `INSERT INTO callback_requests (id, phone, customer_id, product_code, mode, channel, due_at, due_by, status, created_at, updated_at)
     VALUES (?, ?, ?, 'FIBRA', ?, 'web', ?, ?, 'pending', ?, ?)`,
  );
  raw.transaction(() => {
    for (let i = 0; i < count; i++) {
      const due = future(i);
      const id = randomUUID();
      callbackIds.push(id);
      insert.run(
        id,
        `+39399${String(firstCustomer + i).padStart(7, '0')}`,
        firstCustomer + i,
        i % 2 ? 'now' : 'scheduled',
        due,
        due,
        at,
        at,
      );
    }
  })();
  const other = addCampaign(raw, 'Bench future');
  addContacts(raw, other, firstCustomer, count, future);
  raw.exec('ANALYZE');
  return { callbackIds, campaignId: other };
}

/**
 * Takes the not-yet-due rows away again, so the sections after this one (work.next over HTTP, the mixed load) measure
 * the same plain campaign whether or not this section ran first.
 */
function removeFutureTop(raw: SQLite.Database, top: FutureTop): void {
  const removeCallback = raw.prepare('DELETE FROM callback_requests WHERE id = ?');
  raw.transaction(() => {
    for (const id of top.callbackIds) removeCallback.run(id);
    raw.prepare('DELETE FROM campaign_contacts WHERE campaign_id = ?').run(top.campaignId);
    raw.prepare('DELETE FROM campaign_sites WHERE campaign_id = ?').run(top.campaignId);
    raw.prepare('DELETE FROM campaigns WHERE id = ?').run(top.campaignId);
  })();
  raw.exec('ANALYZE');
  raw.pragma('wal_checkpoint(TRUNCATE)');
}

async function serviceLoop(
  file: string,
  operators: number[],
): Promise<{ rate: number; claims: number; nulls: number }> {
  const opened = openDatabase(file);
  let claims = 0;
  let nulls = 0;
  const end = performance.now() + PHASE_MS;
  const started = performance.now();
  for (const userId of operators) {
    if (performance.now() > end) break;
    const item = await claimNextWorkItem(opened.db, { userId, siteId: 1 }, new Date(), 5);
    if (item) claims++;
    else nulls++;
  }
  const rate = (claims + nulls) / ((performance.now() - started) / 1000);
  await opened.close();
  return { rate, claims, nulls };
}

/** The engine's limit: one UPDATE … RETURNING per claim (its own transaction), prepared, on the same file. */
function rawLoop(file: string, campaignId: number, owner: number): { rate: number; claims: number } {
  const raw = openRaw(file);
  const claim = raw.prepare(
    `UPDATE campaign_contacts SET status = 'claimed', lease_owner = ?, lease_expires_at = ?, updated_at = ?
     WHERE id = (SELECT id FROM campaign_contacts INDEXED BY campaign_contacts_queue
                 WHERE campaign_id = ? AND status = 'pending' AND due_at <= ? ORDER BY due_at LIMIT 1)
       AND status = 'pending' RETURNING id`,
  );
  let claims = 0;
  const started = performance.now();
  const end = started + PHASE_MS;
  while (performance.now() < end) {
    const now = new Date();
    const at = now.toISOString();
    if (claim.get(owner, new Date(now.getTime() + 300_000).toISOString(), at, campaignId, at)) claims++;
  }
  const rate = claims / ((performance.now() - started) / 1000);
  raw.close();
  return { rate, claims };
}

export async function benchClaims(opts: BenchOptions, db: ClaimsDatabase): Promise<Figure[]> {
  const raw = openRaw(db.file);
  const operators = addOperators(raw, 'claimer', 40_000);
  raw.close();
  const figures: Figure[] = [];
  const run = async (label: string, ops: number[]) => {
    const service = await serviceLoop(db.file, ops);
    const limit = rawLoop(db.file, db.campaignId, operators[0] ?? 1);
    opts.log(
      `  ${label}: service ${num(service.rate)}/s (${service.claims} claims, ${service.nulls} empty) · raw ${num(limit.rate)}/s`,
    );
    const ratio = service.rate / limit.rate;
    figures.push({
      section: 'claims',
      name: `work.next in-process, ${num(db.contacts)} contacts${label === 'normal' ? '' : ', only future rows at top priority'}`,
      value: service.rate,
      unit: 'claims/s',
      limitName: 'raw UPDATE…RETURNING loop',
      limitValue: limit.rate,
      ratio,
      target: '≥ 50% of raw',
      met: ratio >= 0.5 && service.nulls === 0,
      detail: service.nulls ? `${service.nulls} empty answers` : undefined,
    });
  };
  await run('normal', operators.slice(0, 20_000));
  const rawTop = openRaw(db.file);
  const top = addFutureTop(rawTop, db.firstCustomer, 200_000);
  rawTop.close();
  await run('future at top', operators.slice(20_000));
  const rawClean = openRaw(db.file);
  removeFutureTop(rawClean, top);
  rawClean.close();
  return figures;
}
