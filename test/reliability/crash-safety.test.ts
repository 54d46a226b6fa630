import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRollupsWithRecount } from '@valore/server/domains/stats/stats.recount';
import { inboundSale } from '@valore/server/testing/completions';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import { createApiClient } from '../helpers/api-client';
import { spawnServer, testDatabase, type ChildServer, type TestDatabase } from '../helpers/child-server';
import { TEST_ENGINE } from '../helpers/server';
import { testSql } from '../helpers/sql';
import { buildServer } from '../../scripts/build-server.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Crash safety: the server is killed with SIGKILL at random moments during a write load (completions with
 * lead and appointment effects), restarted on the same database, and every acknowledged write must be there
 * exactly once, with the database intact. `npm test` runs 20 rounds; `npm run test:soak` runs 1,000.
 * On PostgreSQL (TEST_ENGINE) the server dies and the database server lives on: what a killed node must not leave
 * there is a half-done contact, a write acknowledged but not committed, or a session still holding its locks.
 */
const ROUNDS = Number(process.env.VALORE_CRASH_ROUNDS ?? 20);
/**
 * The same rounds with the writer thread (VALORE_WRITER=thread, server/src/db/writer.ts): a write is acknowledged once
 * COMMIT has returned in the writer, and SIGKILL takes both threads at once. SQLite's only: PostgreSQL has no writer
 * thread.
 */
const THREAD_ROUNDS = TEST_ENGINE === 'sqlite' ? Number(process.env.VALORE_CRASH_THREAD_ROUNDS ?? 8) : 0;
const WRITERS = 6;

let dir: string;
let database: TestDatabase;
let server: ChildServer | null = null;
let bundle: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-crash-'));
  database = await testDatabase(dir, { seeded: true });
  // the server as npm start runs it (the esbuild bundle): what ships is what gets killed, and a restart does not pay
  // for compiling TypeScript again, round after round
  bundle = await buildServer(path.join(ROOT, `server/dist/crash-test-${process.pid}.mjs`));
});
afterAll(async () => {
  await server?.kill();
  fs.rmSync(dir, { recursive: true, force: true });
  for (const f of [bundle, `${bundle}.map`]) if (f) fs.rmSync(f, { force: true });
});

interface Slot {
  id: number;
  postOfficeId: number;
}

function futureSlots(): Promise<Slot[]> {
  return database.use(async (db) =>
    (
      await testSql(db).all<Slot>(
        'SELECT id, post_office_id AS "postOfficeId" FROM appointment_slots WHERE starts_at > ? ORDER BY id LIMIT 300',
        new Date(Date.now() + 86_400_000).toISOString(),
      )
    ).filter((_, i) => i % 3 === 0),
  );
}

/** Customers who hold neither CONTO nor FIBRA, the products `contact` proposes (a held product is never proposed). */
function proposableCustomers(): Promise<number[]> {
  return database.use(async (db) =>
    (
      await testSql(db).all<{ id: number }>(
        `SELECT id FROM customers c WHERE id <= 1900 AND NOT EXISTS (SELECT 1 FROM customer_products p
           WHERE p.customer_id = c.id AND p.product_code IN ('CONTO', 'FIBRA')) ORDER BY id`,
      )
    ).map((r) => r.id),
  );
}

/**
 * PostgreSQL: no session of a killed server is left on the database (its connections end with the process, and with
 * them every transaction and lock they held); the last one may take a moment to notice. Only this check's own remains.
 */
async function expectNoSessionLeft(): Promise<void> {
  await database.use(async (db) => {
    const others = async () =>
      (
        await sql<{ n: number }>`SELECT count(*) AS n FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()`.execute(db)
      ).rows[0]?.n;
    await expect.poll(others, { timeout: 10_000 }).toBe(0);
  });
}

function contact(customerId: number, slot: Slot | null): CompleteInteractionInput {
  return inboundSale(customerId, slot ? { slotId: slot.id, postOfficeId: slot.postOfficeId } : 'lead', {
    startMs: Date.now() - 120_000,
    stepMs: 1000,
    handleMs: 4000,
    acwMs: 1000,
  });
}

describe('crash safety under SIGKILL', () => {
  it.each([
    ['inline', ROUNDS],
    // the writer thread is SQLite's (THREAD_ROUNDS is 0 on PostgreSQL)
    ...(THREAD_ROUNDS > 0 ? [['thread', THREAD_ROUNDS] as const] : []),
  ] as const)(
    'keeps every acknowledged write exactly once (writer %s) over %i kill/restart rounds',
    async (writerMode, rounds) => {
      const slots = await futureSlots();
      const customers = await proposableCustomers();
      const acknowledged = new Map<
        string,
        { interactionId: number; appointmentId: number | null; leadId: number | null }
      >();
      const unacknowledged: CompleteInteractionInput[] = [];
      let cookie: string | null = null;

      for (let round = 0; round < rounds; round++) {
        server = await spawnServer({
          dbFile: database.dbFile,
          bundle,
          // the log checkpointed by its thread every 20 ms (db/checkpointer.ts): kills land inside checkpoints too
          env: { ...database.env, VALORE_WRITER: writerMode, VALORE_CHECKPOINT_INTERVAL_MS: '20' },
        });
        const api = createApiClient(server.url);
        if (cookie) api.jar.set('valore_sid', cookie);
        else {
          await api.login('operatore1');
          cookie = api.jar.get('valore_sid') ?? null;
        }
        // whatever was in flight when the last process died is retried with the same id: exactly once either way
        for (const input of unacknowledged.splice(0)) {
          try {
            const result = await api.trpc.interactions.complete.mutate(input);
            acknowledged.set(input.clientId, {
              interactionId: result.interactionId,
              appointmentId: result.effects.appointment?.id ?? null,
              leadId: result.effects.lead?.id ?? null,
            });
          } catch {
            // a full slot: refused, and nothing was written
          }
        }
        let stop = false;
        // kill at a random moment once this round's load is flowing (a busy machine can take longer than the whole
        // random window to serve its first write after a restart, which made rounds without any write to lose)
        let flowing: () => void = () => undefined;
        const firstAck = new Promise<void>((resolve) => (flowing = resolve));
        const writer = async (w: number) => {
          let n = 0;
          while (!stop) {
            const slot = n++ % 2 === 0 ? (slots[(round * 31 + w * 7 + n) % slots.length] ?? null) : null;
            const input = contact(customers[(round * 97 + w * 13 + n) % customers.length] ?? 1, slot);
            try {
              const result = await api.trpc.interactions.complete.mutate(input);
              acknowledged.set(input.clientId, {
                interactionId: result.interactionId,
                appointmentId: result.effects.appointment?.id ?? null,
                leadId: result.effects.lead?.id ?? null,
              });
              flowing();
            } catch (error) {
              const code = (error as { data?: { domainCode?: string } }).data?.domainCode;
              if (code !== 'SLOT_FULL') unacknowledged.push(input); // the connection died under it
            }
          }
        };
        const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
        await Promise.race([firstAck, new Promise((r) => setTimeout(r, 30_000))]);
        await new Promise((r) => setTimeout(r, Math.random() * 320));
        await server.kill('SIGKILL');
        stop = true;
        await Promise.all(writers);
      }
      server = null;

      // SQLite: the file itself is intact after every kill (a PostgreSQL database outlives the killed server: no file
      // of its is written by the process that died; what it must not keep of that process is a session, below)
      if (TEST_ENGINE === 'sqlite') {
        const file = new SQLite(database.dbFile);
        try {
          expect(file.pragma('integrity_check', { simple: true })).toBe('ok');
        } finally {
          file.close();
        }
      } else await expectNoSessionLeft();
      await database.use(async (db) => {
        const q = testSql(db);
        const rows = await q.all<{ client_id: string; id: number }>('SELECT client_id, id FROM interactions');
        const byClient = new Map<string, number[]>();
        for (const r of rows) byClient.set(r.client_id, [...(byClient.get(r.client_id) ?? []), r.id]);
        for (const [clientId, ack] of acknowledged) {
          expect(byClient.get(clientId), `interaction ${clientId}`).toEqual([ack.interactionId]);
          if (ack.appointmentId) {
            expect(await q.get('SELECT interaction_id FROM appointments WHERE id = ?', ack.appointmentId)).toEqual({
              interaction_id: ack.interactionId,
            });
          }
          if (ack.leadId) {
            expect(await q.get('SELECT interaction_id FROM leads WHERE id = ?', ack.leadId)).toEqual({
              interaction_id: ack.interactionId,
            });
          }
        }
        // no effect without its interaction, no slot counter out of step with its appointments
        expect(
          await q.get(
            'SELECT count(*) AS n FROM appointments WHERE interaction_id NOT IN (SELECT id FROM interactions)',
          ),
        ).toEqual({ n: 0 });
        expect(
          await q.get(
            `SELECT count(*) AS n FROM appointment_slots s
               WHERE booked != (SELECT count(*) FROM appointments a
                                 WHERE a.slot_id = s.id AND a.status != 'cancelled')`,
          ),
        ).toEqual({ n: 0 });
        expect(await q.get("SELECT count(*) AS n FROM idempotency_keys WHERE scope = 'interactions.complete'")).toEqual(
          {
            n: rows.length,
          },
        );
        expect(acknowledged.size).toBeGreaterThan(rounds);
        console.log(
          `crash safety (${TEST_ENGINE}, writer ${writerMode}): ${rounds} rounds, ${acknowledged.size} acknowledged writes, ${rows.length} interactions, ${TEST_ENGINE === 'sqlite' ? 'integrity ok' : 'no session left'}`,
        );
        // the conversion rollups, caught up in batches behind their cursor while the server was being killed, agree
        // exactly with a full recount: no contact counted twice, none lost
        expect(await compareRollupsWithRecount(db)).toEqual([]);
      });
    },
    Math.max(600_000, ROUNDS * 10_000),
  ); // ~2 s a round; the soak's 1,000 rounds outlast the project's default timeout
});
