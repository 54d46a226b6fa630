import { createHash, randomUUID } from 'node:crypto';
import type {
  CallbackBoard,
  CallbackRequestBody,
  CallbackRequestCreated,
  IntakeProduct,
} from '@valore/shared/schemas/callbacks';
import { addDays, romeParts, romeToUtc } from '@valore/shared/time/rome-time';
import { describeServiceCalendar, isWithinServiceCalendar } from '@valore/shared/time/service-calendar';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { Executor } from '../../db/database';
import { LEAD_FOLLOW_UP_MAX_ATTEMPTS } from '../work/lifecycle';
import { intakeConfig, type AppDeps } from '../../deps';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import { requestHash } from '../audit/idempotency';
import { normalisePhone } from '../customers/customers.service';
import { maskPhone } from '../customers/masking';
import { confirmScheduledCallbackRequest } from '../self-service/callback-confirmation';
import { requireCallbackCapacity } from './callback-capacity';

/** The intake's refusal of a full half-hour lives with the rule (callback-capacity.ts). */
export { SlotFullError } from './callback-capacity';
import {
  activeProducts,
  answeredNowRequests,
  customerExists,
  findByIdempotencyKey,
  insertCallbackRequest,
  isActiveProduct,
  openBoardItems,
  openCounts,
  uniqueCustomerByPhone,
} from './callbacks.repository';

/** A scheduled slot further out than this is almost certainly a mistake in the date. */
export const MAX_SCHEDULE_DAYS = 30;
const MINUTE = 60_000;

export type FieldErrors = Record<string, string[]>;

/** Bad input found after the schema passed (unknown product, customer, slot outside the calendar): 400 per field. */
export class IntakeFieldError extends DomainError {
  declare readonly fields: FieldErrors;
  constructor(fields: FieldErrors) {
    super(
      'BAD_REQUEST',
      'VALIDATION',
      'Some fields are not valid: ' +
        Object.entries(fields)
          .map(([field, messages]) => `${field}: ${messages.join(', ')}`)
          .join('; '),
      fields,
    );
  }
}

/** A short, stable id of an API key: scopes idempotency keys and audit rows without storing the key. */
export function apiKeyId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** `GET /api/v1/products`: the active catalogue, with the Italian names the web site shows. */
export async function listIntakeProducts(deps: AppDeps): Promise<IntakeProduct[]> {
  return (await activeProducts(deps.db)).map((p) => ({ code: p.code, name: p.nameIt, outcomes: p.outcomes }));
}

interface Resolved {
  phone: string;
  customerId: number | null;
  dueAt: string;
  dueBy: string;
  preferredAt: string | null;
}

/** The checks the schema cannot make: they need the database, the clock and the service calendar. */
async function resolveRequest(trx: Executor, deps: AppDeps, body: CallbackRequestBody, now: Date): Promise<Resolved> {
  const config = intakeConfig(deps.config);
  const fields: FieldErrors = {};
  const add = (field: string, message: string) => (fields[field] ??= []).push(message);

  const phone = normalisePhone(body.phone);
  if (!phone) add('phone', 'Use an Italian phone number, e.g. +39 347 123 4567');

  if (!(await isActiveProduct(trx, body.product))) {
    add('product', `"${body.product}" is not an active catalogue product; GET /api/v1/products lists the codes`);
  }

  let customerId: number | null = null;
  if (body.customerId !== undefined) {
    const id = Number(body.customerId);
    if (!Number.isSafeInteger(id) || !(await customerExists(trx, id)))
      add('customerId', `No customer with id ${body.customerId}`);
    else customerId = id;
  } else if (phone) {
    customerId = (await uniqueCustomerByPhone(trx, phone))?.id ?? null;
  }

  let dueAt = now;
  let dueBy = new Date(now.getTime() + config.callMeNowTargetMinutes * MINUTE);
  let preferredAt: string | null = null;
  if (body.mode === 'scheduled' && body.preferredAt !== undefined) {
    const slot = new Date(body.preferredAt);
    if (slot.getTime() <= now.getTime()) {
      add('preferredAt', 'preferredAt must be in the future');
    } else if (slot.getTime() > now.getTime() + MAX_SCHEDULE_DAYS * 24 * 60 * MINUTE) {
      add('preferredAt', `preferredAt must be within ${MAX_SCHEDULE_DAYS} days`);
    } else if (!isWithinServiceCalendar(slot)) {
      add('preferredAt', `preferredAt must fall within the service hours: ${describeServiceCalendar()}`);
    }
    dueAt = slot;
    dueBy = new Date(slot.getTime() + config.scheduledToleranceMinutes * MINUTE);
    preferredAt = slot.toISOString();
  }

  if (Object.keys(fields).length > 0 || !phone) throw new IntakeFieldError(fields);
  return { phone, customerId, dueAt: dueAt.toISOString(), dueBy: dueBy.toISOString(), preferredAt };
}

/**
 * Queues a Call Me Back / Call Me Now request. With an Idempotency-Key the same key and body return the first
 * answer, and a different body under a used key is refused; the lookup, the insert and the audit row share one
 * transaction, so concurrent retries leave exactly one request. A scheduled request is taken only into a half-hour
 * with capacity left (callback-capacity.ts), checked in that same transaction, so a burst never overbooks; a retry of
 * a request already taken replays its answer before any check.
 */
export async function createCallbackRequest(
  deps: AppDeps,
  args: { body: CallbackRequestBody; apiKey: string; idempotencyKey: string | null; ip: string | null },
): Promise<{ response: CallbackRequestCreated; replayed: boolean }> {
  const keyId = apiKeyId(args.apiKey);
  const scopedKey = args.idempotencyKey === null ? null : `${keyId}:${args.idempotencyKey}`;
  const hash = requestHash(args.body);
  const attempt = () =>
    deps.db.transaction().execute(async (trx) => {
      if (scopedKey !== null) {
        const existing = await findByIdempotencyKey(trx, scopedKey);
        if (existing) {
          if (existing.requestHash !== hash) {
            throw new DomainError(
              'CONFLICT',
              'IDEMPOTENCY_MISMATCH',
              `The Idempotency-Key "${args.idempotencyKey}" was already used for a different request. Use a new key for a new request.`,
            );
          }
          return { response: { id: existing.id, dueBy: existing.dueBy }, replayed: true };
        }
      }
      const now = deps.clock.now();
      const resolved = await resolveRequest(trx, deps, args.body, now);
      if (resolved.preferredAt !== null) {
        // checked in the transaction that inserts: the next request is judged after this one's row exists
        await requireCallbackCapacity(trx, {
          at: new Date(resolved.preferredAt),
          now,
          latest: new Date(now.getTime() + MAX_SCHEDULE_DAYS * 24 * 60 * MINUTE),
          contactsPerHalfHour: intakeConfig(deps.config).callbackContactsPerHalfHour,
        });
      }
      const id = randomUUID();
      const at = now.toISOString();
      await insertCallbackRequest(trx, {
        id,
        phone: resolved.phone,
        customer_id: resolved.customerId,
        product_code: args.body.product,
        mode: args.body.mode,
        channel: args.body.channel,
        preferred_at: resolved.preferredAt,
        note: args.body.note?.trim() || null,
        language: args.body.language ?? null,
        due_at: resolved.dueAt,
        due_by: resolved.dueBy,
        max_attempts: intakeConfig(deps.config).callbackMaxAttempts,
        lease_owner: null,
        lease_expires_at: null,
        idempotency_key: scopedKey,
        request_hash: scopedKey === null ? null : hash,
        created_at: at,
        answered_at: null,
        updated_at: at,
      });
      await insertAudit(trx, {
        at,
        actorId: null,
        action: 'callback_request.created',
        entityType: 'callback_request',
        entityId: id,
        details: {
          apiKeyId: keyId,
          mode: args.body.mode,
          channel: args.body.channel,
          productCode: args.body.product,
          customerId: resolved.customerId,
          dueAt: resolved.dueAt,
          dueBy: resolved.dueBy,
        },
        ip: args.ip,
      });
      if (args.body.mode === 'scheduled' && deps.config.publicUrl) {
        // the customer's confirmation carries the link to move or cancel it themselves
        await confirmScheduledCallbackRequest(trx, {
          callbackId: id,
          customerId: resolved.customerId,
          phone: resolved.phone,
          dueAt: resolved.dueAt,
          now,
          publicUrl: deps.config.publicUrl,
          language: args.body.language ?? null,
        });
      }
      return { response: { id, dueBy: resolved.dueBy }, replayed: false };
    });
  try {
    return await attempt();
  } catch (error) {
    // Another process inserted the same key between our lookup and insert: its row is the answer.
    if (scopedKey !== null && isUniqueViolation(error)) return attempt();
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * The SLA board: every open promise the viewer may see — the Call Me Back / Call Me Now queue of every site, and the
 * callbacks agreed by their site's operators and the site's lead follow-ups, with who owns and who holds each.
 */
export async function callbackBoard(
  deps: AppDeps,
  user: SessionUser,
  input: { limit: number },
): Promise<CallbackBoard> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const today = romeParts(now).date;
  const intake = intakeConfig(deps.config);
  const scope = {
    siteId: user.role === 'admin' ? null : (user.siteId ?? -1),
    toleranceMinutes: intake.scheduledToleranceMinutes,
    leadMaxAttempts: LEAD_FOLLOW_UP_MAX_ATTEMPTS,
  };
  const [rows, counts, answered] = await Promise.all([
    openBoardItems(deps.db, scope, input.limit),
    openCounts(deps.db, scope, at),
    answeredNowRequests(deps.db, romeToUtc(today, 0).toISOString(), romeToUtc(addDays(today, 1), 0).toISOString()),
  ]);
  return {
    now: at,
    targetMinutes: intake.callMeNowTargetMinutes,
    counts: {
      waiting: counts.waiting,
      scheduled: counts.scheduled,
      claimed: counts.claimed,
      breached: counts.breached,
      answeredToday: answered.answered,
      answeredWithinTargetToday: answered.withinTarget,
    },
    items: rows.map((r) => {
      // an expired lease puts the request back in the queue, whatever the row still says
      const held =
        r.status === 'claimed' && r.lease_owner !== null && (r.lease_expires_at === null || r.lease_expires_at > at);
      return {
        workItemId: `${r.kind}:${r.id}`,
        id: r.id,
        kind: r.kind,
        origin: r.origin,
        mode: r.mode,
        channel: r.channel,
        productCode: r.product_code,
        productName: r.name_it !== null && r.name_en !== null ? { it: r.name_it, en: r.name_en } : null,
        owner: r.owner_id !== null ? { userId: r.owner_id, displayName: r.owner_name ?? '' } : null,
        personalUntil: r.personal_until,
        phoneMasked: maskPhone(r.phone),
        customerId: r.customer_id,
        status: held ? 'claimed' : 'pending',
        createdAt: r.created_at,
        preferredAt: r.preferred_at,
        dueAt: r.due_at,
        dueBy: r.due_by,
        attempts: r.attempts,
        maxAttempts: r.max_attempts,
        heldBy: held && r.lease_owner !== null ? { userId: r.lease_owner, displayName: r.holder_name ?? '' } : null,
        breached: r.due_by < at,
        due: r.due_at <= at,
      };
    }),
    truncated: counts.open > rows.length,
  };
}
