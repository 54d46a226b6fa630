import {
  LATE_CALLBACKS_SHOWN,
  type LateCallback,
  type QueueFigures,
  type QueueTile,
} from '@valore/shared/schemas/monitor';
import { romeParts, romeToUtc } from '@valore/shared/time/rome-time';
import type { Executor } from '../../db/database';
import { intakeConfig, type AppConfig } from '../../deps';
import { activeCampaignsOfSite } from '../work/work.repository';
import {
  callbackQueues,
  callbackServiceLevel,
  campaignQueue,
  lateCallbacks,
  leadQueue,
  type LateCallbackRow,
} from './queues.repository';

/**
 * The monitor's queue and service-level tiles (docs/console.md, "Queues and service level"): one per queue work.next
 * takes from, in its order — Call Me Now, callbacks (Call Me Back and agreed ones), the site's lead follow-ups, each
 * active campaign of the site — with the site's late callbacks, which a tutor may reassign (reassign.service.ts).
 */
export async function readQueueFigures(
  db: Executor,
  config: AppConfig,
  siteId: number,
  now: Date,
): Promise<QueueFigures> {
  const at = now.toISOString();
  const from = romeToUtc(romeParts(now).date, 0).toISOString();
  const tolerance = intakeConfig(config).scheduledToleranceMinutes;
  const [callbacks, levels, leads, campaigns, late] = await Promise.all([
    callbackQueues(db, siteId, at),
    callbackServiceLevel(db, siteId, from, at),
    leadQueue(db, siteId, at, tolerance),
    activeCampaignsOfSite(db, siteId),
    lateCallbacks(db, siteId, at, LATE_CALLBACKS_SHOWN),
  ]);
  const callbackTile = (mode: 'now' | 'scheduled'): QueueTile => {
    const row = callbacks.find((r) => r.mode === mode);
    const level = levels.find((r) => r.mode === mode);
    return {
      key: mode === 'now' ? 'call_me_now' : 'callbacks',
      kind: mode === 'now' ? 'call_me_now' : 'callbacks',
      campaignId: null,
      campaignName: null,
      waiting: row?.waiting ?? 0,
      held: row?.held ?? 0,
      late: row?.late ?? 0,
      oldestWaitingSince: row?.oldest_waiting ?? null,
      nearestDueBy: row?.nearest_due_by ?? null,
      slTotal: level?.total ?? 0,
      slWithin: level?.within ?? 0,
    };
  };
  const campaignTiles: QueueTile[] = [];
  for (const c of [...campaigns].sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id)) {
    const q = await campaignQueue(db, c.id, at);
    campaignTiles.push({
      key: `campaign:${c.id}`,
      kind: 'campaign',
      campaignId: c.id,
      campaignName: c.name,
      waiting: q.waiting,
      held: q.held,
      late: null,
      oldestWaitingSince: q.oldest_waiting,
      nearestDueBy: null,
      slTotal: null,
      slWithin: null,
    });
  }
  return {
    queues: [
      callbackTile('now'),
      callbackTile('scheduled'),
      {
        key: 'lead_followups',
        kind: 'lead_followups',
        campaignId: null,
        campaignName: null,
        waiting: leads.waiting,
        held: leads.held,
        late: leads.late,
        oldestWaitingSince: leads.oldest_waiting,
        nearestDueBy: leads.nearest_due_by,
        // a follow-up keeps no record of when it was answered against its time: no service level
        slTotal: null,
        slWithin: null,
      },
      ...campaignTiles,
    ],
    lateCallbacks: late.map((r) => toLateCallback(r, at)),
  };
}

function toLateCallback(r: LateCallbackRow, at: string): LateCallback {
  const held = r.status === 'claimed' && r.lease_owner !== null && (r.lease_expires_at ?? '') > at;
  return {
    id: r.id,
    mode: r.mode,
    productCode: r.product_code,
    productName: r.name_it !== null && r.name_en !== null ? { it: r.name_it, en: r.name_en } : null,
    customerName: r.first_name ? `${r.first_name} ${r.last_name ?? ''}`.trim() : null,
    dueBy: r.due_by,
    owner: r.owner_id !== null ? { userId: r.owner_id, displayName: r.owner_name ?? '' } : null,
    heldBy: held && r.lease_owner !== null ? { userId: r.lease_owner, displayName: r.holder_name ?? '' } : null,
  };
}
