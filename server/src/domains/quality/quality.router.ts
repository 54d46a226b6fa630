import { z } from 'zod';
import {
  acknowledgeScorecardInput,
  interactionIdInput,
  interactionReview,
  reviewable,
  reviewablesInput,
  saveScorecardInput,
  scorecardTemplate,
  scorecardView,
  templateCreateInput,
  templateUpdateInput,
  unreleaseScorecardInput,
} from '@valore/shared/schemas/quality';
import { roleProcedure, router } from '../../trpc/init';
import {
  acknowledgeScorecard,
  createTemplate,
  editTemplate,
  interactionReview as reviewInteraction,
  myScorecards,
  reviewables,
  saveScorecard,
  templates,
  unreleaseScorecard,
} from './quality.service';

const admins = roleProcedure('admin');
const reviewers = roleProcedure('tutor', 'admin');
const operators = roleProcedure('operator');

export const qualityRouter = router({
  templates: router({
    list: reviewers.output(z.array(scorecardTemplate)).query(({ ctx }) => templates(ctx.deps, ctx.user)),
    create: admins
      .input(templateCreateInput)
      .output(scorecardTemplate)
      .mutation(({ ctx, input }) => createTemplate(ctx.deps, ctx.user, input, ctx.ip)),
    update: admins
      .input(templateUpdateInput)
      .output(scorecardTemplate)
      .mutation(({ ctx, input }) => editTemplate(ctx.deps, ctx.user, input, ctx.ip)),
  }),
  /** Today's completed contacts of the tutor's site, to score. */
  reviewables: reviewers
    .input(reviewablesInput)
    .output(z.array(reviewable))
    .query(({ ctx, input }) => reviewables(ctx.deps, ctx.user, input.siteId)),
  /** One contact's timeline, notes, outcome, coaching messages, and this tutor's scorecard of it. */
  interaction: reviewers
    .input(interactionIdInput)
    .output(interactionReview)
    .query(({ ctx, input }) => reviewInteraction(ctx.deps, ctx.user, input.interactionId)),
  saveScorecard: reviewers
    .input(saveScorecardInput)
    .output(scorecardView)
    .mutation(({ ctx, input }) => saveScorecard(ctx.deps, ctx.user, input, ctx.ip)),
  /** Takes a release back within 5 minutes, before the operator acknowledged it: a draft again. */
  unrelease: reviewers
    .input(unreleaseScorecardInput)
    .output(scorecardView)
    .mutation(({ ctx, input }) => unreleaseScorecard(ctx.deps, ctx.user, input, ctx.ip)),
  myScorecards: operators.output(z.array(scorecardView)).query(({ ctx }) => myScorecards(ctx.deps, ctx.user)),
  acknowledge: operators
    .input(acknowledgeScorecardInput)
    .output(scorecardView)
    .mutation(({ ctx, input }) => acknowledgeScorecard(ctx.deps, ctx.user, input, ctx.ip)),
});
