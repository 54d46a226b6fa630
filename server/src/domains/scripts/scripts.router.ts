import { z } from 'zod';
import { catalogueProduct } from '@valore/shared/schemas/catalogue';
import {
  scriptDraftInput,
  scriptPublishInput,
  scriptRetireInput,
  scriptVersionDetail,
  scriptVersionKey,
} from '@valore/shared/schemas/script-definition';
import type { ScriptDefinition } from '@valore/shared/flows/definition';
import { DomainError } from '../../errors';
import { authedProcedure, roleProcedure, router } from '../../trpc/init';
import { activeCatalogue } from './catalogue.repository';
import { listScriptVersions, publishVersion, retireVersion, saveDraft } from './script-versions';

const readers = roleProcedure('tutor', 'team_lead', 'admin');
const editors = roleProcedure('team_lead', 'admin');

export const scriptsRouter = router({
  /** The product catalogue the scripts propose from, with each product's allowed value outcomes. */
  catalogue: authedProcedure.output(z.array(catalogueProduct)).query(({ ctx }) => activeCatalogue(ctx.deps.db)),
  /** Does nothing: the benchmarks' transport limit (session lookup + tRPC + HTTP, no work). A mutation, like work.next. */
  ping: authedProcedure.output(z.object({ ok: z.literal(true) })).mutation(() => ({ ok: true as const })),
  /** The script studio (docs/scripts.md): versions as data; team leads and admins edit, tutors read. */
  versions: router({
    list: readers.output(z.array(scriptVersionDetail)).query(({ ctx }) => listScriptVersions(ctx.deps.db)),
    get: readers
      .input(scriptVersionKey)
      .output(scriptVersionDetail)
      .query(async ({ ctx, input }) => {
        const found = (await listScriptVersions(ctx.deps.db)).find(
          (v) => v.flow === input.flow && v.version === input.version,
        );
        if (!found) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `There is no ${input.flow} ${input.version}.`);
        return found;
      }),
    saveDraft: editors
      .input(scriptDraftInput)
      .output(scriptVersionDetail)
      .mutation(({ ctx, input }) =>
        saveDraft(
          ctx.deps,
          ctx.user,
          { ...input, definition: input.definition as ScriptDefinition, note: input.note },
          ctx.ip,
        ),
      ),
    publish: editors
      .input(scriptPublishInput)
      .output(scriptVersionDetail)
      .mutation(({ ctx, input }) => publishVersion(ctx.deps, ctx.user, input, ctx.ip)),
    retire: editors
      .input(scriptRetireInput)
      .output(scriptVersionDetail)
      .mutation(({ ctx, input }) => retireVersion(ctx.deps, ctx.user, input, ctx.ip)),
  }),
});
