import { describe, expect, it } from 'vitest';
import { DomainError } from '../../errors';
import { createWorld } from '../../testing/fixtures';
import { createTestDeps } from '../../testing/test-deps';
import { heldAmong, proposedProducts, refuseHeldProposal } from './held-products';

async function setup() {
  const { deps } = await createTestDeps();
  const world = await createWorld(deps.db);
  const mario = world.customers.mario;
  await deps.db
    .insertInto('customer_products')
    .values([
      { customer_id: mario, product_code: 'CONTO', since: '2015-03-01' },
      { customer_id: mario, product_code: 'SIM', since: '2020-01-01' },
    ])
    .execute();
  return { db: deps.db, mario };
}

describe('a product the customer holds is never proposed to them (the one rule)', () => {
  it('a contact proposes every product named at the needs step, once, and nothing else', () => {
    expect(
      proposedProducts([
        { type: 'customer.identified' },
        { type: 'needs.identified', productCode: 'FIBRA' },
        { type: 'proposal.objection' },
        { type: 'needs.identified', productCode: 'CONTO' },
        { type: 'needs.identified', productCode: 'FIBRA' },
        { type: 'outcome.lead' },
      ]),
    ).toEqual(['FIBRA', 'CONTO']);
    expect(proposedProducts([{ type: 'customer.identified' }, { type: 'customer.opted_out' }])).toEqual([]);
  });

  it('refuses a proposal of a held product with PRODUCT_HELD on the events field, naming it', async () => {
    const { db, mario } = await setup();
    expect(await heldAmong(db, mario, ['FIBRA', 'SIM', 'CONTO'])).toEqual(['SIM', 'CONTO']);
    const error = await refuseHeldProposal(db, mario, ['FIBRA', 'CONTO']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'BAD_REQUEST', domainCode: 'PRODUCT_HELD' });
    expect((error as DomainError).message).toMatch(/already holds CONTO:/);
    expect((error as DomainError).fields?.events?.[0]).toMatch(/CONTO/);
  });

  it('lets through a product not held, a contact without proposal, and a contact with no customer', async () => {
    const { db, mario } = await setup();
    await expect(refuseHeldProposal(db, mario, ['FIBRA'])).resolves.toBeUndefined();
    await expect(refuseHeldProposal(db, mario, [])).resolves.toBeUndefined();
    await expect(refuseHeldProposal(db, null, ['CONTO'])).resolves.toBeUndefined();
    // holdings are per customer: another customer holding CONTO does not stop a proposal to this one
    const { db: other, mario: holder } = await setup();
    await other
      .insertInto('customers')
      .values({
        first_name: 'Anna',
        last_name: 'Verdi',
        tax_code: 'VRDNNA80A41H501X',
        phone: '+393330000999',
        email: null,
        birth_date: '1980-01-01',
        city: 'Roma',
        province_code: 'RM',
        created_at: new Date().toISOString(),
      })
      .execute();
    const anna = (
      await other
        .selectFrom('customers')
        .select('id')
        .where('tax_code', '=', 'VRDNNA80A41H501X')
        .executeTakeFirstOrThrow()
    ).id;
    expect(anna).not.toBe(holder);
    await expect(refuseHeldProposal(other, anna, ['CONTO'])).resolves.toBeUndefined();
  });
});
