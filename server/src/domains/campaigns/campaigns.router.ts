import { z } from 'zod';
import {
  campaignContactsInput,
  campaignContactsPage,
  campaignIdInput,
  campaignImportSummary,
  campaignListInput,
  campaignSummary,
  createCampaignInput,
  setCampaignStatusInput,
  updateCampaignInput,
} from '@valore/shared/schemas/campaigns';
import { roleProcedure, router } from '../../trpc/init';
import {
  createCampaign,
  getCampaign,
  listCampaignContacts,
  listCampaignImports,
  listCampaigns,
  setCampaignStatus,
  updateCampaign,
} from './campaigns.service';

const managers = roleProcedure('team_lead', 'admin');

export const campaignsRouter = router({
  list: managers
    .input(campaignListInput)
    .output(z.array(campaignSummary))
    .query(({ ctx, input }) => listCampaigns(ctx.deps, ctx.user, input)),
  get: managers
    .input(campaignIdInput)
    .output(campaignSummary)
    .query(({ ctx, input }) => getCampaign(ctx.deps, ctx.user, input.id)),
  imports: managers
    .input(campaignIdInput)
    .output(z.array(campaignImportSummary))
    .query(({ ctx, input }) => listCampaignImports(ctx.deps, ctx.user, input.id)),
  /** a page of the list's contacts: customer ids to build the next list from (numbers masked, no names) */
  contacts: managers
    .input(campaignContactsInput)
    .output(campaignContactsPage)
    .query(({ ctx, input }) => listCampaignContacts(ctx.deps, ctx.user, input)),
  create: managers
    .input(createCampaignInput)
    .output(campaignSummary)
    .mutation(({ ctx, input }) => createCampaign(ctx.deps, ctx.user, input, ctx.ip)),
  update: managers
    .input(updateCampaignInput)
    .output(campaignSummary)
    .mutation(({ ctx, input }) => updateCampaign(ctx.deps, ctx.user, input, ctx.ip)),
  setStatus: managers
    .input(setCampaignStatusInput)
    .output(campaignSummary)
    .mutation(({ ctx, input }) => setCampaignStatus(ctx.deps, ctx.user, input, ctx.ip)),
});
