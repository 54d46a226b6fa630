import { callbackBoard as callbackBoardOutput, callbackBoardInput } from '@valore/shared/schemas/callbacks';
import { roleProcedure, router } from '../../trpc/init';
import { callbackBoard } from './callbacks.service';

export const callbacksRouter = router({
  /** The Call Me Back / Call Me Now queue with due-by times and breaches (SLA board). */
  board: roleProcedure('operator', 'tutor', 'team_lead', 'admin')
    .input(callbackBoardInput)
    .output(callbackBoardOutput)
    .query(({ ctx, input }) => callbackBoard(ctx.deps, ctx.user, input)),
});
