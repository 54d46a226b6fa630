import { z } from 'zod';
import {
  adminOptionsOutput,
  adminProduct,
  adminPostOffice,
  adminSite,
  adminDistrict,
  districtCalendarInput,
  siteCalendarInput,
  siteCreateInput,
  siteUpdateInput,
  teamCreateInput,
  teamDeleteInput,
  teamRenameInput,
  closureAddInput,
  closureAddOutput,
  closureRemoveInput,
  closureRemoveOutput,
  officesImportInput,
  officesImportOutput,
  postOfficeCreateInput,
  postOfficesListInput,
  postOfficesListOutput,
  postOfficeUpdateInput,
  settingsOutput,
  settingsUpdateInput,
  templatesSetInput,
  templatesSetOutput,
  productCreateInput,
  productUpdateInput,
  apiKeyCreateInput,
  apiKeyCreateOutput,
  apiKeyRevokeInput,
  apiKeySummary,
  auditActionsOutput,
  auditExportInput,
  auditExportOutput,
  auditSearchInput,
  auditSearchOutput,
  dataSubjectEraseInput,
  dataSubjectErasure,
  dataSubjectExport,
  dataSubjectExportInput,
  userCreateInput,
  userCreateOutput,
  userResetPasswordInput,
  userResetPasswordOutput,
  usersImportInput,
  usersImportOutput,
  usersListInput,
  usersListOutput,
  userUpdateInput,
  userUpdateOutput,
  messageTemplate,
  messageTemplateResetInput,
  messageTemplateUpdateInput,
} from '@valore/shared/schemas/admin';
import { roleProcedure, router } from '../../trpc/init';
import { listDistricts, setDistrictCalendar } from './districts.service';
import { eraseDataSubject, exportDataSubject } from '../retention/data-subject.service';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.service';
import { auditActions, exportAudit, searchAudit } from './audit.service';
import {
  addClosure,
  createPostOffice,
  importPostOffices,
  listPostOffices,
  removeClosure,
  setTemplates,
  updatePostOffice,
} from './post-offices.service';
import { createProduct, listProducts, updateProduct } from './products.service';
import { listMessageTemplates, resetMessageTemplate, updateMessageTemplate } from './message-templates.service';
import { centreSettings, updateSettings } from './settings.service';
import {
  createSite,
  createTeam,
  deleteTeam,
  listSites,
  renameTeam,
  setSiteCalendar,
  updateSite,
} from './sites.service';
import { adminOptions, createUser, importUsers, listUsers, resetPassword, updateUser } from './users.service';

const admins = roleProcedure('admin');

/** Administration (docs/api.md: the `admin` router name and the users/apiKeys procedures are fixed; docs/admin.md). */
export const adminRouter = router({
  /** A data subject's rights (GDPR): all we hold on a customer (art. 15), and its erasure (art. 17). Both audited. */
  dataSubject: router({
    /** A mutation although it changes no data: it writes the audit row of who exported whom (queries have no effects). */
    export: admins
      .input(dataSubjectExportInput)
      .output(dataSubjectExport)
      .mutation(({ ctx, input }) => exportDataSubject(ctx.deps, ctx.user, input.customerId, ctx.ip)),
    erase: admins
      .input(dataSubjectEraseInput)
      .output(dataSubjectErasure)
      .mutation(({ ctx, input }) => eraseDataSubject(ctx.deps, ctx.user, input, ctx.ip)),
  }),
  /** The sites and teams a user can be placed in (the users screen's pickers). */
  options: admins.output(adminOptionsOutput).query(({ ctx }) => adminOptions(ctx.deps)),
  users: router({
    list: admins
      .input(usersListInput)
      .output(usersListOutput)
      .query(({ ctx, input }) => listUsers(ctx.deps, input)),
    create: admins
      .input(userCreateInput)
      .output(userCreateOutput)
      .mutation(({ ctx, input }) => createUser(ctx.deps, ctx.user, input, ctx.ip)),
    update: admins
      .input(userUpdateInput)
      .output(userUpdateOutput)
      .mutation(({ ctx, input }) => updateUser(ctx.deps, ctx.user, input, ctx.ip)),
    resetPassword: admins
      .input(userResetPasswordInput)
      .output(userResetPasswordOutput)
      .mutation(({ ctx, input }) => resetPassword(ctx.deps, ctx.user, input, ctx.ip)),
    import: admins
      .input(usersImportInput)
      .output(usersImportOutput)
      .mutation(({ ctx, input }) => importUsers(ctx.deps, ctx.user, input, ctx.ip)),
  }),
  products: router({
    list: admins.output(z.array(adminProduct)).query(({ ctx }) => listProducts(ctx.deps)),
    create: admins
      .input(productCreateInput)
      .output(adminProduct)
      .mutation(({ ctx, input }) => createProduct(ctx.deps, ctx.user, input, ctx.ip)),
    update: admins
      .input(productUpdateInput)
      .output(adminProduct)
      .mutation(({ ctx, input }) => updateProduct(ctx.deps, ctx.user, input, ctx.ip)),
  }),
  postOffices: router({
    list: admins
      .input(postOfficesListInput)
      .output(postOfficesListOutput)
      .query(({ ctx, input }) => listPostOffices(ctx.deps, input)),
    create: admins
      .input(postOfficeCreateInput)
      .output(adminPostOffice)
      .mutation(({ ctx, input }) => createPostOffice(ctx.deps, ctx.user, input, ctx.ip)),
    update: admins
      .input(postOfficeUpdateInput)
      .output(adminPostOffice)
      .mutation(({ ctx, input }) => updatePostOffice(ctx.deps, ctx.user, input, ctx.ip)),
    addClosure: admins
      .input(closureAddInput)
      .output(closureAddOutput)
      .mutation(({ ctx, input }) => addClosure(ctx.deps, ctx.user, input, ctx.ip)),
    removeClosure: admins
      .input(closureRemoveInput)
      .output(closureRemoveOutput)
      .mutation(({ ctx, input }) => removeClosure(ctx.deps, ctx.user, input, ctx.ip)),
    setTemplates: admins
      .input(templatesSetInput)
      .output(templatesSetOutput)
      .mutation(({ ctx, input }) => setTemplates(ctx.deps, ctx.user, input, ctx.ip)),
    import: admins
      .input(officesImportInput)
      .output(officesImportOutput)
      .mutation(({ ctx, input }) => importPostOffices(ctx.deps, ctx.user, input, ctx.ip)),
  }),
  sites: router({
    list: admins.output(z.array(adminSite)).query(({ ctx }) => listSites(ctx.deps.db)),
    create: admins
      .input(siteCreateInput)
      .output(adminSite)
      .mutation(({ ctx, input }) => createSite(ctx.deps, ctx.user, input, ctx.ip)),
    update: admins
      .input(siteUpdateInput)
      .output(adminSite)
      .mutation(({ ctx, input }) => updateSite(ctx.deps, ctx.user, input, ctx.ip)),
    /** The site's service calendar: the times its operators agree with customers (docs/admin.md). */
    setCalendar: admins
      .input(siteCalendarInput)
      .output(adminSite)
      .mutation(({ ctx, input }) => setSiteCalendar(ctx.deps, ctx.user, input, ctx.ip)),
  }),
  /** Districts and their service calendars: sites without their own follow their district's (docs/admin.md). */
  districts: router({
    list: admins.output(z.array(adminDistrict)).query(({ ctx }) => listDistricts(ctx.deps.db)),
    setCalendar: admins
      .input(districtCalendarInput)
      .output(adminDistrict)
      .mutation(({ ctx, input }) => setDistrictCalendar(ctx.deps, ctx.user, input, ctx.ip)),
  }),
  teams: router({
    create: admins
      .input(teamCreateInput)
      .output(adminSite)
      .mutation(({ ctx, input }) => createTeam(ctx.deps, ctx.user, input, ctx.ip)),
    rename: admins
      .input(teamRenameInput)
      .output(adminSite)
      .mutation(({ ctx, input }) => renameTeam(ctx.deps, ctx.user, input, ctx.ip)),
    delete: admins
      .input(teamDeleteInput)
      .output(adminSite)
      .mutation(({ ctx, input }) => deleteTeam(ctx.deps, ctx.user, input, ctx.ip)),
  }),
  settings: router({
    get: admins
      .output(settingsOutput)
      .query(async ({ ctx }) => ({ ...(await centreSettings(ctx.deps.db)), oidc: !!ctx.deps.config.oidc })),
    update: admins
      .input(settingsUpdateInput)
      .output(settingsOutput)
      .mutation(({ ctx, input }) => updateSettings(ctx.deps, ctx.user, input, ctx.ip)),
  }),
  audit: router({
    search: admins
      .input(auditSearchInput)
      .output(auditSearchOutput)
      .query(({ ctx, input }) => searchAudit(ctx.deps, input)),
    actions: admins.output(auditActionsOutput).query(({ ctx }) => auditActions(ctx.deps)),
    /** A mutation: every export of the log is itself audited. */
    exportCsv: admins
      .input(auditExportInput)
      .output(auditExportOutput)
      .mutation(({ ctx, input }) => exportAudit(ctx.deps, ctx.user, input, ctx.ip)),
  }),
  /** The SMS and e-mail texts sent to customers, per purpose and language (docs/admin.md). */
  messageTemplates: router({
    list: admins.output(z.array(messageTemplate)).query(({ ctx }) => listMessageTemplates(ctx.deps.db)),
    update: admins
      .input(messageTemplateUpdateInput)
      .output(messageTemplate)
      .mutation(({ ctx, input }) => updateMessageTemplate(ctx.deps, ctx.user, input, ctx.ip)),
    reset: admins
      .input(messageTemplateResetInput)
      .output(messageTemplate)
      .mutation(({ ctx, input }) => resetMessageTemplate(ctx.deps, ctx.user, input, ctx.ip)),
  }),
  apiKeys: router({
    list: admins.output(z.array(apiKeySummary)).query(({ ctx }) => listApiKeys(ctx.deps)),
    create: admins
      .input(apiKeyCreateInput)
      .output(apiKeyCreateOutput)
      .mutation(({ ctx, input }) => createApiKey(ctx.deps, ctx.user, input, ctx.ip)),
    revoke: admins
      .input(apiKeyRevokeInput)
      .output(apiKeySummary)
      .mutation(({ ctx, input }) => revokeApiKey(ctx.deps, ctx.user, input, ctx.ip)),
  }),
});
