import { z } from 'zod';
import { catalogueProduct } from '@valore/shared/schemas/catalogue';
import {
  scriptAssignedInput,
  scriptAssignedOutput,
  scriptAssignInput,
  scriptAssignment,
  scriptDefinitionSchema,
  scriptPlayInput,
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
import { assignedVersion, listAssignments, setAssignment } from './script-assignments';
import { listScriptVersions, machineFor, publishVersion, retireVersion, saveDraft } from './script-versions';

const readers = roleProcedure('tutor', 'team_lead', 'admin');
const editors = roleProcedure('team_lead', 'admin');

export const scriptsRouter = router({
  /** The product catalogue the scripts propose from, with each product's allowed value outcomes. */
  catalogue: authedProcedure.output(z.array(catalogueProduct)).query(({ ctx }) => activeCatalogue(ctx.deps.db)),
  /** Does nothing: the benchmarks' transport limit (session lookup + tRPC + HTTP, no work). A mutation, like work.next. */
  ping: authedProcedure.output(z.object({ ok: z.literal(true) })).mutation(() => ({ ok: true as const })),
  /**
   * The definition of a version a contact plays (the console compiles it): published, or retired for a contact that
   * started on it. Versions never change once published, so the console keeps it.
   */
  play: authedProcedure
    .input(scriptPlayInput)
    .output(scriptDefinitionSchema)
    .query(async ({ ctx, input }) => {
      const found = await machineFor(ctx.deps.db, input.flow, input.version);
      const version = found.ok
        ? (await listScriptVersions(ctx.deps.db)).find((v) => v.flow === input.flow && v.version === input.version)
        : undefined;
      if (!version)
        throw new DomainError('NOT_FOUND', 'NOT_FOUND', `There is no published ${input.flow} ${input.version}.`);
      return version.definition;
    }),
  /**
   * The version a contact without a work item plays (an inbound call): the flow's assignment, the same for the same
   * customer (else for this contact), or the newest published version.
   */
  assigned: authedProcedure
    .input(scriptAssignedInput)
    .output(scriptAssignedOutput)
    .query(async ({ ctx, input }) => {
      const version = await assignedVersion(ctx.deps.db, {
        flow: input.flow,
        campaignId: null,
        contactKey: input.customerId !== null ? `customer:${input.customerId}` : input.contactId,
      });
      if (!version)
        throw new DomainError('NOT_FOUND', 'NOT_FOUND', `The ${input.flow} script has no published version.`);
      return { version };
    }),
  /** Which version new contacts play, per flow and per campaign: one version or an A/B split (docs/scripts.md). */
  assignments: router({
    list: readers.output(z.array(scriptAssignment)).query(({ ctx }) => listAssignments(ctx.deps.db)),
    set: editors
      .input(scriptAssignInput)
      .output(scriptAssignment)
      .mutation(({ ctx, input }) => setAssignment(ctx.deps, ctx.user, input, ctx.ip)),
  }),
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
