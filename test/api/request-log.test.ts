import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient, trpcError } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * The request log (docs/api.md, LOG_LEVEL): one short line per request at info — method, route, status, time, user id —
 * never the headers nor the query string (a tRPC query's input: what was searched); those only at debug, with the
 * cookie redacted. A signed-out auth.me (every sign-in page) is not a warning.
 */
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Line = { level: number; msg: string; req?: Record<string, unknown>; res?: Record<string, unknown> } & Record<
  string,
  unknown
>;

async function serverLogging(level: string): Promise<{ lines: Line[]; raw: string[] }> {
  const raw: string[] = [];
  server = await startTestServer({ env: { LOG_LEVEL: level }, logDestination: { write: (l) => void raw.push(l) } });
  return {
    raw,
    get lines() {
      return raw.map((l) => JSON.parse(l) as Line);
    },
  };
}

describe('request log', () => {
  it('at info: one short line per request, with the route, status, time and user, no headers, no query', async () => {
    const log = await serverLogging('info');
    const url = server?.url ?? '';
    const client = createApiClient(url);
    const signedOut = await trpcError(client.trpc.auth.me.query());
    expect(signedOut.data?.httpStatus).toBe(401);
    await client.login('operatore1');
    await client.trpc.customers.search.query({ query: 'Rossi' });

    const requests = log.lines.filter((l) => l.req !== undefined);
    const me = requests.find((l) => l.req?.route === '/trpc/auth.me');
    expect(me).toMatchObject({ level: 30, req: { method: 'GET', route: '/trpc/auth.me' }, res: { statusCode: 401 } });
    const search = requests.find((l) => l.req?.route === '/trpc/customers.search');
    expect(search).toMatchObject({ level: 30, res: { statusCode: 200 } });
    expect(typeof search?.userId).toBe('number');
    expect(typeof search?.responseTime).toBe('number');
    expect(Object.keys(search?.req ?? {}).sort()).toEqual(['method', 'route']);
    const text = log.raw.join('');
    expect(text).not.toContain('Rossi');
    expect(text).not.toContain('headers');
    expect(text).not.toContain('cookie');
    for (const line of log.raw.filter((l) => l.includes('"req"'))) expect(line.length).toBeLessThan(400);
  });

  it('at debug: the headers too, with the session cookie redacted', async () => {
    const log = await serverLogging('debug');
    const client = createApiClient(server?.url ?? '');
    await client.login('operatore1');
    await client.trpc.auth.me.query();
    const me = log.lines.find((l) => l.req?.url === '/trpc/auth.me' || String(l.req?.url).startsWith('/trpc/auth.me'));
    expect(me?.req?.headers).toMatchObject({ cookie: '[redacted]' });
  });
});
