import { machineFor } from '../scripts/script-versions';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { ScorecardDimension } from '@valore/shared/reference/quality';
import type {
  AcknowledgeScorecardInput,
  InteractionReview,
  Reviewable,
  SaveScorecardInput,
  ScorecardTemplate,
  ScorecardView,
  TemplateCreateInput,
  TemplateUpdateInput,
  TimelineStep,
} from '@valore/shared/schemas/quality';
import type { CoachingMessage } from '@valore/shared/schemas/monitor';
import { romeParts, romeToUtc } from '@valore/shared/time/rome-time';
import { UNRELEASE_WINDOW_MS } from '@valore/shared/schemas/quality';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { idempotentTransaction, userCaller } from '../audit/idempotency';
import { messagesOfInteraction } from '../monitor/coaching.service';
import { outcomesByProduct } from '../scripts/catalogue.repository';
import {
  findInteraction,
  findScorecard,
  findScorecardOf,
  findTemplate,
  insertScorecard,
  insertTemplate,
  listReleasedScorecardsOf,
  listReviewables,
  listTemplates,
  updateScorecard,
  updateTemplate,
  type InteractionForReview,
  type ScorecardViewRow,
  type TemplateRow,
} from './quality.repository';
import { stepTimeline, untimedTimeline, type StepSpan } from './timeline';

function parseDimensions(json: string): ScorecardDimension[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? (parsed as ScorecardDimension[]) : [];
}

function toTemplate(row: TemplateRow): ScorecardTemplate {
  return {
    id: row.id,
    name: row.name,
    dimensions: parseDimensions(row.dimensions),
    active: row.active === 1,
    updatedAt: row.updated_at,
  };
}

function toScorecardView(row: ScorecardViewRow): ScorecardView {
  return {
    id: row.id,
    interactionId: row.interaction_id,
    templateId: row.template_id,
    tutorName: row.tutor_name,
    operatorId: row.operator_id,
    operatorName: row.operator_name,
    dimensions: parseDimensions(row.dimensions),
    scores: JSON.parse(row.scores) as Record<string, number>,
    criticalError: row.critical_error === 1,
    comments: row.comments,
    status: row.status,
    createdAt: row.created_at,
    releasedAt: row.released_at,
    acknowledgedAt: row.acknowledged_at,
    flow: row.flow,
    outcome: row.outcome,
    startedAt: row.started_at,
  };
}

// ---------- templates ----------

export async function templates(deps: AppDeps, user: SessionUser): Promise<ScorecardTemplate[]> {
  return (await listTemplates(deps.db, { activeOnly: user.role !== 'admin' })).map(toTemplate);
}

export async function createTemplate(
  deps: AppDeps,
  user: SessionUser,
  input: TemplateCreateInput,
  ip: string | null,
): Promise<ScorecardTemplate> {
  const at = deps.clock.now().toISOString();
  const { response } = await idempotentTransaction(
    deps,
    { caller: userCaller(user), scope: 'quality.templates.create', key: input.requestId, input, at },
    async (trx) => {
      const id = await insertTemplate(trx, {
        name: input.name,
        dimensions: JSON.stringify(input.dimensions),
        active: 1,
        created_at: at,
        updated_at: at,
      });
      await insertAudit(trx, {
        at,
        actorId: user.id,
        action: 'scorecard_template.create',
        entityType: 'scorecard_template',
        entityId: id,
        details: { name: input.name },
        ip,
      });
      const row = await findTemplate(trx, id);
      if (!row) throw new DomainError('INTERNAL_SERVER_ERROR', 'NOT_FOUND', 'The template was not stored.');
      return toTemplate(row);
    },
  );
  return response;
}

export async function editTemplate(
  deps: AppDeps,
  user: SessionUser,
  input: TemplateUpdateInput,
  ip: string | null,
): Promise<ScorecardTemplate> {
  const at = deps.clock.now().toISOString();
  const { response } = await idempotentTransaction(
    deps,
    { caller: userCaller(user), scope: 'quality.templates.update', key: input.requestId, input, at },
    async (trx) => {
      const existing = await findTemplate(trx, input.id);
      if (!existing) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Scorecard template ${input.id} does not exist.`);
      // Given scorecards read their labels from the template: a removed dimension's score stays stored, unshown.
      await updateTemplate(trx, input.id, {
        name: input.name,
        dimensions: JSON.stringify(input.dimensions),
        active: input.active ? 1 : 0,
        updated_at: at,
      });
      await insertAudit(trx, {
        at,
        actorId: user.id,
        action: 'scorecard_template.update',
        entityType: 'scorecard_template',
        entityId: input.id,
        details: { name: input.name, active: input.active, dimensions: input.dimensions.map((d) => d.key) },
        ip,
      });
      const row = await findTemplate(trx, input.id);
      if (!row) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Scorecard template ${input.id} does not exist.`);
      return toTemplate(row);
    },
  );
  return response;
}

// ---------- reviewing ----------

function siteOf(user: SessionUser, siteId: number | undefined): number {
  if (user.role === 'admin') {
    if (siteId === undefined) throw new DomainError('BAD_REQUEST', 'VALIDATION', 'siteId: choose a site.');
    return siteId;
  }
  if (user.siteId === null || (siteId !== undefined && siteId !== user.siteId)) {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You can only review the contacts of your own site.');
  }
  return user.siteId;
}

/** Today's completed contacts of the tutor's site, newest first. */
export async function reviewables(deps: AppDeps, user: SessionUser, siteId: number | undefined): Promise<Reviewable[]> {
  const site = siteOf(user, siteId);
  const from = romeToUtc(romeParts(deps.clock.now()).date, 0).toISOString();
  const rows = await listReviewables(deps.db, site, from, user.id, 200);
  return rows.map((r) => ({
    interactionId: r.id,
    operatorId: r.operator_id,
    operatorName: r.operator_name,
    flow: r.flow,
    outcome: r.outcome,
    startedAt: r.started_at,
    handleMs: r.handle_ms,
    scorecardStatus: r.scorecard_status,
  }));
}

async function interactionInScope(
  db: Executor,
  user: SessionUser,
  interactionId: number,
): Promise<InteractionForReview> {
  const interaction = await findInteraction(db, interactionId);
  if (!interaction) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Interaction ${interactionId} does not exist.`);
  if (user.role !== 'admin' && interaction.site_id !== user.siteId) {
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You can only review the contacts of your own site.');
  }
  return interaction;
}

async function timelineOf(db: Executor, interaction: InteractionForReview): Promise<StepSpan[]> {
  const events = JSON.parse(interaction.events) as { type: string; at: string }[];
  const products = await outcomesByProduct(db);
  const preset =
    interaction.work_kind === 'campaign' || interaction.work_kind === 'callback' ? interaction.product_code : null;
  const found = await machineFor(db, interaction.flow, interaction.script_version);
  const machine = found.ok ? found.machine : undefined;
  // Consent at the time of the call is not stored beside it; the variant that replays is the one that happened.
  for (const hasMarketingConsent of [true, false]) {
    const spans = stepTimeline(
      machine,
      { customer: { id: interaction.customer_id, hasMarketingConsent }, products, presetProductCode: preset },
      events,
      interaction.started_at,
      interaction.ended_at,
    );
    if (spans) return spans;
  }
  return untimedTimeline(
    JSON.parse(interaction.path) as string[],
    events,
    interaction.started_at,
    interaction.ended_at,
  );
}

function pinMessages(
  spans: StepSpan[],
  messages: CoachingMessage[],
): { timeline: TimelineStep[]; other: CoachingMessage[] } {
  const timeline: TimelineStep[] = spans.map((s) => ({ ...s, messages: [] }));
  const other: CoachingMessage[] = [];
  for (const message of messages) {
    const candidates = timeline.filter((s) => s.step === message.step);
    const target = candidates.filter((s) => s.enteredAt <= message.sentAt).at(-1) ?? candidates[0];
    if (target) target.messages.push(message);
    else other.push(message);
  }
  return { timeline, other };
}

export async function interactionReview(
  deps: AppDeps,
  user: SessionUser,
  interactionId: number,
): Promise<InteractionReview> {
  const interaction = await interactionInScope(deps.db, user, interactionId);
  const existing = await findScorecardOf(deps.db, interaction.id, user.id);
  const template = existing
    ? await findTemplate(deps.db, existing.template_id)
    : (await listTemplates(deps.db, { activeOnly: true }))[0];
  if (!template)
    throw new DomainError(
      'NOT_FOUND',
      'NOT_FOUND',
      'No active scorecard template: ask an administrator to create one.',
    );
  const { timeline, other } = pinMessages(
    await timelineOf(deps.db, interaction),
    await messagesOfInteraction(deps.db, interaction.client_id),
  );
  return {
    interaction: {
      id: interaction.id,
      clientId: interaction.client_id,
      operatorId: interaction.operator_id,
      operatorName: interaction.operator_name,
      flow: interaction.flow,
      outcome: interaction.outcome,
      productCode: interaction.product_code,
      notes: interaction.notes,
      startedAt: interaction.started_at,
      endedAt: interaction.ended_at,
      handleMs: interaction.handle_ms,
      acwMs: interaction.acw_ms,
    },
    timeline,
    otherMessages: other,
    template: toTemplate(template),
    scorecard: existing ? toScorecardView(existing) : null,
  };
}

/** Saves the tutor's scorecard of a contact as a draft, or releases it to the operator. Released ones are final. */
export async function saveScorecard(
  deps: AppDeps,
  user: SessionUser,
  input: SaveScorecardInput,
  ip: string | null,
): Promise<ScorecardView> {
  const at = deps.clock.now().toISOString();
  const { response } = await idempotentTransaction(
    deps,
    { caller: userCaller(user), scope: `quality.saveScorecard:${user.id}`, key: input.requestId, input, at },
    async (trx) => {
      const interaction = await interactionInScope(trx, user, input.interactionId);
      const template = await findTemplate(trx, input.templateId);
      if (!template)
        throw new DomainError('BAD_REQUEST', 'NOT_FOUND', `Scorecard template ${input.templateId} does not exist.`);
      const keys = parseDimensions(template.dimensions).map((d) => d.key);
      const unknown = Object.keys(input.scores).filter((k) => !keys.includes(k));
      if (unknown.length > 0)
        throw new DomainError('BAD_REQUEST', 'VALIDATION', `scores: unknown dimensions ${unknown.join(', ')}.`);
      const missing = keys.filter((k) => input.scores[k] === undefined);
      if (input.release && missing.length > 0) {
        throw new DomainError(
          'BAD_REQUEST',
          'VALIDATION',
          `scores: score every dimension before releasing (missing: ${missing.join(', ')}).`,
        );
      }
      const existing = await findScorecardOf(trx, interaction.id, user.id);
      if (existing && existing.status !== 'draft') {
        throw new DomainError(
          'CONFLICT',
          'VALIDATION',
          'This scorecard was already released to the operator and can no longer change.',
        );
      }
      const values = {
        template_id: template.id,
        scores: JSON.stringify(input.scores),
        critical_error: input.criticalError ? (1 as const) : (0 as const),
        comments: input.comments && input.comments.length > 0 ? input.comments : null,
        status: input.release ? ('released' as const) : ('draft' as const),
        released_at: input.release ? at : null,
      };
      const id = existing
        ? (await updateScorecard(trx, existing.id, values), existing.id)
        : await insertScorecard(trx, {
            ...values,
            interaction_id: interaction.id,
            tutor_id: user.id,
            operator_id: interaction.operator_id,
            created_at: at,
          });
      await insertAudit(trx, {
        at,
        actorId: user.id,
        action: input.release ? 'scorecard.release' : 'scorecard.save_draft',
        entityType: 'scorecard',
        entityId: id,
        details: {
          interactionId: interaction.id,
          operatorId: interaction.operator_id,
          criticalError: input.criticalError,
        },
        ip,
      });
      const row = await findScorecard(trx, id);
      if (!row) throw new DomainError('INTERNAL_SERVER_ERROR', 'NOT_FOUND', 'The scorecard was not stored.');
      return toScorecardView(row);
    },
  );
  return response;
}

/**
 * Takes a release back (the tutor who released it, within UNRELEASE_WINDOW_MS, before the operator acknowledged it):
 * the scorecard is a draft again, out of the operator's list. Audited; idempotent by its request id.
 */
export async function unreleaseScorecard(
  deps: AppDeps,
  user: SessionUser,
  input: { requestId: string; scorecardId: number },
  ip: string | null,
): Promise<ScorecardView> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const { response } = await idempotentTransaction(
    deps,
    { caller: userCaller(user), scope: `quality.unrelease:${user.id}`, key: input.requestId, input, at },
    async (trx) => {
      const row = await findScorecard(trx, input.scorecardId);
      if (!row || row.tutor_id !== user.id)
        throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Scorecard ${input.scorecardId} does not exist.`);
      if (row.status !== 'released' || row.released_at === null)
        throw new DomainError(
          'CONFLICT',
          'VALIDATION',
          row.status === 'acknowledged'
            ? 'The operator has already acknowledged this scorecard: it can no longer be taken back.'
            : 'This scorecard is not released.',
        );
      if (now.getTime() - Date.parse(row.released_at) > UNRELEASE_WINDOW_MS)
        throw new DomainError('CONFLICT', 'VALIDATION', 'A release can be taken back only within 5 minutes.');
      await updateScorecard(trx, row.id, { status: 'draft', released_at: null });
      await insertAudit(trx, {
        at,
        actorId: user.id,
        action: 'scorecard.unrelease',
        entityType: 'scorecard',
        entityId: row.id,
        details: { operatorId: row.operator_id, releasedAt: row.released_at },
        ip,
      });
      const updated = await findScorecard(trx, row.id);
      if (!updated) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Scorecard ${input.scorecardId} does not exist.`);
      return toScorecardView(updated);
    },
  );
  return response;
}

// ---------- operator side ----------

export async function myScorecards(deps: AppDeps, user: SessionUser): Promise<ScorecardView[]> {
  return (await listReleasedScorecardsOf(deps.db, user.id, 50)).map(toScorecardView);
}

export async function acknowledgeScorecard(
  deps: AppDeps,
  user: SessionUser,
  input: AcknowledgeScorecardInput,
  ip: string | null,
): Promise<ScorecardView> {
  const at = deps.clock.now().toISOString();
  const { response } = await idempotentTransaction(
    deps,
    { caller: userCaller(user), scope: `quality.acknowledge:${user.id}`, key: input.requestId, input, at },
    async (trx) => {
      const row = await findScorecard(trx, input.scorecardId);
      // drafts and other operators' scorecards do not exist for this operator
      if (!row || row.operator_id !== user.id || row.status === 'draft') {
        throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Scorecard ${input.scorecardId} does not exist.`);
      }
      if (row.status === 'released') {
        await updateScorecard(trx, row.id, { status: 'acknowledged', acknowledged_at: at });
        await insertAudit(trx, {
          at,
          actorId: user.id,
          action: 'scorecard.acknowledge',
          entityType: 'scorecard',
          entityId: row.id,
          ip,
        });
      }
      const updated = await findScorecard(trx, row.id);
      if (!updated) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Scorecard ${input.scorecardId} does not exist.`);
      return toScorecardView(updated);
    },
  );
  return response;
}
