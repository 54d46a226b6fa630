import { z } from 'zod';
import {
  completeInteractionInput,
  completeInteractionOutput,
  interactionListInput,
  interactionSummary,
} from '@valore/shared/schemas/interactions';
import { roleProcedure, router } from '../../trpc/init';
import { completeInteraction, recentInteractionsOfOperator } from './interactions.service';

const operators = roleProcedure('operator');

export const interactionsRouter = router({
  complete: operators
    .input(completeInteractionInput)
    .output(completeInteractionOutput)
    .mutation(({ ctx, input }) => completeInteraction(ctx.deps, ctx.user, input, ctx.ip)),
  mine: operators
    .input(interactionListInput)
    .output(z.array(interactionSummary))
    .query(({ ctx, input }) => recentInteractionsOfOperator(ctx.deps, ctx.user.id, input.limit)),
});
