import { z } from 'zod';
import {
  closeLeadInput,
  leadListInput,
  leadSummary,
  leadTimeline,
  leadTimelineInput,
} from '@valore/shared/schemas/leads';
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
import { leadTimelineOf } from './lead-timeline.service';

const leadRoles = roleProcedure('operator', 'team_lead', 'admin');
/** Who steers the pipeline: team leads (their own site, enforced in the service) and admins. */
const leadManagers = roleProcedure('team_lead', 'admin');
/** Who monitors a lead's follow-up item by item: tutors and team leads (their own site) and admins. */
const leadMonitors = roleProcedure('tutor', 'team_lead', 'admin');

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
  /** One lead's timeline: created, planned, offered, contacts, changes, won/lost, breaches (lead-timeline.service.ts). */
  timeline: leadMonitors
    .input(leadTimelineInput)
    .output(leadTimeline)
    .query(({ ctx, input }) => leadTimelineOf(ctx.deps, ctx.user, input.leadId)),
  reassign: leadManagers
    .input(reassignLeadInput)
    .output(leadPipelineRow)
    .mutation(({ ctx, input }) => reassignLead(ctx.deps, ctx.user, input, ctx.ip)),
});
