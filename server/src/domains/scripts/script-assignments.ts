import type { FlowId } from '@valore/shared/reference/outcomes';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { ScriptAssignment } from '@valore/shared/schemas/script-definition';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { precompiled } from '../../db/precompiled';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { adminChange } from '../admin/admin-change';
import { publishedVersions } from './script-versions';

/**
 * Which version of a script a new contact plays (docs/scripts.md): the campaign's assignment, else the flow's, else
 * the default — a campaign's pinned script version, or the flow's newest published version. An assignment is one
 * version or an A/B split by weights (80/20); the choice is deterministic per contact (the same customer, or the same
 * work item when there is no customer, always gets the same version), so a retried claim or a reopened console plays
 * the same lines.
 */

type Split = { version: string; weight: number };

const scopeOf = (flow: FlowId, campaignId: number | null) =>
  campaignId === null ? `flow:${flow}` : `campaign:${campaignId}`;

/** FNV-1a, 32 bits: a stable, well-spread number for a contact key. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The version of a split a contact gets: its key's place in the weights' total. */
export function pickVersion(splits: readonly Split[], contactKey: string): string | null {
  const total = splits.reduce((n, s) => n + s.weight, 0);
  if (total <= 0) return null;
  let point = hash32(contactKey) % total;
  for (const s of splits) {
    if (point < s.weight) return s.version;
    point -= s.weight;
  }
  return splits.at(-1)?.version ?? null;
}

// every claimed work item reads them (precompiled: db/precompiled.ts)
const splitsByScope = precompiled((db, v: { scope: string }) =>
  db.selectFrom('script_assignments').select('splits').where('scope', '=', v.scope),
);

async function storedSplits(db: Executor, scope: string): Promise<Split[] | null> {
  const row = await splitsByScope.first(db, { scope });
  return row ? (JSON.parse(row.splits) as Split[]) : null;
}

const newestPublished = async (db: Executor, flow: FlowId) => (await publishedVersions(db, flow))[0] ?? null;

/**
 * The version a new contact of `flow` plays. `contactKey` makes the split deterministic (a customer id, or the work
 * item's id); `pinned` is a campaign's own script version (its default).
 */
export async function assignedVersion(
  db: Executor,
  args: { flow: FlowId; campaignId: number | null; pinned?: string | null; contactKey: string },
): Promise<string | null> {
  const key = `${args.flow}:${args.contactKey}`;
  if (args.campaignId !== null) {
    const campaign = await storedSplits(db, scopeOf(args.flow, args.campaignId));
    if (campaign?.length) return pickVersion(campaign, key);
    if (args.pinned) return args.pinned;
  }
  const flow = await storedSplits(db, scopeOf(args.flow, null));
  if (flow?.length) return pickVersion(flow, key);
  return newestPublished(db, args.flow);
}

export async function listAssignments(db: Executor): Promise<ScriptAssignment[]> {
  const rows = await db.selectFrom('script_assignments').select(['flow', 'campaign_id', 'splits']).execute();
  return rows.map((r) => ({
    flow: r.flow,
    campaignId: r.campaign_id,
    splits: JSON.parse(r.splits) as Split[],
    custom: true,
  }));
}

/** Sets (or, with no splits, clears) the assignment of a flow or a campaign: every version named must be published. */
export async function setAssignment(
  deps: AppDeps,
  user: SessionUser,
  input: { requestId?: string; flow: FlowId; campaignId: number | null; splits: Split[] },
  ip: string | null,
): Promise<ScriptAssignment> {
  const at = deps.clock.now().toISOString();
  const scope = scopeOf(input.flow, input.campaignId);
  return adminChange(deps, user, 'scripts.assignments.set', input, at, async (trx) => {
    if (input.campaignId !== null) {
      const campaign = await trx
        .selectFrom('campaigns')
        .select('id')
        .where('id', '=', input.campaignId)
        .executeTakeFirst();
      if (!campaign) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Campaign ${input.campaignId} does not exist.`);
      if (input.flow !== 'campaign') {
        throw new DomainError('BAD_REQUEST', 'VALIDATION', 'A campaign plays the campaign script.', {
          flow: ['A campaign plays the campaign script'],
        });
      }
    }
    const published = await publishedVersions(trx, input.flow);
    const bad = input.splits.filter((s) => !published.includes(s.version));
    if (bad.length) {
      throw new DomainError(
        'BAD_REQUEST',
        'VALIDATION',
        `Not a published ${input.flow} version: ${bad.map((b) => b.version).join(', ')}.`,
        { splits: [`Not a published version: ${bad.map((b) => b.version).join(', ')}`] },
      );
    }
    const before = await storedSplits(trx, scope);
    if (input.splits.length === 0) {
      await trx.deleteFrom('script_assignments').where('scope', '=', scope).execute();
    } else {
      const splits = JSON.stringify(input.splits);
      await trx
        .insertInto('script_assignments')
        .values({
          scope,
          flow: input.flow,
          campaign_id: input.campaignId,
          splits,
          updated_by: user.id,
          updated_at: at,
        })
        .onConflict((oc) => oc.column('scope').doUpdateSet({ splits, updated_by: user.id, updated_at: at }))
        .execute();
    }
    await insertAudit(trx, {
      at,
      actorId: user.id,
      action: 'script.assigned',
      entityType: 'script_assignment',
      entityId: scope,
      details: { from: before, to: input.splits },
      ip,
    });
    return { flow: input.flow, campaignId: input.campaignId, splits: input.splits, custom: input.splits.length > 0 };
  });
}
