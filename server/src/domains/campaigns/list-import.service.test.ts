import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CACHE_KIB, IMPORT_CACHE_KIB } from '../../db/cache';
import { createWorld } from '../../testing/fixtures';
import { createTestDeps } from '../../testing/test-deps';
import { importCampaignList } from './list-import.service';

/**
 * A list import holds the connection's page cache small while it runs (a 1,000,000-row list would fill the whole
 * 64 MB with pages it never reads again) and gives the full cache back when it ends, however it ends.
 */
async function setup() {
  const { deps, database } = await createTestDeps();
  const world = await createWorld(deps.db);
  const { id: campaignId } = await deps.db
    .insertInto('campaigns')
    .values({
      name: 'Primavera',
      business_unit: 'Banking',
      product_code: 'CONTO',
      starts_on: '2026-01-01',
      ends_on: '2027-12-31',
      calling_window: '{}',
      max_attempts: 3,
      retry_delay_minutes: 60,
      script_version: '1.0.0',
      registry_checked_at: null,
      created_by: null,
      created_at: new Date().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const cacheKib = () => -Number(database.sqlite.pragma('cache_size', { simple: true }));
  return { deps, world, campaignId, cacheKib };
}

/** A CSV whose reading records the page cache seen after the header, mid-import. */
function csvObserving(lines: string[], seen: number[], cacheKib: () => number): Readable {
  return Readable.from(
    (function* () {
      for (const line of lines) {
        yield `${line}\n`;
        seen.push(cacheKib());
      }
    })(),
  );
}

describe('list import page cache', () => {
  it('is small while the import runs and whole again once it is done', async () => {
    const { deps, world, campaignId, cacheKib } = await setup();
    expect(cacheKib()).toBe(CACHE_KIB);
    const seen: number[] = [];
    const source = csvObserving(
      ['customer_id', ...Array.from({ length: 3_000 }, (_, i) => String(i + 1))],
      seen,
      cacheKib,
    );
    const result = await importCampaignList(
      deps,
      world.users.admin,
      campaignId,
      source,
      { customerIdColumn: 'customer_id', phoneColumn: null, delimiter: ',' },
      () => {},
    );
    expect(result.total).toBe(3_000);
    expect(new Set(seen.slice(10))).toEqual(new Set([IMPORT_CACHE_KIB]));
    expect(cacheKib()).toBe(CACHE_KIB);
  });

  it('is whole again after an import that fails', async () => {
    const { deps, world, campaignId, cacheKib } = await setup();
    const source = Readable.from(['phone\n', '+393331234567\n']);
    await expect(
      importCampaignList(
        deps,
        world.users.admin,
        campaignId,
        source,
        { customerIdColumn: 'customer_id', phoneColumn: null, delimiter: ',' },
        () => {},
      ),
    ).rejects.toThrow(/no column "customer_id"/);
    expect(cacheKib()).toBe(CACHE_KIB);
  });
});
