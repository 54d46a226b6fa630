import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * How a product's Italian name is said in the script's lines (shared/src/reference/italian.ts): the demo catalogue
 * carries each product's gender and number (migration 2026-12-10T1200-product-grammar), an admin sets them for a new
 * product or changes them, and the console's catalogue (scripts.catalogue) carries them.
 */
let server: TestServer;
let admin: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  admin = createApiClient(server.url);
  await admin.login('admin');
}, 60_000);
afterAll(async () => {
  await server.close();
});

const fieldsOf = (error: Awaited<ReturnType<typeof trpcError>>) =>
  (error.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined)?.zodError?.fieldErrors ?? {};

describe('product grammar', () => {
  it('the catalogue says how each demo product takes its article', async () => {
    const catalogue = await admin.trpc.scripts.catalogue.query();
    const grammar = Object.fromEntries(catalogue.map((p) => [p.code, p.grammar]));
    expect(grammar).toMatchObject({
      SIM: { gender: 'f', plural: false, article: null },
      BUONI: { gender: 'm', plural: true, article: null },
      PRESTITO: { gender: 'm', plural: false, article: null },
      LUCE_GAS: { gender: 'f', plural: false, article: "l'offerta" },
    });
  });

  it('an admin sets it on a new product, then changes it; the console catalogue follows', async () => {
    const made = await admin.trpc.admin.products.create.mutate({
      code: 'ASSIC_CASA',
      family: 'insurance',
      businessUnit: 'Assicurazioni',
      nameIt: 'Assicurazione casa',
      nameEn: 'Home insurance',
      funnelUrl: 'https://shop.valore.example/casa',
      outcomes: ['up_appointment'],
      genderIt: 'f',
    });
    expect(made.grammar).toEqual({ gender: 'f', plural: false, article: null });
    const changed = await admin.trpc.admin.products.update.mutate({
      code: 'ASSIC_CASA',
      pluralIt: true,
      articleIt: 'le coperture',
    });
    expect(changed.grammar).toEqual({ gender: 'f', plural: true, article: 'le coperture' });
    const inConsole = (await admin.trpc.scripts.catalogue.query()).find((p) => p.code === 'ASSIC_CASA');
    expect(inConsole?.grammar).toEqual({ gender: 'f', plural: true, article: 'le coperture' });
    // cleared: back to the rules
    expect((await admin.trpc.admin.products.update.mutate({ code: 'ASSIC_CASA', articleIt: '' })).grammar.article).toBe(
      null,
    );
  });

  it('refuses a gender it does not know or an article with other characters, changing nothing', async () => {
    for (const [input, field] of [
      [{ genderIt: 'n' }, 'genderIt'],
      [{ pluralIt: 'yes' }, 'pluralIt'],
      [{ articleIt: 'l<b>' }, 'articleIt'],
      [{ articleIt: 'x'.repeat(31) }, 'articleIt'],
    ] as const) {
      const error = await trpcError(
        admin.trpc.admin.products.update.mutate({ code: 'SIM', ...input } as { code: string }),
      );
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(Object.keys(fieldsOf(error))).toContain(field);
    }
    const sim = (await admin.trpc.admin.products.list.query()).find((p) => p.code === 'SIM');
    expect(sim?.grammar).toEqual({ gender: 'f', plural: false, article: null });
  });
});
