import type { Selectable } from 'kysely';
import type { Executor } from '../../db/database';
import { precompiled } from '../../db/precompiled';
import type { LeadStatus, LeadsTable, LeadWonBy } from './leads.table';

export type LeadRow = Selectable<LeadsTable>;
export type LeadWithCustomer = LeadRow & { first_name: string; last_name: string };

export interface NewLead {
  interactionId: number | null;
  customerId: number;
  productCode: string;
  siteId: number | null;
  notes: string | null;
  followUpAt: string;
  createdBy: number;
  /** the operator the follow-up belongs to, and until when it is theirs alone (work/promises.ts) */
  ownerId: number | null;
  personalUntil: string | null;
  at: string;
}

// a lead outcome's effect (precompiled: db/precompiled.ts)
const insertLeadRow = precompiled((db, row: NewLead) =>
  db
    .insertInto('leads')
    .values({
      interaction_id: row.interactionId,
      customer_id: row.customerId,
      product_code: row.productCode,
      site_id: row.siteId,
      notes: row.notes,
      follow_up_at: row.followUpAt,
      lease_owner: null,
      lease_expires_at: null,
      created_by: row.createdBy,
      created_at: row.at,
      closed_at: null,
      updated_at: row.at,
      owner_id: row.ownerId,
      personal_until: row.personalUntil,
      won_by: null,
      sale_reference: null,
      closed_by: null,
    })
    .returning('id'),
);

export async function insertLead(db: Executor, row: NewLead): Promise<number> {
  const inserted = await insertLeadRow.first(db, row);
  if (!inserted) throw new Error('insert into leads returned no id');
  return inserted.id;
}

function withCustomer(db: Executor) {
  return db
    .selectFrom('leads as l')
    .innerJoin('customers as c', 'c.id', 'l.customer_id')
    .selectAll('l')
    .select(['c.first_name', 'c.last_name']);
}

export async function findLead(db: Executor, id: number): Promise<LeadWithCustomer | undefined> {
  return withCustomer(db).where('l.id', '=', id).executeTakeFirst();
}

/** `siteId` null = every site (admin). Open leads by due time, closed ones most recent first. */
export async function listLeads(
  db: Executor,
  args: { status: LeadStatus; siteId: number | null; ownerId?: number | null; limit: number },
): Promise<LeadWithCustomer[]> {
  let q = withCustomer(db).where('l.status', '=', args.status);
  if (args.siteId !== null) q = q.where('l.site_id', '=', args.siteId);
  if (args.ownerId !== undefined && args.ownerId !== null) q = q.where('l.owner_id', '=', args.ownerId);
  q =
    args.status === 'open'
      ? q.orderBy('l.follow_up_at').orderBy('l.id')
      : q.orderBy('l.closed_at', 'desc').orderBy('l.id', 'desc');
  return q.limit(args.limit).execute();
}

/** Closes an open lead (held by `heldBy`, when given); false when it was no longer open (closed meanwhile). */
export async function closeOpenLead(
  db: Executor,
  args: {
    id: number;
    status: 'won' | 'lost';
    wonBy: LeadWonBy | null;
    saleReference: string | null;
    closedBy: number | null;
    notes: string | null;
    at: string;
    heldBy?: number | undefined;
  },
): Promise<boolean> {
  let q = db
    .updateTable('leads')
    .set({
      status: args.status,
      won_by: args.status === 'won' ? args.wonBy : null,
      sale_reference: args.status === 'won' ? args.saleReference : null,
      closed_by: args.closedBy,
      notes: args.notes,
      closed_at: args.at,
      updated_at: args.at,
      lease_owner: null,
      lease_expires_at: null,
    })
    .where('id', '=', args.id)
    .where('status', '=', 'open');
  if (args.heldBy !== undefined) q = q.where('lease_owner', '=', args.heldBy);
  const result = await q.executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
