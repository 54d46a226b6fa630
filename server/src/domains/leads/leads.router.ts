import { z } from 'zod';
import { closeLeadInput, leadListInput, leadSummary } from '@valore/shared/schemas/leads';
import { roleProcedure, router } from '../../trpc/init';
import { closeLead, listLeads } from './leads.service';

const leadRoles = roleProcedure('operator', 'team_lead', 'admin');

export const leadsRouter = router({
  list: leadRoles
    .input(leadListInput)
    .output(z.array(leadSummary))
    .query(({ ctx, input }) => listLeads(ctx.deps, ctx.user, input)),
  close: leadRoles
    .input(closeLeadInput)
    .output(leadSummary)
    .mutation(({ ctx, input }) => closeLead(ctx.deps, ctx.user, input, ctx.ip)),
});
