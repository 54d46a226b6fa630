import { z } from 'zod';
import { catalogueProduct } from '@valore/shared/schemas/catalogue';
import { authedProcedure, router } from '../../trpc/init';
import { activeCatalogue } from './catalogue.repository';

export const scriptsRouter = router({
  /** The product catalogue the scripts propose from, with each product's allowed value outcomes. */
  catalogue: authedProcedure.output(z.array(catalogueProduct)).query(({ ctx }) => activeCatalogue(ctx.deps.db)),
  /** Does nothing: the benchmarks' transport limit (session lookup + tRPC + HTTP, no work). A mutation, like work.next. */
  ping: authedProcedure.output(z.object({ ok: z.literal(true) })).mutation(() => ({ ok: true as const })),
});
