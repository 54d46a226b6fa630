import { z } from 'zod';
import {
  ackMessageInput,
  coachingMessage,
  myMessagesInput,
  operatorMessagesInput,
  operatorStatus,
  queuesInput,
  reassignCallbackInput,
  reassignCallbackResult,
  sendCoachingInput,
  setStatusInput,
  wallboardFigures,
  wallboardInput,
} from '@valore/shared/schemas/monitor';
import { roleProcedure, router } from '../../trpc/init';
import { DomainError } from '../../errors';
import {
  acknowledgeMessage,
  deliverQueuedCoaching,
  messagesToOperator,
  myMessages,
  publishDelivered,
  sendCoaching,
} from './coaching.service';
import { findOperatorStatus } from './monitor.repository';
import { announceStatus, changeOperatorStatus, ownStatus } from './status.service';
import { groupCommit } from '../../db/group-commit';
import { reassignLateCallback } from '../work/reassign';
import { boardSite, refreshBoards } from './board.service';
import { readQueueFigures } from './queues.service';
import { readWallboard } from './wallboard.service';

const operators = roleProcedure('operator');
const supervisors = roleProcedure('tutor', 'admin');
/** The wallboard is the team lead's (and on the tutors' screens too). */
const wallboardViewers = roleProcedure('team_lead', 'tutor', 'admin');

export const monitorRouter = router({
  /** The calling operator's own state (the header of the console). */
  myStatus: operators.output(operatorStatus).query(async ({ ctx }) => {
    const row = await findOperatorStatus(ctx.deps.db, ctx.user.id);
    if (!row) throw new DomainError('NOT_FOUND', 'NOT_FOUND', 'No status recorded yet.');
    return ownStatus(ctx.deps.db, ctx.user.siteId, row);
  }),
  setStatus: operators
    .input(setStatusInput)
    .output(operatorStatus)
    .mutation(async ({ ctx, input }) => {
      const at = ctx.deps.clock.now().toISOString();
      // status changes arriving together share one commit: under synchronous=FULL the fsync, not the work, bounds them;
      // on PostgreSQL the change does not wait behind its node's claims and completions (the boards are waiting)
      const { row, delivered } = await groupCommit(
        ctx.deps.db,
        async (trx) => {
          const changed = await changeOperatorStatus(trx, ctx.user, input, at);
          // coaching queued while the operator was free goes with the contact they open (coaching.service.ts)
          const messages =
            input.state === 'on_contact'
              ? await deliverQueuedCoaching(
                  trx,
                  ctx.user.id,
                  { interactionClientId: input.interactionClientId, step: input.step },
                  at,
                )
              : [];
          return { row: changed, delivered: messages };
        },
        { besideQueue: true },
      );
      await announceStatus(ctx.deps, ctx.user.siteId);
      publishDelivered(ctx.deps.bus, delivered);
      return ownStatus(ctx.deps.db, ctx.user.siteId, row);
    }),

  /** The queue and service-level tiles and the late callbacks of the caller's site (the board carries them live). */
  queues: supervisors.input(queuesInput).query(async ({ ctx, input }) => {
    const siteId = boardSite(ctx.user, input);
    const now = ctx.deps.clock.now();
    const figures = await readQueueFigures(ctx.deps.db, ctx.deps.config, siteId, now);
    return { siteId, serverTime: now.toISOString(), ...figures };
  }),
  /** The wallboard's figures the board stream does not carry: today vs yesterday, adherence now (wallboard.service). */
  wallboard: wallboardViewers
    .input(wallboardInput)
    .output(wallboardFigures)
    .query(({ ctx, input }) => readWallboard(ctx.deps.db, boardSite(ctx.user, input), ctx.deps.clock.now())),
  reassignCallback: supervisors
    .input(reassignCallbackInput)
    .output(reassignCallbackResult)
    .mutation(async ({ ctx, input }) => {
      const { siteId, ...result } = await reassignLateCallback(ctx.deps, ctx.user, input, ctx.ip);
      // the tiles and the late list change now, not at the boards' next tick
      refreshBoards(ctx.deps, siteId);
      return result;
    }),

  sendCoaching: supervisors
    .input(sendCoachingInput)
    .output(coachingMessage)
    .mutation(({ ctx, input }) => sendCoaching(ctx.deps, ctx.user, input, ctx.ip)),
  /** Today's messages to one operator, with read receipts (tutor's operator drawer). */
  operatorMessages: supervisors
    .input(operatorMessagesInput)
    .output(z.array(coachingMessage))
    .query(({ ctx, input }) => messagesToOperator(ctx.deps, ctx.user, input.operatorId)),

  myMessages: operators
    .input(myMessagesInput)
    .output(z.array(coachingMessage))
    .query(({ ctx, input }) => myMessages(ctx.deps, ctx.user, input.interactionClientId)),
  ackMessage: operators
    .input(ackMessageInput)
    .output(coachingMessage)
    .mutation(({ ctx, input }) => acknowledgeMessage(ctx.deps, ctx.user, input, ctx.ip)),
});
