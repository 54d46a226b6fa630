import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMessage, INTERRUPTED_SUBMIT } from '@valore/server/domains/outbox/outbox.repository';
import { startTestSmsc, type TestSmsc } from '@valore/server/domains/outbox/test-smsc';
import { spawnServer, testDatabase, type ChildServer, type TestDatabase } from '../helpers/child-server';
import { TEST_ENGINE } from '../helpers/server';

/**
 * SMS are sent at most once, across a SIGKILL: the real server (its own process) sends through a real SMPP session
 * to an SMSC run by this test, which holds back its answer to the second submit; the server is killed while that
 * answer is outstanding and started again on the same database (a file, or a PostgreSQL database: TEST_ENGINE).
 * Nothing may reach the SMSC twice.
 */
let dir: string;
let database: TestDatabase;
let smsc: TestSmsc;
let server: ChildServer | null = null;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valore-sms-crash-'));
  database = await testDatabase(dir, { seeded: false });
  smsc = await startTestSmsc({ systemId: 'valore', password: 'secret' });
});
afterAll(async () => {
  await server?.kill();
  await smsc.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function enqueueSms(recipient: string, body: string): Promise<number> {
  return database.use((db) =>
    enqueueMessage(db, { channel: 'sms', recipient, subject: null, body, refType: null, refId: null }, new Date()),
  );
}

function outboxRows() {
  return database.use((db) =>
    db.selectFrom('outbox').select(['id', 'status', 'smsc_message_id', 'last_error']).orderBy('id').execute(),
  );
}

const start = () =>
  spawnServer({
    dbFile: database.dbFile,
    env: { ...database.env, VALORE_SMPP_URL: `smpp://valore:secret@127.0.0.1:${smsc.port}?from=Valore` },
  });

describe('SMS across a SIGKILL', () => {
  it('never submits a message twice: recorded ones stay sent, the one caught mid-submit becomes unknown', async () => {
    const a = await enqueueSms('+393331110001', 'Primo messaggio');
    const b = await enqueueSms('+393331110002', 'Secondo messaggio');
    let submits = 0;
    smsc.answer = () => (++submits === 1 ? { kind: 'accept' } : { kind: 'hold' });

    server = await start();
    await expect.poll(() => smsc.submitted.length, { timeout: 15_000 }).toBe(2);
    // B is at the SMSC and its answer is held back: the process dies now
    await server.kill('SIGKILL');
    expect(await outboxRows()).toEqual([
      { id: a, status: 'sent', smsc_message_id: 'smsc-1', last_error: null },
      { id: b, status: 'sending', smsc_message_id: null, last_error: null },
    ]);

    // a message queued while the server is down goes out after the restart; A and B do not go out again
    smsc.answer = () => ({ kind: 'accept' });
    const c = await enqueueSms('+393331110003', 'Terzo messaggio');
    server = await start();
    await expect.poll(() => smsc.submitted.length, { timeout: 15_000 }).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // one more worker round: room for a double send
    expect(smsc.submitted.map((s) => [s.destination, s.text])).toEqual([
      ['393331110001', 'Primo messaggio'],
      ['393331110002', 'Secondo messaggio'],
      ['393331110003', 'Terzo messaggio'],
    ]);
    expect(smsc.binds).toHaveLength(2);

    if (TEST_ENGINE === 'postgres') {
      // with several nodes on one database, a starting node cannot tell a dead node's submit from a live one's: B
      // stays as it was (not sent again) until its 5-minute sending lease is over. The lease ends here, and the next
      // node to start (or a running worker's minute round) settles it as unknown.
      expect((await outboxRows()).find((r) => r.id === b)).toMatchObject({ status: 'sending', last_error: null });
      await database.use((db) =>
        db
          .updateTable('outbox')
          .set({ next_attempt_at: new Date(Date.now() - 1_000).toISOString() })
          .where('id', '=', b)
          .execute(),
      );
      await server.kill();
      server = await start();
      await expect
        .poll(async () => (await outboxRows()).find((r) => r.id === b)?.status, { timeout: 15_000 })
        .toBe('unknown');
      expect(smsc.submitted).toHaveLength(3);
    }

    // A's id survived the crash: its receipt still lands on it, through the restarted server's session
    expect(await smsc.sendReceipt('smsc-1', 'DELIVRD')).toBe(0);
    expect(await outboxRows()).toEqual([
      { id: a, status: 'delivered', smsc_message_id: 'smsc-1', last_error: null },
      { id: b, status: 'unknown', smsc_message_id: null, last_error: INTERRUPTED_SUBMIT },
      { id: c, status: 'sent', smsc_message_id: 'smsc-3', last_error: null },
    ]);
  });
});
