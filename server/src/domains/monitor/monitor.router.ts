import { z } from 'zod';
import {
  ackMessageInput,
  coachingMessage,
  myMessagesInput,
  operatorMessagesInput,
  operatorStatus,
  sendCoachingInput,
  setStatusInput,
} from '@valore/shared/schemas/monitor';
import { roleProcedure, router } from '../../trpc/init';
import { DomainError } from '../../errors';
import { acknowledgeMessage, messagesToOperator, myMessages, sendCoaching } from './coaching.service';
import { findOperatorStatus } from './monitor.repository';
import { changeOperatorStatus, publishStatus, toOperatorStatus } from './status.service';
import { groupCommit } from '../../db/group-commit';

const operators = roleProcedure('operator');
const supervisors = roleProcedure('tutor', 'admin');

export const monitorRouter = router({
  /** The calling operator's own state (the header of the console). */
  myStatus: operators.output(operatorStatus).query(async ({ ctx }) => {
    const row = await findOperatorStatus(ctx.deps.db, ctx.user.id);
    if (!row) throw new DomainError('NOT_FOUND', 'NOT_FOUND', 'No status recorded yet.');
    return toOperatorStatus(row);
  }),
  setStatus: operators
    .input(setStatusInput)
    .output(operatorStatus)
    .mutation(async ({ ctx, input }) => {
      const at = ctx.deps.clock.now().toISOString();
      // status changes arriving together share one commit: under synchronous=FULL the fsync, not the work, bounds them
      const row = await groupCommit(ctx.deps.db, (trx) => changeOperatorStatus(trx, ctx.user.id, input, at));
      publishStatus(ctx.deps.bus, ctx.user.siteId, row);
      return toOperatorStatus(row);
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
