import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Database, Executor } from '../../db/database';
import type { LeadStatus, LeadWonBy } from './leads.table';

/** The pipeline's filters once scope is applied: `siteId`/`ownerId` null means "any". */
export interface PipelineWhere {
  siteId: number | null;
  ownerId: number | null;
  productCode: string | null;
  createdFrom: string | null;
  createdTo: string | null;
  followUpFrom: string | null;
  followUpTo: string | null;
}

export interface PipelineLeadRow {
  id: number;
  customer_id: number;
  first_name: string;
  last_name: string;
  site_id: number | null;
  product_code: string;
  name_it: string;
  name_en: string;
  status: LeadStatus;
  won_by: LeadWonBy | null;
  sale_reference: string | null;
  owner_id: number | null;
  owner_name: string | null;
  follow_up_at: string;
  created_at: string;
  closed_at: string | null;
  attempts: number;
  lease_owner: number | null;
  lease_expires_at: string | null;
}

type LeadsEb = ExpressionBuilder<Database, 'leads'>;

/** The filters as one condition on `leads` (applied before any join). */
function matching(w: PipelineWhere, status: LeadStatus | null) {
  return (eb: LeadsEb): Expression<SqlBool> => {
    const all: Expression<SqlBool>[] = [];
    if (w.siteId !== null) all.push(eb('leads.site_id', '=', w.siteId));
    if (w.ownerId !== null) all.push(eb('leads.owner_id', '=', w.ownerId));
    if (w.productCode !== null) all.push(eb('leads.product_code', '=', w.productCode));
    // every stored time is a UTC ISO string of one width, so comparing text is comparing time
    if (w.createdFrom !== null) all.push(eb('leads.created_at', '>=', w.createdFrom));
    if (w.createdTo !== null) all.push(eb('leads.created_at', '<', w.createdTo));
    if (w.followUpFrom !== null) all.push(eb('leads.follow_up_at', '>=', w.followUpFrom));
    if (w.followUpTo !== null) all.push(eb('leads.follow_up_at', '<', w.followUpTo));
    if (status !== null) all.push(eb('leads.status', '=', status));
    return all.length === 0 ? sql<SqlBool>`TRUE` : eb.and(all);
  };
}

/** Leads per status under the filters (the counts beside the status filter). */
export async function pipelineTotals(db: Executor, w: PipelineWhere): Promise<Record<LeadStatus, number>> {
  const rows = await db
    .selectFrom('leads')
    .where(matching(w, null))
    .select(['leads.status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('leads.status')
    .execute();
  const totals: Record<LeadStatus, number> = { open: 0, won: 0, lost: 0 };
  for (const r of rows) totals[r.status] = Number(r.n);
  return totals;
}

function withDetails(q: SelectQueryBuilder<Database, 'leads', object>) {
  return q
    .innerJoin('customers as c', 'c.id', 'leads.customer_id')
    .innerJoin('products as p', 'p.code', 'leads.product_code')
    .leftJoin('users as o', 'o.id', 'leads.owner_id')
    .select([
      'leads.id',
      'leads.customer_id',
      'c.first_name',
      'c.last_name',
      'leads.site_id',
      'leads.product_code',
      'p.name_it',
      'p.name_en',
      'leads.status',
      'leads.won_by',
      'leads.sale_reference',
      'leads.owner_id',
      'o.display_name as owner_name',
      'leads.follow_up_at',
      'leads.created_at',
      'leads.closed_at',
      'leads.attempts',
      'leads.lease_owner',
      'leads.lease_expires_at',
    ]);
}

/**
 * One page of the pipeline. Open leads come first, soonest follow-up first (the order they will be worked in);
 * closed ones follow, most recently closed first. The id breaks ties, so offsets page through a stable order.
 */
export async function pipelinePage(
  db: Executor,
  w: PipelineWhere,
  status: LeadStatus | null,
  page: { limit: number; offset: number },
): Promise<PipelineLeadRow[]> {
  return withDetails(db.selectFrom('leads').where(matching(w, status)))
    .orderBy(sql`case when leads.status = 'open' then 0 else 1 end`)
    .orderBy(sql`case when leads.status = 'open' then leads.follow_up_at end`)
    .orderBy('leads.closed_at', 'desc')
    .orderBy('leads.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function findPipelineLead(db: Executor, id: number): Promise<PipelineLeadRow | undefined> {
  return withDetails(db.selectFrom('leads').where('leads.id', '=', id)).executeTakeFirst();
}

/** An operator who may own leads of a site: active, of that site. */
export async function isActiveOperatorOfSite(db: Executor, userId: number, siteId: number): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('id', '=', userId)
    .where('role', '=', 'operator')
    .where('active', '=', 1)
    .where('site_id', '=', siteId)
    .executeTakeFirst();
  return row !== undefined;
}

export interface PipelineOperator {
  id: number;
  site_id: number;
  display_name: string;
  active: 0 | 1;
}

/** Operators of the given sites (every site when null), by name. */
export async function operatorsOfSites(db: Executor, siteIds: number[] | null): Promise<PipelineOperator[]> {
  let q = db
    .selectFrom('users')
    .select(['id', 'site_id', 'display_name', 'active'])
    .where('role', '=', 'operator')
    .where('site_id', 'is not', null);
  if (siteIds !== null) q = q.where('site_id', 'in', siteIds.length ? siteIds : [-1]);
  const rows = await q.orderBy('display_name').orderBy('id').execute();
  return rows.flatMap((r) => (r.site_id === null ? [] : [{ ...r, site_id: r.site_id }]));
}

export async function sitesById(
  db: Executor,
  siteIds: number[] | null,
): Promise<{ id: number; code: string; name: string }[]> {
  let q = db.selectFrom('sites').select(['id', 'code', 'name']);
  if (siteIds !== null) q = q.where('id', 'in', siteIds.length ? siteIds : [-1]);
  return q.orderBy('code').execute();
}

/** Products a lead can be recorded for (their allowed outcomes include `lead`). */
export async function leadProducts(db: Executor): Promise<{ code: string; name_it: string; name_en: string }[]> {
  const rows = await db
    .selectFrom('products')
    .select(['code', 'name_it', 'name_en', 'outcomes'])
    .orderBy('code')
    .execute();
  return rows
    .filter((p) => {
      const outcomes: unknown = JSON.parse(p.outcomes);
      return Array.isArray(outcomes) && outcomes.includes('lead');
    })
    .map(({ code, name_it, name_en }) => ({ code, name_it, name_en }));
}
