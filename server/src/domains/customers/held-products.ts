import type { Executor } from '../../db/database';
import { DomainError } from '../../errors';

/**
 * The one rule "a customer is never proposed a product they already hold" (customer_products, the holdings the card
 * lists). Every proposal the server validates comes through `refuseHeldProposal`: a contact's completion
 * (interactions.complete), before its events are replayed, for each product its script proposed. The console shows a
 * held product disabled, "già posseduto", from the card's holdings; the server decides.
 */

/**
 * The products a contact proposed: the needs step is every script's only way to its proposal (flows/steps.ts
 * needsState: `needs.identified` names the product, a work item's preset product included, and leads to the proposal).
 */
export function proposedProducts(events: readonly { type: string; productCode?: unknown }[]): string[] {
  const codes = new Set<string>();
  for (const e of events) {
    if (e.type === 'needs.identified' && typeof e.productCode === 'string') codes.add(e.productCode);
  }
  return [...codes];
}

/** Which of `productCodes` the customer holds, in the order asked. */
export async function heldAmong(db: Executor, customerId: number, productCodes: readonly string[]): Promise<string[]> {
  if (productCodes.length === 0) return [];
  const rows = await db
    .selectFrom('customer_products')
    .select('product_code')
    .where('customer_id', '=', customerId)
    .where('product_code', 'in', productCodes)
    .execute();
  const held = new Set(rows.map((r) => r.product_code));
  return productCodes.filter((code) => held.has(code));
}

/** Refuses (400 PRODUCT_HELD, on the field `events`) a proposal of a product the customer already holds. */
export async function refuseHeldProposal(
  db: Executor,
  customerId: number | null,
  productCodes: readonly string[],
): Promise<void> {
  if (customerId === null) return;
  const held = await heldAmong(db, customerId, productCodes);
  if (held.length === 0) return;
  const message =
    `The customer already holds ${held.join(', ')}: a product they hold is not proposed to them ` +
    '(choose another product at the needs step).';
  throw new DomainError('BAD_REQUEST', 'PRODUCT_HELD', message, { events: [message] });
}
