import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK_1_1_0, CAMPAIGN_1_0_0, INBOUND_SALES_1_0_0 } from '@valore/shared/flows/builtin-scripts';
import type { ScriptDefinition } from '@valore/shared/flows/definition';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import { completion, type EventWithoutTime } from '@valore/server/testing/completions';
import { anyString } from '@valore/server/testing/matchers';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { postCallMeNow } from '../helpers/intake';
import { startTestServer, type TestServer } from '../helpers/server';
import { db } from '../helpers/sql';

/**
 * Script versions over HTTP (docs/scripts.md): a team lead saves a draft of the inbound script with a new line,
 * publishes it as 1.1.0; operators' contacts recorded under 1.1.0 and under 1.0.0 both replay; a draft or an unknown
 * version is refused; once 1.0.0 is retired a new contact naming it is refused while its old contacts stay on record;
 * the flow's rules cannot be removed; a published version cannot change.
 */
let server: TestServer;
let lead: ApiClient;
let tutor: ApiClient;
let operator: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  lead = createApiClient(server.url);
  await lead.login('teamlead1');
  tutor = createApiClient(server.url);
  await tutor.login('tutor1');
  operator = createApiClient(server.url);
  await operator.login('operatore1');
}, 60_000);
afterAll(async () => {
  await server.close();
});

type DefinitionInput = Parameters<ApiClient['trpc']['scripts']['versions']['saveDraft']['mutate']>[0]['definition'];
/** A definition as the API takes it (plain arrays). */
const plain = (def: ScriptDefinition): DefinitionInput => JSON.parse(JSON.stringify(def)) as DefinitionInput;

const fieldsOf = (error: Awaited<ReturnType<typeof trpcError>>) =>
  (error.data?.zodError?.fieldErrors ?? {}) as Record<string, string[] | undefined>;

/** A customer who does not hold CONTO, the product these calls propose (a held product is never proposed). */
const NOT_HOLDING_CONTO = `SELECT id FROM customers c WHERE NOT EXISTS
  (SELECT 1 FROM customer_products p WHERE p.customer_id = c.id AND p.product_code = 'CONTO') ORDER BY random() LIMIT 1`;

/** An inbound sales call where the customer declines the proposal, recorded under `version`. */
async function inboundLead(version: string): Promise<CompleteInteractionInput> {
  const customer = (await db(server).get<{ id: number }>(NOT_HOLDING_CONTO))!;
  return {
    ...completion('inbound_sales', customer.id, 'not_interested', [
      { type: 'customer.identified', customerId: customer.id },
      { type: 'needs.identified', productCode: 'CONTO' },
      { type: 'proposal.declined' },
    ]),
    scriptVersion: version,
  };
}

const NEW_LINE = {
  it: 'Da quello che mi ha detto, {product} fa proprio per lei: le spiego in due minuti perché.',
  en: 'From what you told me, {product} is just right for you: let me explain why in two minutes.',
};

describe('script versions', () => {
  it('a draft is published as 1.1.0; contacts under 1.1.0 and 1.0.0 both replay; a draft or unknown version is refused', async () => {
    const definition: ScriptDefinition = {
      ...INBOUND_SALES_1_0_0,
      version: '1.1.0',
      lines: { ...INBOUND_SALES_1_0_0.lines, proposal: NEW_LINE },
      objections: [
        {
          code: 'price',
          label: { it: 'Costa troppo', en: 'Too expensive' },
          rebuttal: { it: 'Il canone è zero il primo anno.', en: 'No fee in the first year.' },
        },
      ],
    };
    const draft = await lead.trpc.scripts.versions.saveDraft.mutate({
      definition: plain(definition),
      note: 'Proposta più diretta',
    });
    expect(draft).toMatchObject({ flow: 'inbound_sales', version: '1.1.0', status: 'draft', builtin: false });
    // not playable while a draft
    const early = await trpcError(operator.trpc.interactions.complete.mutate(await inboundLead('1.1.0')));
    expect(early.data?.httpStatus).toBe(400);
    expect(early.message).toMatch(/no published script inbound_sales 1\.1\.0/);

    const published = await lead.trpc.scripts.versions.publish.mutate({
      flow: 'inbound_sales',
      version: '1.1.0',
      note: 'Proposta più diretta, obiezione sul prezzo',
    });
    expect(published).toMatchObject({ status: 'published', publishedAt: anyString() });
    expect(published.definition.lines.proposal).toEqual(NEW_LINE);

    const onNew = await operator.trpc.interactions.complete.mutate(await inboundLead('1.1.0'));
    const onOld = await operator.trpc.interactions.complete.mutate(await inboundLead('1.0.0'));
    const versions = await db(server).all(
      'SELECT script_version FROM interactions WHERE id IN (?, ?) ORDER BY id',
      onNew.interactionId,
      onOld.interactionId,
    );
    expect(versions).toEqual([{ script_version: '1.1.0' }, { script_version: '1.0.0' }]);
    // the comparison by version: 1.1.0 against 1.0.0, with its interval
    const stats = await lead.trpc.stats.scripts.query({
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
      flow: 'inbound_sales',
    });
    const compared = stats.comparisons.find((c) => c.scriptVersion === '1.1.0');
    expect(compared).toMatchObject({ flow: 'inbound_sales', baseline: '1.0.0', handled: 1, value: 0 });
    expect(compared?.low).toBeLessThanOrEqual(compared?.difference ?? NaN);
    expect(compared?.high).toBeGreaterThanOrEqual(compared?.difference ?? NaN);
    const unknown = await trpcError(operator.trpc.interactions.complete.mutate(await inboundLead('7.0.0')));
    expect(unknown.data?.httpStatus).toBe(400);

    // objections by rebuttal: "price" raised twice under 1.1.0, the rebuttal kept one customer (a funnel link sent)
    const withObjection = async (
      code: string,
      end: EventWithoutTime[],
      outcome: CompleteInteractionInput['outcome'],
    ) => {
      const customer = (await db(server).get<{ id: number }>(NOT_HOLDING_CONTO))!;
      return {
        ...completion('inbound_sales', customer.id, outcome, [
          { type: 'customer.identified', customerId: customer.id },
          { type: 'needs.identified', productCode: 'CONTO' },
          { type: 'proposal.objection', code },
          ...end,
        ]),
        scriptVersion: '1.1.0',
      };
    };
    await operator.trpc.interactions.complete.mutate(
      await withObjection('price', [{ type: 'proposal.declined' }], 'not_interested'),
    );
    await operator.trpc.interactions.complete.mutate(
      await withObjection(
        'price',
        [{ type: 'objection.resolved' }, { type: 'proposal.accepted' }, { type: 'outcome.funnel', channel: 'sms' }],
        'digital_funnel',
      ),
    );
    // a code the version did not prepare is refused, nothing recorded
    const strange = await trpcError(
      operator.trpc.interactions.complete.mutate(
        await withObjection('timing', [{ type: 'proposal.declined' }], 'not_interested'),
      ),
    );
    expect(strange.data?.httpStatus).toBe(400);
    const byRebuttal = await lead.trpc.stats.scripts.query({
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
      flow: 'inbound_sales',
    });
    expect(byRebuttal.objections).toEqual([
      { flow: 'inbound_sales', scriptVersion: '1.1.0', code: 'price', raised: 2, kept: 1, keptRate: 0.5 },
    ]);
    expect(byRebuttal.steps.map((s) => s.step)).not.toContain('objection:price');

    // once published it cannot change
    const edit = await trpcError(lead.trpc.scripts.versions.saveDraft.mutate({ definition: plain(definition) }));
    expect(edit.data?.httpStatus).toBe(409);
    // a version must come after the newest one
    await lead.trpc.scripts.versions.saveDraft.mutate({ definition: plain({ ...definition, version: '1.0.5' }) });
    const older = await trpcError(
      lead.trpc.scripts.versions.publish.mutate({ flow: 'inbound_sales', version: '1.0.5', note: 'x' }),
    );
    expect(fieldsOf(older).version).toEqual(['Choose a version after 1.1.0']);

    // retiring 1.0.0: no new contact on it, the old ones stay
    const retired = await lead.trpc.scripts.versions.retire.mutate({ flow: 'inbound_sales', version: '1.0.0' });
    expect(retired).toMatchObject({ status: 'retired', builtin: true });
    const late = await trpcError(operator.trpc.interactions.complete.mutate(await inboundLead('1.0.0')));
    expect(late.message).toMatch(/retired/);
    expect(await db(server).get('SELECT COUNT(*) AS n FROM interactions WHERE id = ?', onOld.interactionId)).toEqual({
      n: 1,
    });
    // the only published version of a flow cannot be retired
    const only = await trpcError(lead.trpc.scripts.versions.retire.mutate({ flow: 'inbound_sales', version: '1.1.0' }));
    expect(only.data?.httpStatus).toBe(409);

    const list = await tutor.trpc.scripts.versions.list.query();
    expect(list.filter((v) => v.flow === 'inbound_sales').map((v) => [v.version, v.status])).toEqual([
      ['1.1.0', 'published'],
      ['1.0.5', 'draft'],
      ['1.0.0', 'retired'],
    ]);
    const audit = (
      await db(server).all<{ action: string }>(
        "SELECT action FROM audit_log WHERE entity_type = 'script_version' ORDER BY id",
      )
    ).map((r) => r.action);
    expect(audit).toEqual(['script.draft_created', 'script.published', 'script.draft_created', 'script.retired']);
  });

  it('refuses a draft that removes its flow’s rules or mismatches placeholders, with the field named', async () => {
    const noConsent = {
      ...CAMPAIGN_1_0_0,
      version: '1.1.0',
      steps: CAMPAIGN_1_0_0.steps.filter((s) => s !== 'consent'),
    };
    const refused = await trpcError(lead.trpc.scripts.versions.saveDraft.mutate({ definition: plain(noConsent) }));
    expect(refused.data?.httpStatus).toBe(400);
    expect(fieldsOf(refused)['definition.steps']).toEqual(['The campaign script must have the step "consent"']);
    const mismatch = {
      ...CAMPAIGN_1_0_0,
      version: '1.1.0',
      lines: { ...CAMPAIGN_1_0_0.lines, proposal: { it: 'Le consiglio {product}', en: 'I recommend it' } },
    };
    const bad = await trpcError(lead.trpc.scripts.versions.saveDraft.mutate({ definition: plain(mismatch) }));
    expect(fieldsOf(bad)['definition.lines.proposal']).toEqual([
      'The Italian and English lines must use the same placeholders',
    ]);
    // a tutor reads, does not edit; an operator does neither
    expect(
      (await trpcError(tutor.trpc.scripts.versions.saveDraft.mutate({ definition: plain(CAMPAIGN_1_0_0) }))).data?.code,
    ).toBe('FORBIDDEN');
    expect((await trpcError(operator.trpc.scripts.versions.list.query())).data?.code).toBe('FORBIDDEN');
    expect(await db(server).get("SELECT COUNT(*) AS n FROM script_versions WHERE flow = 'campaign'")).toEqual({
      n: 0,
    });
  });

  it('a 50/50 assignment gives callback contacts both versions, each the same for its customer; the console gets the definition', async () => {
    const needs = { it: 'Mi dice per cosa le serve {product}?', en: 'What would you use {product} for?' };
    const v12 = { ...CALLBACK_1_1_0, version: '1.2.0', lines: { ...CALLBACK_1_1_0.lines, needs } };
    await lead.trpc.scripts.versions.saveDraft.mutate({ definition: plain(v12) });
    // a draft cannot be assigned nor played
    const early = await trpcError(
      lead.trpc.scripts.assignments.set.mutate({ flow: 'callback', splits: [{ version: '1.2.0', weight: 50 }] }),
    );
    expect(early.data?.httpStatus).toBe(400);
    expect(
      (await trpcError(operator.trpc.scripts.play.query({ flow: 'callback', version: '1.2.0' }))).data?.httpStatus,
    ).toBe(404);
    await lead.trpc.scripts.versions.publish.mutate({
      flow: 'callback',
      version: '1.2.0',
      note: 'Domanda sul bisogno',
    });
    const assignment = await lead.trpc.scripts.assignments.set.mutate({
      flow: 'callback',
      splits: [
        { version: '1.1.0', weight: 50 },
        { version: '1.2.0', weight: 50 },
      ],
    });
    expect(assignment).toMatchObject({ flow: 'callback', campaignId: null, custom: true });
    expect((await operator.trpc.scripts.play.query({ flow: 'callback', version: '1.2.0' })).lines.needs).toEqual(needs);

    // Call Me Now requests of 30 customers; the operator claims each and gives it back
    const customers = await db(server).all<{ id: number; phone: string }>(
      'SELECT MIN(id) AS id, phone FROM customers GROUP BY phone HAVING COUNT(*) = 1 ORDER BY MIN(id) DESC LIMIT 30',
    );
    await db(server).run("UPDATE callback_requests SET status = 'cancelled' WHERE status = 'pending'");
    for (const c of customers) {
      const response = await postCallMeNow(server, c);
      expect(response.status).toBe(201);
    }
    const seen = new Map<number, string>();
    for (let i = 0; i < customers.length; i++) {
      const item = await operator.trpc.work.next.mutate({});
      if (!item) break;
      expect(item.flow).toBe('callback');
      // the held item shows the same version on a reload
      expect((await operator.trpc.work.current.query())?.scriptVersion).toBe(item.scriptVersion);
      seen.set(item.customerId ?? 0, item.scriptVersion ?? '');
      await operator.trpc.work.release.mutate({ id: item.id, reason: 'prova di assegnazione' });
      await db(server).run("UPDATE callback_requests SET status = 'cancelled' WHERE id = ?", item.sourceId);
    }
    expect(seen.size).toBe(customers.length);
    const counts = [...seen.values()].reduce<Record<string, number>>((n, v) => ({ ...n, [v]: (n[v] ?? 0) + 1 }), {});
    expect(Object.keys(counts).sort()).toEqual(['1.1.0', '1.2.0']);
    // 1,000 contacts without a work item (inbound calls) ask over HTTP: the split holds within ±5 points, and each
    // contact gets the same answer when it asks again
    const asked: string[] = [];
    for (let start = 0; start < 1_000; start += 50) {
      const batch = Array.from({ length: 50 }, (_, i) =>
        operator.trpc.scripts.assigned.query({
          flow: 'callback',
          customerId: null,
          contactId: `00000000-0000-4000-8000-${String(start + i).padStart(12, '0')}`,
        }),
      );
      asked.push(...(await Promise.all(batch)).map((a) => a.version));
    }
    const onNew = asked.filter((v) => v === '1.2.0').length;
    expect(onNew).toBeGreaterThanOrEqual(450);
    expect(onNew).toBeLessThanOrEqual(550);
    expect(asked.filter((v) => v !== '1.1.0' && v !== '1.2.0')).toEqual([]);
    const again = await operator.trpc.scripts.assigned.query({
      flow: 'callback',
      customerId: null,
      contactId: '00000000-0000-4000-8000-000000000007',
    });
    expect(again.version).toBe(asked[7]);
    // back to the default: the newest published version for everyone
    await lead.trpc.scripts.assignments.set.mutate({ flow: 'callback', splits: [] });
    expect(await lead.trpc.scripts.assignments.list.query()).toEqual([]);
  });
});
