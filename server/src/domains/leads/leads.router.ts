import { z } from 'zod';
import { closeLeadInput, leadListInput, leadSummary } from '@valore/shared/schemas/leads';
import {
  leadPipelineExportInput,
  leadPipelineExportOutput,
  leadPipelineInput,
  leadPipelineOptions,
  leadPipelineOutput,
  leadPipelineRow,
  reassignLeadInput,
} from '@valore/shared/schemas/lead-pipeline';
import { roleProcedure, router } from '../../trpc/init';
import {
  exportLeadPipeline,
  leadPipeline,
  leadPipelineOptions as pipelineOptions,
  reassignLead,
} from './leads.pipeline';
import { closeLead, listLeads } from './leads.service';

const leadRoles = roleProcedure('operator', 'team_lead', 'admin');
/** Who steers the pipeline: team leads (their own site, enforced in the service) and admins. */
const leadManagers = roleProcedure('team_lead', 'admin');

export const leadsRouter = router({
  list: leadRoles
    .input(leadListInput)
    .output(z.array(leadSummary))
    .query(({ ctx, input }) => listLeads(ctx.deps, ctx.user, input)),
  close: leadRoles
    .input(closeLeadInput)
    .output(leadSummary)
    .mutation(({ ctx, input }) => closeLead(ctx.deps, ctx.user, input, ctx.ip)),

  /** Leads in the caller's reach (operator: their own; team lead: their site; admin: all), filtered and paged. */
  pipeline: leadRoles
    .input(leadPipelineInput)
    .output(leadPipelineOutput)
    .query(({ ctx, input }) => leadPipeline(ctx.deps, ctx.user, input)),
  pipelineOptions: leadRoles.output(leadPipelineOptions).query(({ ctx }) => pipelineOptions(ctx.deps, ctx.user)),
  /** A mutation (POST, CSRF-guarded) because every export leaves an audit row. */
  exportPipelineCsv: leadRoles
    .input(leadPipelineExportInput)
    .output(leadPipelineExportOutput)
    .mutation(({ ctx, input }) => exportLeadPipeline(ctx.deps, ctx.user, input, ctx.ip)),
  reassign: leadManagers
    .input(reassignLeadInput)
    .output(leadPipelineRow)
    .mutation(({ ctx, input }) => reassignLead(ctx.deps, ctx.user, input, ctx.ip)),
});
