import type { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parse, type CsvError } from 'csv-parse';
import { isPostgres } from '../../db/postgres-dialect';
import { sql } from 'kysely';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { ImportRejectReason } from '@valore/shared/schemas/campaigns';
import type { Executor } from '../../db/database';
import { limitsConfig, type AppDeps } from '../../deps';
import { CACHE_KIB, IMPORT_CACHE_KIB } from '../../db/cache';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { normalisePhone } from '../customers/customers.service';
import { CALL_CHANNEL, marketingConsentOf } from '../customers/marketing-consent';
import { requireManagedCampaign } from './campaigns.service';
import { latestRegistryImportAt } from './campaigns.repository';

/** Rows per transaction: big enough to amortise the commit, small enough to keep other writers waiting briefly. */
export const IMPORT_BATCH_ROWS = 1000;
export const IMPORT_DELIMITERS = [',', ';', '\t', '|'] as const;

export interface ImportResult {
  importId: number;
  total: number;
  imported: number;
  duplicates: number;
  rejected: number;
  /** campaign lists: rejects counted in `rejected` but not kept for the per-line report (past the cap) */
  rejectsNotStored?: number;
  removedContacts?: number;
}

interface CsvRow {
  line: number;
  fields: string[] | null;
  /** csv-parse could not read the row at all */
  error: boolean;
}

interface RecordWithInfo {
  record: string[];
  info: { lines: number };
}

/**
 * Reads a CSV stream row by row with its line numbers (header = line 1), in batches; rows csv-parse cannot read
 * (bad quoting) come through as errors with their line, so they can be reported instead of aborting the file.
 */
async function* csvBatches(
  source: Readable,
  delimiter: string,
): AsyncGenerator<{ header: string[] | null; rows: CsvRow[] }> {
  const skipped: CsvRow[] = [];
  const parser = source.pipe(
    parse({
      delimiter,
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      trim: true,
      on_skip: (err: CsvError | undefined) => {
        const line = err && typeof err.lines === 'number' ? err.lines : 0;
        skipped.push({ line, fields: null, error: true });
        return undefined;
      },
    }),
  );
  source.on('error', (e) => parser.destroy(e));
  let header: string[] | null = null;
  let rows: CsvRow[] = [];
  for await (const chunk of parser) {
    const { record, info } = chunk as RecordWithInfo;
    if (header === null) {
      header = record;
      continue;
    }
    rows.push({ line: info.lines, fields: record, error: false }, ...skipped.splice(0));
    if (rows.length >= IMPORT_BATCH_ROWS) {
      // One socket read can hold thousands of rows, all parsed and imported in microtasks: give the event loop a
      // turn between batches so other requests (and /healthz) are answered during a long import.
      await nextTurn();
      yield { header, rows };
      rows = [];
    }
  }
  rows.push(...skipped.splice(0));
  if (rows.length > 0 || header === null) yield { header, rows };
}

export interface ListImportOptions {
  customerIdColumn: string | null;
  phoneColumn: string | null;
  delimiter: string;
}

type Key = { line: number; customerId: number } | { line: number; phone: string };

/**
 * Imports a campaign's target list: each valid row becomes a pending contact; malformed rows, unknown customers,
 * customers without marketing consent and numbers on the opt-out registry are recorded with their line and reason.
 * (campaign, customer) is unique, so importing the same list again adds nothing (those rows count as duplicates).
 */
export async function importCampaignList(
  deps: AppDeps,
  user: SessionUser,
  campaignId: number,
  source: Readable,
  opts: ListImportOptions,
  onProgress: (processed: number) => void,
): Promise<ImportResult> {
  const { row: campaign } = await requireManagedCampaign(deps.db, user, campaignId);
  if (campaign.status === 'closed')
    throw new DomainError('CONFLICT', 'CAMPAIGN_STATE', 'A closed campaign takes no new contacts.');
  if (!opts.customerIdColumn && !opts.phoneColumn) {
    throw new DomainError('BAD_REQUEST', 'VALIDATION', 'Map a column: customerIdColumn and/or phoneColumn.');
  }
  const startedAt = deps.clock.now().toISOString();
  const totals = { total: 0, imported: 0, duplicates: 0, rejected: 0 };
  // a hostile or broken file could be all rejects: every one is counted, only the first ones are kept for the report
  const maxStoredRejects = limitsConfig(deps.config).importMaxStoredRejects;
  let storedRejects = 0;
  let rejectsNotStored = 0;
  let importId: number | null = null;
  let idIndex = -1;
  let phoneIndex = -1;

  const releaseCache = await smallCacheWhileImporting(deps.db);
  try {
    for await (const { header, rows } of csvBatches(source, opts.delimiter)) {
      if (importId === null) {
        if (header === null)
          throw new DomainError('BAD_REQUEST', 'VALIDATION', 'The file is empty: a header row is required.');
        idIndex = opts.customerIdColumn ? header.indexOf(opts.customerIdColumn) : -1;
        phoneIndex = opts.phoneColumn ? header.indexOf(opts.phoneColumn) : -1;
        const missing = [
          opts.customerIdColumn && idIndex < 0 ? opts.customerIdColumn : null,
          opts.phoneColumn && phoneIndex < 0 ? opts.phoneColumn : null,
        ].filter(Boolean);
        if (missing.length > 0) {
          throw new DomainError(
            'BAD_REQUEST',
            'VALIDATION',
            `The header has no column ${missing.map((m) => `"${m}"`).join(', ')}.`,
          );
        }
        const inserted = await deps.db
          .insertInto('campaign_imports')
          .values({
            campaign_id: campaignId,
            customer_id_column: opts.customerIdColumn,
            phone_column: opts.phoneColumn,
            created_by: user.id,
            created_at: startedAt,
            finished_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        importId = inserted.id;
      }
      const id = importId;
      const columns = header?.length ?? 0;
      await deps.db.transaction().execute(async (trx) => {
        const at = deps.clock.now().toISOString();
        const rejects: { line: number; reason: ImportRejectReason; value: string | null }[] = [];
        const keys: Key[] = [];
        for (const row of rows) {
          const key =
            row.fields && row.fields.length === columns ? keyOf(row.fields, row.line, idIndex, phoneIndex) : null;
          if (key) keys.push(key);
          else
            rejects.push({
              line: row.line,
              reason: 'malformed',
              value: row.fields ? row.fields.join(opts.delimiter).slice(0, 200) : null,
            });
        }
        const result = await importKeys(trx, campaignId, keys, at);
        rejects.push(...result.rejects);
        const kept = rejects.slice(0, Math.max(0, maxStoredRejects - storedRejects));
        if (kept.length > 0) {
          await trx
            .insertInto('campaign_import_rejects')
            .values(kept.map((r) => ({ import_id: id, line: r.line, reason: r.reason, value: r.value })))
            .onConflict((oc) => oc.doNothing())
            .execute();
        }
        storedRejects += kept.length;
        rejectsNotStored += rejects.length - kept.length;
        totals.total += rows.length;
        totals.imported += result.imported;
        totals.duplicates += result.duplicates;
        totals.rejected += rejects.length;
        await trx
          .updateTable('campaign_imports')
          .set({ ...totals, rejects_not_stored: rejectsNotStored })
          .where('id', '=', id)
          .execute();
      });
      onProgress(totals.total);
    }
  } catch (error) {
    if (importId !== null) {
      await deps.db
        .updateTable('campaign_imports')
        .set({ status: 'failed', finished_at: deps.clock.now().toISOString(), failure_reason: failureReason(error) })
        .where('id', '=', importId)
        .execute();
    }
    throw error;
  } finally {
    await releaseCache();
  }
  if (importId === null)
    throw new DomainError('BAD_REQUEST', 'VALIDATION', 'The file is empty: a header row is required.');
  const finishedAt = deps.clock.now().toISOString();
  const finalId = importId;
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('campaign_imports')
      .set({ status: 'done', finished_at: finishedAt })
      .where('id', '=', finalId)
      .execute();
    // the list was checked against the registry data as of its latest import
    const registryAt = await latestRegistryImportAt(trx);
    if (registryAt && (campaign.registry_checked_at === null || registryAt > campaign.registry_checked_at)) {
      await trx
        .updateTable('campaigns')
        .set({ registry_checked_at: registryAt })
        .where('id', '=', campaignId)
        .execute();
    }
    await insertAudit(trx, {
      at: finishedAt,
      actorId: user.id,
      action: 'campaign.list_imported',
      entityType: 'campaign',
      entityId: campaignId,
      details: { importId: finalId, ...totals, rejectsNotStored },
    });
  });
  return { importId: finalId, ...totals, rejectsNotStored };
}

/** What a team lead reads next to a failed import: the refusal's own message, or a plain server fault. */
function failureReason(error: unknown): string {
  return error instanceof DomainError ? error.message : 'The import stopped on a server error. Send the file again.';
}

/** Said of the imports a restart found still 'running': the process that ran them is gone. */
export const INTERRUPTED_IMPORT_REASON =
  'The import was interrupted when the server stopped. The rows counted so far were imported; send the file again to finish (rows already imported count as duplicates).';

/**
 * At start, before serving: an import still 'running' belongs to a process that died mid-file (one process runs
 * the imports of a database), so it is marked failed with the reason instead of staying 'running' forever.
 */
let importsRunning = 0;

/**
 * A 1,000,000-row list touches far more pages than the page cache holds, and the cache would fill to its limit
 * (64 MB) with pages the import never reads again: while any import runs, the connection's cache is held to
 * IMPORT_CACHE_KIB and shrunk back when the last one ends (docs/performance.md, import memory).
 */
async function smallCacheWhileImporting(db: AppDeps['db']): Promise<() => Promise<void>> {
  // the page cache is SQLite's, in this process; a PostgreSQL server keeps its own
  if (isPostgres(db)) return async () => {};
  if (importsRunning++ === 0) await sql.raw(`PRAGMA cache_size = -${IMPORT_CACHE_KIB}`).execute(db);
  return async () => {
    if (--importsRunning === 0) await sql.raw(`PRAGMA cache_size = -${CACHE_KIB}`).execute(db);
  };
}

export async function failInterruptedImports(deps: Pick<AppDeps, 'db' | 'clock'>): Promise<number> {
  const result = await deps.db
    .updateTable('campaign_imports')
    .set({ status: 'failed', finished_at: deps.clock.now().toISOString(), failure_reason: INTERRUPTED_IMPORT_REASON })
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** How many rejects of an import were counted but not kept (the report says so beside its rows). */
export async function importRejectsNotStored(
  deps: AppDeps,
  user: SessionUser,
  campaignId: number,
  importId: number,
): Promise<number> {
  await requireManagedCampaign(deps.db, user, campaignId);
  const row = await deps.db
    .selectFrom('campaign_imports')
    .select('rejects_not_stored')
    .where('id', '=', importId)
    .where('campaign_id', '=', campaignId)
    .executeTakeFirst();
  if (!row)
    throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Import ${importId} of campaign ${campaignId} does not exist.`);
  return row.rejects_not_stored;
}

function keyOf(fields: string[], line: number, idIndex: number, phoneIndex: number): Key | null {
  const idValue = idIndex >= 0 ? (fields[idIndex] ?? '') : '';
  if (idValue !== '') {
    if (!/^\d{1,15}$/.test(idValue)) return null;
    return { line, customerId: Number(idValue) };
  }
  const phoneValue = phoneIndex >= 0 ? (fields[phoneIndex] ?? '') : '';
  if (phoneValue === '') return null;
  const phone = normalisePhone(phoneValue);
  return phone ? { line, phone } : null;
}

interface CustomerRef {
  id: number;
  phone: string;
}

/** One batch: customers, consents and registry looked up in bulk, valid rows inserted with ON CONFLICT DO NOTHING. */
async function importKeys(
  trx: Executor,
  campaignId: number,
  keys: Key[],
  at: string,
): Promise<{
  imported: number;
  duplicates: number;
  rejects: { line: number; reason: ImportRejectReason; value: string | null }[];
}> {
  const rejects: { line: number; reason: ImportRejectReason; value: string | null }[] = [];
  const ids = [...new Set(keys.flatMap((k) => ('customerId' in k ? [k.customerId] : [])))];
  const phones = [...new Set(keys.flatMap((k) => ('phone' in k ? [k.phone] : [])))];
  const byId = new Map<number, CustomerRef>();
  const byPhone = new Map<string, CustomerRef>();
  if (ids.length > 0) {
    for (const c of await trx.selectFrom('customers').select(['id', 'phone']).where('id', 'in', ids).execute())
      byId.set(c.id, c);
  }
  if (phones.length > 0) {
    const rows = await trx
      .selectFrom('customers')
      .select(['id', 'phone'])
      .where('phone', 'in', phones)
      .orderBy('id')
      .execute();
    for (const c of rows) if (!byPhone.has(c.phone)) byPhone.set(c.phone, c);
  }
  const resolved: { line: number; customer: CustomerRef }[] = [];
  for (const k of keys) {
    const customer = 'customerId' in k ? byId.get(k.customerId) : byPhone.get(k.phone);
    if (customer) resolved.push({ line: k.line, customer });
    else
      rejects.push({
        line: k.line,
        reason: 'unknown_customer',
        value: 'customerId' in k ? String(k.customerId) : k.phone,
      });
  }
  const customerIds = [...new Set(resolved.map((r) => r.customer.id))];
  const consent = new Map<number, boolean>();
  const registry = new Set<string>();
  if (customerIds.length > 0) {
    // a campaign calls: the current marketing consent for the phone (customers/marketing-consent.ts), in bulk
    for (const [id, granted] of await marketingConsentOf(trx, customerIds, CALL_CHANNEL)) consent.set(id, granted);
    const customerPhones = [...new Set(resolved.map((r) => r.customer.phone))];
    const listed = await trx
      .selectFrom('optout_registry')
      .select('phone')
      .where('phone', 'in', customerPhones)
      .execute();
    for (const r of listed) registry.add(r.phone);
  }
  const valid = new Map<number, CustomerRef>();
  let duplicates = 0;
  for (const { line, customer } of resolved) {
    if (consent.get(customer.id) !== true)
      rejects.push({ line, reason: 'no_marketing_consent', value: String(customer.id) });
    else if (registry.has(customer.phone))
      rejects.push({ line, reason: 'on_optout_registry', value: String(customer.id) });
    else if (valid.has(customer.id)) duplicates++;
    else valid.set(customer.id, customer);
  }
  let imported = 0;
  if (valid.size > 0) {
    const result = await trx
      .insertInto('campaign_contacts')
      .values(
        [...valid.values()].map((c) => ({
          campaign_id: campaignId,
          customer_id: c.id,
          phone: c.phone,
          due_at: at,
          lease_owner: null,
          lease_expires_at: null,
          last_outcome: null,
          updated_at: at,
        })),
      )
      .onConflict((oc) => oc.columns(['campaign_id', 'customer_id']).doNothing())
      .executeTakeFirst();
    imported = Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  duplicates += valid.size - imported;
  return { imported, duplicates, rejects };
}

/** The per-line report of an import, in line order, page by page (keyset on the line). */
export async function importRejectsPage(
  deps: AppDeps,
  user: SessionUser,
  campaignId: number,
  importId: number,
  afterLine: number,
  limit: number,
): Promise<{ line: number; reason: string; value: string | null }[]> {
  if (afterLine === 0) {
    await requireManagedCampaign(deps.db, user, campaignId);
    const row = await deps.db
      .selectFrom('campaign_imports')
      .select('id')
      .where('id', '=', importId)
      .where('campaign_id', '=', campaignId)
      .executeTakeFirst();
    if (!row)
      throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Import ${importId} of campaign ${campaignId} does not exist.`);
  }
  return deps.db
    .selectFrom('campaign_import_rejects')
    .select(['line', 'reason', 'value'])
    .where('import_id', '=', importId)
    .where('line', '>', afterLine)
    .orderBy('line')
    .limit(limit)
    .execute();
}

/**
 * Loads opt-out registry entries (CSV "phone,date", header optional), then re-checks every campaign that is not
 * closed: pending contacts whose number is now on the registry leave their campaign (reason "registry"), and the
 * campaigns' registry check is dated now.
 */
export async function importOptOutRegistry(
  deps: AppDeps,
  user: SessionUser,
  source: Readable,
  delimiter: string,
  onProgress: (processed: number) => void,
): Promise<ImportResult> {
  // the national registry re-checks every open campaign of every site: administrators only
  if (user.role !== 'admin') {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_ROLE', 'Only administrators import the national opt-out registry.');
  }
  const totals = { total: 0, imported: 0, duplicates: 0, rejected: 0 };
  const rejectedLines: number[] = [];
  let headerChecked = false;
  for await (const { header, rows } of csvBatches(source, delimiter)) {
    // csvBatches treats line 1 as a header; when it holds a number, it is data
    const all =
      !headerChecked && header && header[0] && normalisePhone(header[0])
        ? [{ line: 1, fields: header, error: false }, ...rows]
        : rows;
    headerChecked = true;
    const entries = new Map<string, string>();
    for (const row of all) {
      const phone = row.fields?.[0] ? normalisePhone(row.fields[0]) : null;
      const date = registryDate(row.fields?.[1] ?? '');
      if (!phone || !date) {
        totals.rejected++;
        rejectedLines.push(row.line);
      } else {
        if (entries.has(phone)) totals.duplicates++;
        entries.set(phone, date);
      }
    }
    totals.total += all.length;
    if (entries.size > 0) {
      const at = deps.clock.now().toISOString();
      await deps.db
        .insertInto('optout_registry')
        .values([...entries].map(([phone, registered_at]) => ({ phone, registered_at, imported_at: at })))
        .onConflict((oc) =>
          oc
            .column('phone')
            .doUpdateSet({ registered_at: sql`excluded.registered_at`, imported_at: sql`excluded.imported_at` }),
        )
        .execute();
      totals.imported += entries.size;
    }
    onProgress(totals.total);
  }
  // an empty or unreadable file is not "a registry with nobody on it": it re-dates no check and removes nobody
  if (totals.imported === 0) {
    throw new DomainError(
      'BAD_REQUEST',
      'VALIDATION',
      `The file holds no valid line (a phone number, then its date as YYYY-MM-DD): nothing was changed. Lines read: ${totals.total}.`,
    );
  }
  const at = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('registry_imports')
      .values({ imported_at: at, rows: totals.imported, imported_by: user.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const removed =
      await sql`UPDATE campaign_contacts SET status = 'removed', last_outcome = 'registry', updated_at = ${at}
        WHERE status = 'pending'
          AND campaign_id IN (SELECT id FROM campaigns WHERE status != 'closed')
          AND phone IN (SELECT phone FROM optout_registry)`.execute(trx);
    const removedContacts = Number(removed.numAffectedRows ?? 0n);
    await trx.updateTable('campaigns').set({ registry_checked_at: at }).where('status', '!=', 'closed').execute();
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'optout_registry.imported',
      entityType: 'registry_import',
      entityId: id,
      details: { ...totals, removedContacts, rejectedLines: rejectedLines.slice(0, 100) },
    });
    return { importId: id, ...totals, removedContacts };
  });
}

function registryDate(value: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})(T.*)?$/.exec(value.trim());
  // Date.parse rolls 2026-02-30 over to 2 March: a real calendar day reads back as itself
  if (!m?.[1] || Number.isNaN(Date.parse(m[1])) || new Date(m[1]).toISOString().slice(0, 10) !== m[1]) return null;
  return m[1];
}
