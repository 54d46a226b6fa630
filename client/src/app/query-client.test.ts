import { QueryObserver } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { AppQueryClient } from './query-client';

/** A value the "server" holds, read by a query whose answer takes `ms` to come back (read when the fetch starts). */
function slowSource(ms: number) {
  const source = { value: 'before', reads: 0 };
  const queryFn = async () => {
    const seen = source.value;
    source.reads += 1;
    await new Promise((r) => setTimeout(r, ms));
    return seen;
  };
  return { source, queryFn };
}

async function settled(observer: QueryObserver<string, Error, string, string, string[]>) {
  await expect.poll(() => observer.getCurrentResult().fetchStatus).toBe('idle');
  return observer.getCurrentResult();
}

describe('AppQueryClient', () => {
  it('an invalidation during a first load ends with a read made after it', async () => {
    const client = new AppQueryClient();
    const { source, queryFn } = slowSource(40);
    const observer = new QueryObserver(client, { queryKey: ['messages'], queryFn });
    const stop = observer.subscribe(() => undefined);
    // the first load is in flight with the old state; the server then says it changed
    await expect.poll(() => source.reads).toBe(1);
    source.value = 'after';
    await client.invalidateQueries({ queryKey: ['messages'] });
    const result = await settled(observer);
    expect(result.data).toBe('after');
    expect(result.status).toBe('success');
    stop();
  });

  it('an invalidation with data on screen refetches once, as before', async () => {
    const client = new AppQueryClient();
    const { source, queryFn } = slowSource(5);
    const observer = new QueryObserver(client, { queryKey: ['messages'], queryFn });
    const stop = observer.subscribe(() => undefined);
    expect((await settled(observer)).data).toBe('before');
    source.value = 'after';
    await client.invalidateQueries({ queryKey: ['messages'] });
    expect((await settled(observer)).data).toBe('after');
    expect(source.reads).toBe(2);
    stop();
  });

  it('leaves first loads the filter does not name alone', async () => {
    const client = new AppQueryClient();
    const mine = slowSource(40);
    const other = slowSource(40);
    const a = new QueryObserver(client, { queryKey: ['messages'], queryFn: mine.queryFn });
    const b = new QueryObserver(client, { queryKey: ['status'], queryFn: other.queryFn });
    const stops = [a.subscribe(() => undefined), b.subscribe(() => undefined)];
    await expect.poll(() => mine.source.reads + other.source.reads).toBe(2);
    await client.invalidateQueries({
      queryKey: ['messages'],
      predicate: (q) => q.queryKey[0] === 'messages',
    });
    expect((await settled(b)).data).toBe('before');
    expect(other.source.reads).toBe(1);
    expect(mine.source.reads).toBe(2);
    stops.forEach((s) => s());
  });
});
