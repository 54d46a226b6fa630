import { operatorStatus, setStatusInput } from '@valore/shared/schemas/monitor';
import { roleProcedure, router } from '../../trpc/init';
import { DomainError } from '../../trpc/errors';
import { findOperatorStatus } from './monitor.repository';
import { changeOperatorStatus, publishStatus, toOperatorStatus } from './status.service';

const operators = roleProcedure('operator');

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
      const row = await ctx.deps.db.transaction().execute((trx) => changeOperatorStatus(trx, ctx.user.id, input, at));
      publishStatus(ctx.deps.bus, ctx.user.siteId, row);
      return toOperatorStatus(row);
    }),
});
