import { randomInt } from 'node:crypto';
import { objectionsOf } from '@valore/shared/flows/index';
import type { ScriptDefinition } from '@valore/shared/flows/definition';
import type { FlowInput } from '@valore/shared/flows/types';
import type { ValueOutcome } from '@valore/shared/reference/outcomes';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type {
  PracticeCompleteInput,
  PracticeCompleteOutput,
  PracticeReplyInput,
  PracticeStartInput,
  PracticeStartOutput,
} from '@valore/shared/schemas/practice';
import {
  personaOf,
  simulateReply,
  stepWeights,
  syntheticCustomer,
  type Persona,
  type PersonaReply,
  type PracticeWeights,
  type SyntheticCustomer,
} from '@valore/shared/training/personas';
import { replayPractice, type PracticePathEntry } from '@valore/shared/training/practice-play';
import { MAX_SEED } from '@valore/shared/training/practice-random';
import { practiceProblems, scorePractice } from '@valore/shared/training/practice-score';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { DomainError, fieldError } from '../../errors';
import { idempotentTransaction, userCaller } from '../audit/idempotency';
import { cachedOutcomesByProduct } from '../scripts/catalogue.repository';
import { listScriptVersions, machineFor } from '../scripts/script-versions';
import { findAssignment, requireAssignmentAllows } from './practice.sets';
import { flowAggregates, publishedScript } from './practice.sources';

/**
 * Practice contacts (docs/training.md, "Practice mode"): start one on a published script against a persona, let the
 * persona answer each step, complete it with the path the operator took. The server replays the path through the
 * script and scores it. Practice writes its own table and the idempotency record of each mutation (which hold no
 * customer data) and nothing else: no interaction, statistic, lead, appointment, outbox message, audit row, consent
 * or operator status — the operator stays in whatever state they are in.
 */

export function personaSummary(p: Persona) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    age: [p.age[0], p.age[1]] as [number, number],
    products: [...p.products],
    holds: [...p.holds],
  };
}

function personaOrThrow(id: string): Persona {
  const persona = personaOf(id);
  if (!persona) throw fieldError({ personaId: ['Choose one of the personas'] });
  return persona;
}

/** A campaign or a callback starts with a product: the persona's favourite one the script can close on. */
function presetFor(
  persona: Persona,
  def: ScriptDefinition,
  products: Record<string, readonly ValueOutcome[]>,
): string | null {
  if (def.flow !== 'campaign' && def.flow !== 'callback') return null;
  const fits = (code: string) =>
    (def.products === null || def.products.includes(code)) &&
    (products[code] ?? []).some((o) => def.valueOutcomes.includes(o)) &&
    !persona.holds.includes(code);
  return persona.products.find(fits) ?? Object.keys(products).find(fits) ?? null;
}

export async function startPractice(
  deps: AppDeps,
  user: SessionUser,
  input: PracticeStartInput,
): Promise<PracticeStartOutput> {
  const persona = personaOrThrow(input.personaId);
  const now = deps.clock.now();
  const at = now.toISOString();
  const seed = input.seed ?? randomInt(0, MAX_SEED + 1);
  const { response } = await idempotentTransaction(
    deps,
    { caller: userCaller(user), scope: 'practice.start', key: input.requestId, input, at },
    async (trx) => {
      const script = await publishedScript(trx, input.flow, input.version);
      if (input.assignmentId !== undefined) {
        const assignment = await findAssignment(trx, user.id, input.assignmentId);
        requireAssignmentAllows(assignment, script, persona.id);
      }
      const weights = stepWeights(await flowAggregates(trx, script.flow), persona);
      const customer = syntheticCustomer(persona, seed);
      const products = await cachedOutcomesByProduct(deps.db, trx, now.getTime());
      const flowInput = {
        customer: { id: null, hasMarketingConsent: customer.hasMarketingConsent },
        products: Object.fromEntries(Object.entries(products).map(([code, o]) => [code, [...o]])),
        presetProductCode: presetFor(persona, script.definition, products),
        leadFollowUp: false,
      };
      const row = await trx
        .insertInto('practice_contacts')
        .values({
          user_id: user.id,
          site_id: user.siteId,
          assignment_id: input.assignmentId ?? null,
          flow: script.flow,
          script_version: script.version,
          persona_id: persona.id,
          seed,
          customer: JSON.stringify(customer),
          weights: JSON.stringify(weights),
          flow_input: JSON.stringify(flowInput),
          started_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return {
        practiceId: row.id,
        seed,
        persona: personaSummary(persona),
        customer,
        weights,
        script: { ...script, definition: script.definition as PracticeStartOutput['script']['definition'] },
        input: flowInput,
        assignmentId: input.assignmentId ?? null,
        startedAt: at,
      } satisfies PracticeStartOutput;
    },
  );
  return response;
}

interface OwnContact {
  id: number;
  flow: PracticeStartOutput['script']['flow'];
  version: string;
  persona: Persona;
  seed: number;
  customer: SyntheticCustomer;
  weights: PracticeWeights;
  input: FlowInput;
  endedAt: string | null;
}

/** The caller's own practice contact; anyone else's is unknown to them (404, as one that does not exist). */
async function ownContact(db: Executor, user: SessionUser, practiceId: number): Promise<OwnContact> {
  const row = await db
    .selectFrom('practice_contacts')
    .selectAll()
    .where('id', '=', practiceId)
    .where('user_id', '=', user.id)
    .executeTakeFirst();
  if (!row) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `There is no practice contact ${practiceId} of yours.`);
  return {
    id: row.id,
    flow: row.flow,
    version: row.script_version,
    persona: personaOrThrow(row.persona_id),
    seed: row.seed,
    customer: JSON.parse(row.customer) as SyntheticCustomer,
    weights: JSON.parse(row.weights) as PracticeWeights,
    input: JSON.parse(row.flow_input) as FlowInput,
    endedAt: row.ended_at,
  };
}

async function machineOf(db: Executor, contact: Pick<OwnContact, 'flow' | 'version'>) {
  const found = await machineFor(db, contact.flow, contact.version);
  if (!found.ok) {
    throw new DomainError('NOT_FOUND', 'NOT_FOUND', `The script ${contact.flow} ${contact.version} is not available.`);
  }
  return found.machine;
}

/**
 * The persona's reply at a step: simulateReply with the contact's persona, seed and weights, the product it started
 * with and the objections its script prepared (the console may compute the same locally from practice.start's answer).
 */
export async function practiceReply(
  deps: AppDeps,
  user: SessionUser,
  input: PracticeReplyInput,
): Promise<PersonaReply> {
  const contact = await ownContact(deps.db, user, input.practiceId);
  const machine = await machineOf(deps.db, contact);
  return simulateReply(contact.persona, contact.weights, {
    seed: contact.seed,
    step: input.step,
    turn: input.turn,
    options: {
      ...input.options,
      presetProductCode: contact.input.presetProductCode,
      preparedObjections: objectionsOf(machine).map((o) => o.code),
    },
  });
}

/** Completes a practice contact: checks and replays its path through its script, scores it, keeps it. */
export async function completePractice(
  deps: AppDeps,
  user: SessionUser,
  input: PracticeCompleteInput,
): Promise<PracticeCompleteOutput> {
  const at = deps.clock.now().toISOString();
  const { response } = await idempotentTransaction(
    deps,
    { caller: userCaller(user), scope: 'practice.complete', key: input.requestId, input, at },
    async (trx) => {
      const contact = await ownContact(trx, user, input.practiceId);
      if (contact.endedAt !== null) {
        throw new DomainError('CONFLICT', 'VALIDATION', `Practice contact ${contact.id} is already completed.`);
      }
      const path = input.path as PracticePathEntry[];
      const problems = practiceProblems({ ...input, path });
      if (problems.length) throw fieldError(Object.fromEntries(problems.map((p) => [p.path, [p.message]])));
      const replay = replayPractice(await machineOf(trx, contact), contact.input, path);
      if (!replay.ok) {
        throw new DomainError('BAD_REQUEST', 'REPLAY_REJECTED', `The script does not allow this path.`, {
          [replay.problem.path]: [replay.problem.message],
        });
      }
      if (replay.outcome !== input.outcome) {
        throw new DomainError('BAD_REQUEST', 'REPLAY_REJECTED', `The path ends in "${replay.outcome}".`, {
          outcome: [`The path ends in "${replay.outcome}", not in "${input.outcome}"`],
        });
      }
      const script = await publishedOrRetired(trx, contact);
      const score = scorePractice({
        definition: script,
        customerHadConsent: contact.input.customer.hasMarketingConsent,
        path,
        outcome: replay.outcome,
        objections: input.objections,
        durationMs: input.durationMs,
      });
      await trx
        .updateTable('practice_contacts')
        .set({
          ended_at: at,
          duration_ms: input.durationMs,
          path: JSON.stringify(path),
          outcome: replay.outcome,
          score: JSON.stringify(score),
          total_score: score.total,
        })
        .where('id', '=', contact.id)
        .execute();
      return { practiceId: contact.id, outcome: replay.outcome, score, completedAt: at };
    },
  );
  return response;
}

/** The definition of the version the contact played (still there if it was retired meanwhile). */
async function publishedOrRetired(db: Executor, contact: Pick<OwnContact, 'flow' | 'version'>) {
  const found = (await listScriptVersions(db)).find((v) => v.flow === contact.flow && v.version === contact.version);
  if (!found) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `The script ${contact.flow} ${contact.version} is gone.`);
  return found.definition as ScriptDefinition;
}
