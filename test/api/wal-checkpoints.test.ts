import { afterEach, describe, expect, it } from 'vitest';
import { inboundSale } from '@valore/server/testing/completions';
import { createApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Who checkpoints the server's SQLite log (server/src/db/checkpointer.ts, issue 15): by default a thread of its own,
 * so no request's COMMIT copies the log back and waits for the database file's fsync on the event loop; with
 * VALORE_CHECKPOINTS=inline, SQLite's own way. The server's real writes (a sign-in, a completion) go to the log and
 * the thread copies them back.
 */
let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const autocheckpoint = (s: TestServer) => s.database.sqlite.pragma('wal_autocheckpoint', { simple: true });

describe('WAL checkpoints of the server', () => {
  it('by default leaves them to their thread: no COMMIT of the event loop checkpoints, the thread copies the writes back', async () => {
    server = await startTestServer({ env: { VALORE_CHECKPOINT_INTERVAL_MS: '60000' } });
    expect(server.database.checkpointer).not.toBeNull();
    expect(autocheckpoint(server)).toBe(0);

    const operator = createApiClient(server.url);
    await operator.login('operatore1');
    const timing = { startMs: Date.now() - 120_000, stepMs: 1000, handleMs: 4000, acwMs: 1000 };
    const done = await operator.trpc.interactions.complete.mutate(inboundSale(301, 'lead', timing));
    expect(done.outcome).toBe('lead');

    const checkpoint = await server.database.checkpointer?.checkpointNow();
    // the sign-in and the completion were in the log, and the thread copies all of it back
    expect(checkpoint?.log).toBeGreaterThan(0);
    expect(checkpoint?.checkpointed).toBe(checkpoint?.log);
  });

  it('with VALORE_CHECKPOINTS=inline checkpoints as SQLite does, inside the COMMIT past 1,000 pages', async () => {
    server = await startTestServer({ env: { VALORE_CHECKPOINTS: 'inline' } });
    expect(server.database.checkpointer).toBeNull();
    expect(autocheckpoint(server)).toBe(1_000);
  });
});
