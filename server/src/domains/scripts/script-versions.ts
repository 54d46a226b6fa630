import { BUILTIN_SCRIPTS } from '@valore/shared/flows/builtin-scripts';
import { compileScript, type CompiledScript } from '@valore/shared/flows/compile';
import { compareVersions, definitionProblems, type ScriptDefinition } from '@valore/shared/flows/definition';
import type { FlowId } from '@valore/shared/reference/outcomes';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { ScriptVersionDetail, ScriptVersionSummary } from '@valore/shared/schemas/script-definition';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { precompiled } from '../../db/precompiled';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { adminChange } from '../admin/admin-change';

/**
 * Script versions (docs/scripts.md): the scripts shipped with the product (flows/builtin-scripts.ts) and the ones made
 * in the studio (table script_versions). A draft is edited freely; publishing makes it immutable; retiring stops new
 * contacts on it while every contact recorded under it still replays. This module is the one place the server finds
 * the machine of a (flow, version): the replay of every completion goes through machineFor.
 */

const builtin = (flow: FlowId, version: string) =>
  BUILTIN_SCRIPTS.find((d) => d.flow === flow && d.version === version);

/** Published definitions never change: their compiled machines are kept (also those of builtins). */
const compiled = new Map<string, CompiledScript>();

function compiledOf(def: ScriptDefinition): CompiledScript {
  const key = `${def.flow}@${def.version}`;
  let machine = compiled.get(key);
  if (!machine) {
    machine = compileScript(def);
    compiled.set(key, machine);
  }
  return machine;
}

// every completion reads it (precompiled: db/precompiled.ts)
const versionRow = precompiled((db, v: { flow: FlowId; version: string }) =>
  db
    .selectFrom('script_versions')
    .select(['status', 'definition'])
    .where('flow', '=', v.flow)
    .where('version', '=', v.version),
);

export type MachineLookup =
  { ok: true; machine: CompiledScript; retired: boolean } | { ok: false; reason: 'unknown' | 'draft' };

/** The machine a contact recorded under (flow, version) replays with. */
export async function machineFor(db: Executor, flow: FlowId, version: string): Promise<MachineLookup> {
  const row = await versionRow.first(db, { flow, version });
  if (row) {
    if (row.status === 'draft') return { ok: false, reason: 'draft' };
    return {
      ok: true,
      machine: compiledOf(JSON.parse(row.definition) as ScriptDefinition),
      retired: row.status === 'retired',
    };
  }
  const shipped = builtin(flow, version);
  return shipped ? { ok: true, machine: compiledOf(shipped), retired: false } : { ok: false, reason: 'unknown' };
}

// every claimed work item reads them (precompiled: db/precompiled.ts)
const versionsOfFlow = precompiled((db, v: { flow: FlowId }) =>
  db.selectFrom('script_versions').select(['version', 'status']).where('flow', '=', v.flow),
);

/** The published versions of a flow, newest first, without their definitions (builtins included unless retired). */
export async function publishedVersions(db: Executor, flow: FlowId): Promise<string[]> {
  const stored = await versionsOfFlow.execute(db, { flow });
  const versions = stored.filter((r) => r.status === 'published').map((r) => r.version);
  for (const d of BUILTIN_SCRIPTS) {
    if (d.flow === flow && !stored.some((r) => r.version === d.version)) versions.push(d.version);
  }
  return versions.sort((a, b) => compareVersions(b, a));
}

type Row = {
  flow: FlowId;
  version: string;
  status: 'draft' | 'published' | 'retired';
  definition: string;
  note: string | null;
  updated_at: string;
  published_at: string | null;
  display_name: string | null;
};

async function rows(db: Executor, flow?: FlowId, version?: string): Promise<Row[]> {
  let q = db
    .selectFrom('script_versions as s')
    .leftJoin('users as u', 'u.id', 's.updated_by')
    .select([
      's.flow',
      's.version',
      's.status',
      's.definition',
      's.note',
      's.updated_at',
      's.published_at',
      'u.display_name',
    ]);
  if (flow) q = q.where('s.flow', '=', flow);
  if (version) q = q.where('s.version', '=', version);
  return q.execute();
}

/** Every version of every flow, newest first per flow: builtins (unless a row overrides them) and studio rows. */
export async function listScriptVersions(db: Executor): Promise<ScriptVersionDetail[]> {
  const stored = await rows(db);
  const out: ScriptVersionDetail[] = stored.map((r) => ({
    flow: r.flow,
    version: r.version,
    status: r.status,
    builtin: builtin(r.flow, r.version) !== undefined,
    note: r.note,
    updatedAt: r.updated_at,
    updatedBy: r.display_name,
    publishedAt: r.published_at,
    definition: JSON.parse(r.definition) as ScriptVersionDetail['definition'],
  }));
  for (const d of BUILTIN_SCRIPTS) {
    if (out.some((v) => v.flow === d.flow && v.version === d.version)) continue;
    out.push({
      flow: d.flow,
      version: d.version,
      status: 'published',
      builtin: true,
      note: null,
      updatedAt: null,
      updatedBy: null,
      publishedAt: null,
      definition: d as ScriptVersionDetail['definition'],
    });
  }
  return out.sort((a, b) => a.flow.localeCompare(b.flow) || compareVersions(b.version, a.version));
}

export function summaryOf(v: ScriptVersionDetail): ScriptVersionSummary {
  const { definition: _definition, ...summary } = v;
  return summary;
}

async function findVersion(db: Executor, flow: FlowId, version: string): Promise<ScriptVersionDetail | undefined> {
  return (await listScriptVersions(db)).find((v) => v.flow === flow && v.version === version);
}

/** The definition's problems as a 400 with a message per field path (docs/scripts.md). */
function requireValid(def: ScriptDefinition): void {
  const problems = definitionProblems(def);
  if (problems.length === 0) return;
  const fields: Record<string, string[]> = {};
  for (const p of problems) (fields[`definition.${p.path}`] ??= []).push(p.message);
  throw new DomainError('BAD_REQUEST', 'VALIDATION', `The script cannot be saved: ${problems[0]?.message}.`, fields);
}

/** A studio change: idempotent with a requestId, audited in its transaction (admin/admin-change.ts). */
function change<T>(
  deps: AppDeps,
  user: SessionUser,
  scope: string,
  input: { requestId?: string | undefined },
  effect: (trx: Executor, at: string) => Promise<T>,
): Promise<T> {
  const at = deps.clock.now().toISOString();
  return adminChange(deps, user, scope, input, at, (trx) => effect(trx, at));
}

/** Creates or updates a draft; a published or retired version (or a builtin) cannot be edited: make a new version. */
export async function saveDraft(
  deps: AppDeps,
  user: SessionUser,
  input: { requestId?: string; definition: ScriptDefinition; note?: string },
  ip: string | null,
): Promise<ScriptVersionDetail> {
  const def = input.definition;
  requireValid(def);
  return change(deps, user, 'scripts.versions.saveDraft', input, async (trx, at) => {
    const existing = await findVersion(trx, def.flow, def.version);
    if (existing && existing.status !== 'draft') {
      throw new DomainError(
        'CONFLICT',
        'VALIDATION',
        `${def.flow} ${def.version} is ${existing.status}: it cannot change. Save the changes as a new version.`,
        { 'definition.version': ['Already published: choose a new version number'] },
      );
    }
    await trx
      .insertInto('script_versions')
      .values({
        flow: def.flow,
        version: def.version,
        status: 'draft',
        definition: JSON.stringify(def),
        note: input.note ?? null,
        updated_by: user.id,
        updated_at: at,
        published_at: null,
        retired_at: null,
      })
      .onConflict((oc) =>
        oc.columns(['flow', 'version']).doUpdateSet({
          definition: JSON.stringify(def),
          note: input.note ?? null,
          updated_by: user.id,
          updated_at: at,
        }),
      )
      .execute();
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: existing ? 'script.draft_updated' : 'script.draft_created',
      entityType: 'script_version',
      entityId: `${def.flow}@${def.version}`,
      details: { note: input.note ?? null },
      ip,
    });
    return (await findVersion(trx, def.flow, def.version)) as ScriptVersionDetail;
  });
}

/** A draft becomes a published version: immutable from now on, and contacts may be recorded under it. */
export async function publishVersion(
  deps: AppDeps,
  user: SessionUser,
  input: { requestId?: string; flow: FlowId; version: string; note: string },
  ip: string | null,
): Promise<ScriptVersionDetail> {
  return change(deps, user, 'scripts.versions.publish', input, async (trx, at) => {
    const v = await findVersion(trx, input.flow, input.version);
    if (!v) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `There is no ${input.flow} ${input.version}.`);
    if (v.status !== 'draft') {
      throw new DomainError('CONFLICT', 'VALIDATION', `${input.flow} ${input.version} is already ${v.status}.`);
    }
    const newest = (await listScriptVersions(trx))
      .filter((x) => x.flow === input.flow && x.status !== 'draft')
      .map((x) => x.version)
      .sort(compareVersions)
      .at(-1);
    if (newest && compareVersions(input.version, newest) <= 0) {
      throw new DomainError('BAD_REQUEST', 'VALIDATION', `A new version must come after ${newest}.`, {
        version: [`Choose a version after ${newest}`],
      });
    }
    requireValid(v.definition as ScriptDefinition);
    await trx
      .updateTable('script_versions')
      .set({ status: 'published', note: input.note, published_at: at, updated_by: user.id, updated_at: at })
      .where('flow', '=', input.flow)
      .where('version', '=', input.version)
      .execute();
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'script.published',
      entityType: 'script_version',
      entityId: `${input.flow}@${input.version}`,
      details: { note: input.note },
      ip,
    });
    return (await findVersion(trx, input.flow, input.version)) as ScriptVersionDetail;
  });
}

/** No new contacts on this version; the contacts recorded under it still replay. */
export async function retireVersion(
  deps: AppDeps,
  user: SessionUser,
  input: { requestId?: string; flow: FlowId; version: string },
  ip: string | null,
): Promise<ScriptVersionDetail> {
  return change(deps, user, 'scripts.versions.retire', input, async (trx, at) => {
    const v = await findVersion(trx, input.flow, input.version);
    if (!v) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `There is no ${input.flow} ${input.version}.`);
    if (v.status === 'draft') {
      throw new DomainError('CONFLICT', 'VALIDATION', 'A draft is not in use: there is nothing to retire.');
    }
    if (v.status === 'retired') return v;
    const live = (await listScriptVersions(trx)).filter((x) => x.flow === input.flow && x.status === 'published');
    if (live.length <= 1) {
      throw new DomainError(
        'CONFLICT',
        'VALIDATION',
        `${input.flow} ${input.version} is the flow's only published version: publish another first.`,
      );
    }
    await trx
      .insertInto('script_versions')
      .values({
        flow: input.flow,
        version: input.version,
        status: 'retired',
        definition: JSON.stringify(v.definition),
        note: v.note,
        updated_by: user.id,
        updated_at: at,
        published_at: v.publishedAt,
        retired_at: at,
      })
      .onConflict((oc) =>
        oc
          .columns(['flow', 'version'])
          .doUpdateSet({ status: 'retired', retired_at: at, updated_by: user.id, updated_at: at }),
      )
      .execute();
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'script.retired',
      entityType: 'script_version',
      entityId: `${input.flow}@${input.version}`,
      details: {},
      ip,
    });
    return (await findVersion(trx, input.flow, input.version)) as ScriptVersionDetail;
  });
}
