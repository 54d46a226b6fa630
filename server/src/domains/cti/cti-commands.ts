import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { SessionUser } from '@valore/shared/schemas/auth';
import type { CtiAction, CtiCommand, CtiCommandInput } from '@valore/shared/schemas/cti';
import type { Executor } from '../../db/database';
import type { AppDeps } from '../../deps';
import { DomainError } from '../../errors';
import type { Logger } from '../../logger';
import { topics } from '../../realtime/event-bus';
import { repeatEvery } from '../../repeat';
import { insertAudit } from '../audit/audit.repository';
import { idempotentTransaction, userCaller } from '../audit/idempotency';
import { CALL_MAX_HOURS, handlingBasis } from '../customers/access-policy';
import { maskPhone } from '../customers/masking';
import { findCtiCall } from './cti.repository';
import type { CtiCommandsTable } from './cti.table';

/**
 * Call commands (issue 18, docs/cti.md): the console asks, the server decides and records, a dispatcher hands the
 * command to the telephony platform through an adapter — the structured log by default, or a signed webhook.
 *
 * - **The server decides.** An operator commands only their own calls, in a state where the command makes sense
 *   (answer a ringing call, hold an answered one…); dials only a customer they are handling now (a work item, a call,
 *   the contact just closed, a contact started from search — not a break-glass read), never while on another call.
 * - **Nothing lost, nothing doubled.** The command, the console's request id and the audit row commit together; the
 *   dispatcher retries a failed hand-over with backoff, and the platform gets the command's id as `Idempotency-Key`,
 *   so a retry after an answer that was lost is recognised there. A command still not handed over after
 *   COMMAND_MAX_AGE_MS is failed: a dial placed a minute late would surprise the customer and the operator.
 * - **The number stays on the server.** The customer's unmasked number is read when the command is sent and goes
 *   only to the platform; the console, the command row and the log see it masked.
 */

/** What the platform receives (JSON body of the webhook; the log adapter writes it with the number masked). */
export interface CtiCommandMessage {
  id: number;
  action: CtiAction;
  /** The operator's username (the platform knows its agents by it, as in the CTI events). */
  operator: string;
  callId: string | null;
  /** dial: the number to call, in +39… form. */
  number: string | null;
  customerId: number | null;
  /** transfer: an extension, queue or username. */
  target: string | null;
  requestedAt: string;
}

/** A command the platform refused for good (4xx): not retried. Any other error is retried. */
export class CommandRefused extends Error {
  override name = 'CommandRefused';
}

export interface CtiCommandAdapter {
  send(message: CtiCommandMessage): Promise<void>;
}

export const COMMAND_MAX_AGE_MS = 60_000;
const MAX_ATTEMPTS = 5;
/** An attempt in progress holds its command this long; a process that died mid-attempt frees it for a retry. */
const ATTEMPT_LEASE_MS = 30_000;
const backoffMs = (attempts: number) => Math.min(8_000, 500 * 2 ** attempts);

/** Default adapter: the command goes to the structured log (no telephony platform in the demo). */
export function createLogCommandAdapter(logger: Logger): CtiCommandAdapter {
  return {
    async send(message) {
      logger.info(
        { ctiCommand: { ...message, number: message.number === null ? null : maskPhone(message.number) } },
        `cti: ${message.action} for ${message.operator} written to the log`,
      );
    },
  };
}

export const SIGNATURE_HEADER = 'x-valore-signature';
export const TIMESTAMP_HEADER = 'x-valore-timestamp';

/** `v1=` + hex HMAC-SHA256 of `<unix seconds>.<raw body>` under the shared secret (docs/cti.md). */
export function signCtiRequest(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver checks (our tests and any platform-side relay): the signature matches the body and the timestamp is
 * within `toleranceS` of the receiver's clock (a replayed old request is refused).
 */
export function verifyCtiSignature(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  nowMs: number,
  toleranceS = 300,
): boolean {
  const ts = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(ts) || Math.abs(nowMs / 1000 - ts) > toleranceS) return false;
  const expected = Buffer.from(signCtiRequest(secret, ts, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Posts each command, signed, to the platform's URL; 2xx taken, 4xx refused for good (but 408/429), else retried. */
export function createWebhookCommandAdapter(opts: {
  url: string;
  secret: string;
  timeoutMs?: number;
  now?: () => number;
}): CtiCommandAdapter {
  const now = opts.now ?? Date.now;
  return {
    async send(message) {
      const body = JSON.stringify(message);
      const timestamp = Math.floor(now() / 1000);
      const response = await fetch(opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `valore-cti-${message.id}`,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signCtiRequest(opts.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
      });
      const text = (await response.text()).slice(0, 200);
      if (response.ok) return;
      const why = `the platform answered ${response.status}${text ? `: ${text}` : ''}`;
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
        throw new CommandRefused(why);
      }
      throw new Error(why);
    },
  };
}

type CommandRow = Pick<Selectable<CtiCommandsTable>, (typeof COMMAND_COLUMNS)[number]>;

function toCommand(row: CommandRow): CtiCommand {
  return {
    id: row.id,
    action: row.action,
    callId: row.call_id,
    // an attempt in progress is still pending to the operator
    status: row.status === 'sending' ? 'pending' : row.status,
    error: row.last_error,
    createdAt: row.created_at,
  };
}

const COMMAND_COLUMNS = ['id', 'action', 'call_id', 'status', 'last_error', 'created_at'] as const;

/** The operator's newest command (the strip says whether it went through). */
export async function lastCommandOf(db: Executor, operatorId: number): Promise<CtiCommand | null> {
  const row = await db
    .selectFrom('cti_commands')
    .select(COMMAND_COLUMNS)
    .where('operator_id', '=', operatorId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toCommand(row) : null;
}

/** Which state a call must be in for each command on it. */
const ALLOWED: Record<Exclude<CtiAction, 'dial'>, (call: { state: string; onHold: boolean }) => boolean> = {
  answer: (c) => c.state === 'offered',
  hold: (c) => c.state === 'answered' && !c.onHold,
  resume: (c) => c.state === 'answered' && c.onHold,
  transfer: (c) => c.state === 'answered',
  hangup: (c) => c.state !== 'ended',
};

/** The checks before a command is recorded: the operator's own call in the right state, or a customer they handle. */
async function checkCommand(trx: Executor, user: SessionUser, input: CtiCommandInput, now: Date): Promise<void> {
  if (input.action === 'dial') {
    const basis = await handlingBasis(trx, user.id, input.customerId, now);
    if (basis === null || basis === 'break_glass') {
      throw new DomainError(
        'FORBIDDEN',
        'FORBIDDEN_SCOPE',
        'You can call only a customer you are handling: open them from a work item or a call, or start a contact.',
      );
    }
    const onCall = await trx
      .selectFrom('cti_calls')
      .select('call_id')
      .where('operator_id', '=', user.id)
      .where('state', '<>', 'ended')
      .where('updated_at', '>=', new Date(now.getTime() - CALL_MAX_HOURS * 3_600_000).toISOString())
      .executeTakeFirst();
    if (onCall) {
      throw new DomainError('CONFLICT', 'CALL_STATE', `You are on call ${onCall.call_id}: hang up before dialling.`);
    }
    return;
  }
  const call = await findCtiCall(trx, input.callId);
  // another operator's call is as unknown as a call that does not exist
  if (!call || call.operator_id !== user.id) {
    throw new DomainError('NOT_FOUND', 'NOT_FOUND', `No call ${input.callId} of yours.`);
  }
  if (!ALLOWED[input.action]({ state: call.state, onHold: call.held_at !== null })) {
    const where = call.state === 'answered' ? (call.held_at !== null ? 'on hold' : 'in progress') : call.state;
    throw new DomainError('CONFLICT', 'CALL_STATE', `Call ${call.call_id} is ${where}: cannot ${input.action} it.`);
  }
}

/**
 * Records a call command for the dispatcher, once per request id (a retry returns the first answer), with its audit
 * row, then wakes the dispatcher.
 */
export async function issueCtiCommand(
  deps: AppDeps,
  user: SessionUser,
  input: CtiCommandInput,
  ip: string | null,
): Promise<CtiCommand> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const { response, replayed } = await idempotentTransaction(
    deps,
    { caller: userCaller(user), scope: 'cti.command', key: input.requestId, input, at },
    async (trx) => {
      await checkCommand(trx, user, input, now);
      const row = await trx
        .insertInto('cti_commands')
        .values({
          operator_id: user.id,
          action: input.action,
          call_id: input.action === 'dial' ? null : input.callId,
          customer_id: input.action === 'dial' ? input.customerId : null,
          target: input.action === 'transfer' ? input.target : null,
          created_at: at,
          next_attempt_at: at,
          last_error: null,
          lease_expires_at: null,
          sent_at: null,
        })
        .returning(COMMAND_COLUMNS)
        .executeTakeFirstOrThrow();
      await insertAudit(trx, {
        at,
        actorId: user.id,
        action: `cti.${input.action}`,
        entityType: input.action === 'dial' ? 'customer' : 'cti_call',
        entityId: input.action === 'dial' ? input.customerId : input.callId,
        details: { commandId: row.id, ...(input.action === 'transfer' ? { target: input.target } : {}) },
        ip,
      });
      return toCommand(row);
    },
  );
  if (!replayed) deps.bus.publish(topics.ctiCommands, response.id);
  return response;
}

/** Takes the due commands for an attempt (pending and due, or an attempt whose process died). */
async function claimDue(db: Executor, now: Date, limit: number) {
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('cti_commands as c')
      .innerJoin('users as u', 'u.id', 'c.operator_id')
      .leftJoin('customers as k', 'k.id', 'c.customer_id')
      .select(['c.id', 'c.action', 'c.call_id', 'c.customer_id', 'c.target', 'c.created_at', 'c.attempts'])
      .select(['u.username', 'k.phone'])
      // the partial index's own condition, as literals (cti_commands_due): without it SQLite walked every user
      // to find their commands, every second (2.4 ms at 50,000 users; 0.04 ms with the index)
      .where(sql<boolean>`c.status IN ('pending', 'sending')`)
      .where((eb) =>
        eb.or([
          eb.and([eb('c.status', '=', 'pending'), eb('c.next_attempt_at', '<=', at)]),
          eb.and([eb('c.status', '=', 'sending'), eb('c.lease_expires_at', '<', at)]),
        ]),
      )
      .orderBy('c.id')
      .limit(limit)
      .execute();
    if (due.length === 0) return [];
    await trx
      .updateTable('cti_commands')
      .set((eb) => ({
        status: 'sending',
        attempts: eb('attempts', '+', 1),
        lease_expires_at: new Date(now.getTime() + ATTEMPT_LEASE_MS).toISOString(),
      }))
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .execute();
    return due;
  });
}

type Due = Awaited<ReturnType<typeof claimDue>>[number];

async function attempt(deps: Pick<AppDeps, 'db' | 'clock'> & { logger: Logger }, adapter: CtiCommandAdapter, cmd: Due) {
  const message: CtiCommandMessage = {
    id: cmd.id,
    action: cmd.action,
    operator: cmd.username,
    callId: cmd.call_id,
    number: cmd.action === 'dial' ? cmd.phone : null,
    customerId: cmd.customer_id,
    target: cmd.target,
    requestedAt: cmd.created_at,
  };
  let outcome: { status: 'sent' | 'failed' | 'pending'; error: string | null };
  try {
    if (cmd.action === 'dial' && !cmd.phone) throw new CommandRefused('the customer has no phone number');
    await adapter.send(message);
    outcome = { status: 'sent', error: null };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    const now = deps.clock.now().getTime();
    const late = now + backoffMs(cmd.attempts) - Date.parse(cmd.created_at) > COMMAND_MAX_AGE_MS;
    const last = err instanceof CommandRefused || cmd.attempts + 1 >= MAX_ATTEMPTS || late;
    outcome = { status: last ? 'failed' : 'pending', error };
    deps.logger.warn({ ctiCommandId: cmd.id, action: cmd.action, error, final: last }, 'cti: command not taken');
  }
  const now = deps.clock.now();
  await deps.db
    .updateTable('cti_commands')
    .set({
      status: outcome.status,
      last_error: outcome.error,
      lease_expires_at: null,
      ...(outcome.status === 'sent' ? { sent_at: now.toISOString() } : {}),
      ...(outcome.status === 'pending'
        ? { next_attempt_at: new Date(now.getTime() + backoffMs(cmd.attempts)).toISOString() }
        : {}),
    })
    .where('id', '=', cmd.id)
    .where('status', '=', 'sending')
    .execute();
}

/** One pass: hands every due command to the adapter (in order, a few at a time). Returns how many it tried. */
export async function dispatchCtiCommands(
  deps: Pick<AppDeps, 'db' | 'clock'> & { logger: Logger },
  adapter: CtiCommandAdapter,
): Promise<number> {
  let tried = 0;
  for (;;) {
    const due = await claimDue(deps.db, deps.clock.now(), 20);
    if (due.length === 0) return tried;
    await Promise.all(due.map((cmd) => attempt(deps, adapter, cmd)));
    tried += due.length;
  }
}

/** Polls for due commands (retries) and runs at once when a command is recorded. */
export function startCtiCommandDispatcher(
  deps: Pick<AppDeps, 'db' | 'bus' | 'clock'> & { logger: Logger },
  adapter: CtiCommandAdapter,
  opts: { intervalMs?: number } = {},
): { stop: () => Promise<void> } {
  const loop = repeatEvery(opts.intervalMs ?? 1_000, () => dispatchCtiCommands(deps, adapter), {
    logger: deps.logger,
    message: 'cti: command dispatch failed',
  });
  const unsubscribe = deps.bus.subscribe(topics.ctiCommands, () => loop.wake());
  return {
    stop: async () => {
      unsubscribe();
      await loop.stop();
    },
  };
}
