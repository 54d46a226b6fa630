import {
  conversionInput,
  conversionOutput,
  exportInput,
  exportOutput,
  interactionsInput,
  interactionsOutput,
  scriptsInput,
  scriptsOutput,
  statsOptionsOutput,
} from '@valore/shared/schemas/stats';
import { roleProcedure, router } from '../../trpc/init';
import { conversion, exportCsv, interactions, options, scripts } from './stats.service';

/** Team leads (their own site, enforced in the service) and admins (all sites). */
const readers = roleProcedure('team_lead', 'admin');

export const statsRouter = router({
  conversion: readers
    .input(conversionInput)
    .output(conversionOutput)
    .query(({ ctx, input }) => conversion(ctx.deps, ctx.user, input)),
  interactions: readers
    .input(interactionsInput)
    .output(interactionsOutput)
    .query(({ ctx, input }) => interactions(ctx.deps, ctx.user, input)),
  scripts: readers
    .input(scriptsInput)
    .output(scriptsOutput)
    .query(({ ctx, input }) => scripts(ctx.deps, ctx.user, input)),
  options: readers.output(statsOptionsOutput).query(({ ctx }) => options(ctx.deps, ctx.user)),
  /** A mutation (POST, CSRF-guarded) because every export leaves an audit row. */
  exportCsv: readers
    .input(exportInput)
    .output(exportOutput)
    .mutation(({ ctx, input }) => exportCsv(ctx.deps, ctx.user, input, ctx.ip)),
});
