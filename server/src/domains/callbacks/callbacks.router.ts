import {
  callbackBoard as callbackBoardOutput,
  callbackBoardInput,
  callbackTimeline,
  callbackTimelineInput,
} from '@valore/shared/schemas/callbacks';
import { roleProcedure, router } from '../../trpc/init';
import { callbackBoard } from './callbacks.service';
import { callbackTimelineOf } from './timeline.service';

export const callbacksRouter = router({
  /** The Call Me Back / Call Me Now queue with due-by times and breaches (SLA board). */
  board: roleProcedure('operator', 'tutor', 'team_lead', 'admin')
    .input(callbackBoardInput)
    .output(callbackBoardOutput)
    .query(({ ctx, input }) => callbackBoard(ctx.deps, ctx.user, input)),
  /** One callback's timeline: created, offered, contacts, changes, breach (timeline.service.ts). */
  timeline: roleProcedure('tutor', 'team_lead', 'admin')
    .input(callbackTimelineInput)
    .output(callbackTimeline)
    .query(({ ctx, input }) => callbackTimelineOf(ctx.deps, ctx.user, input.id)),
});
