import type { Selectable } from 'kysely';
import type { Executor } from '../../db/database';
import { recordRealisation } from '../stats/stats.hooks';
import type { FunnelLinksTable } from './funnel.table';

export type FunnelLinkRow = Selectable<FunnelLinksTable>;

export async function insertFunnelLink(
  db: Executor,
  row: {
    token: string;
    interactionId: number | null;
    customerId: number;
    productCode: string;
    channel: 'sms' | 'email';
    destination: string;
    expiresAt: string;
    at: string;
  },
): Promise<number> {
  const inserted = await db
    .insertInto('funnel_links')
    .values({
      token: row.token,
      interaction_id: row.interactionId,
      customer_id: row.customerId,
      product_code: row.productCode,
      channel: row.channel,
      destination: row.destination,
      expires_at: row.expiresAt,
      created_at: row.at,
      first_clicked_at: null,
      purchased_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function findLinkForRedirect(
  db: Executor,
  token: string,
): Promise<
  | { id: number; channel: 'sms' | 'email'; expires_at: string; funnel_url: string; utm_template: string; code: string }
  | undefined
> {
  return db
    .selectFrom('funnel_links as l')
    .innerJoin('products as p', 'p.code', 'l.product_code')
    .select(['l.id', 'l.channel', 'l.expires_at', 'p.funnel_url', 'p.utm_template', 'p.code'])
    .where('l.token', '=', token)
    .executeTakeFirst();
}

export async function recordClick(
  db: Executor,
  click: { linkId: number; at: string; userAgent: string | null; ipHash: string | null },
): Promise<void> {
  await db
    .insertInto('funnel_clicks')
    .values({ link_id: click.linkId, clicked_at: click.at, user_agent: click.userAgent, ip_hash: click.ipHash })
    .execute();
  const before = await db
    .selectFrom('funnel_links')
    .select(['first_clicked_at', 'interaction_id'])
    .where('id', '=', click.linkId)
    .executeTakeFirst();
  await db
    .updateTable('funnel_links')
    .set((eb) => ({
      click_count: eb('click_count', '+', 1),
      first_clicked_at: eb.fn.coalesce('first_clicked_at', eb.val(click.at)),
    }))
    .where('id', '=', click.linkId)
    .execute();
  // the first click realises the contact's digital-funnel outcome (conversion stats)
  if (before && before.first_clicked_at === null) await recordRealisation(db, before.interaction_id, 'funnel');
}
