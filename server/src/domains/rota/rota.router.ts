import {
  rotaAdherence,
  rotaAdherenceInput,
  rotaAssignInput,
  rotaAssignOutput,
  rotaCalendar,
  rotaCalendarInput,
  rotaCopyWeekInput,
  rotaGenerateInput,
  rotaMineInput,
  rotaMineOutput,
  rotaPeriodInput,
  rotaPlanWeekInput,
  rotaPublishInput,
  rotaPublishOutput,
  rotaSetCalendarInput,
  rotaUnassignInput,
  rotaUnassignOutput,
  rotaView,
} from '@valore/shared/schemas/rota';
import { authedProcedure, roleProcedure, router } from '../../trpc/init';
import {
  assignSaturday,
  generateSaturdays,
  myShifts,
  publishRota,
  rotaCalendar as readRotaCalendar,
  rotaView as readRotaView,
  setRotaCalendar,
  unassignSaturday,
} from './rota.service';
import { readAdherence } from './rota.adherence';
import { copyWeek, planWeek } from './rota.weeks';

/** Team leads plan their own site, admins the site they name (rota.service.ts rotaSite). */
const planners = roleProcedure('team_lead', 'admin');

/** The rota: Saturdays and weekday shifts (docs/api.md, `rota.*`: names and shapes fixed for the console). */
export const rotaRouter = router({
  calendar: planners
    .input(rotaCalendarInput)
    .output(rotaCalendar)
    .query(({ ctx, input }) => readRotaCalendar(ctx.deps.db, ctx.user, input.siteId)),
  setCalendar: planners
    .input(rotaSetCalendarInput)
    .output(rotaCalendar)
    .mutation(({ ctx, input }) => setRotaCalendar(ctx.deps, ctx.user, input, ctx.ip)),
  generateSaturdays: planners
    .input(rotaGenerateInput)
    .output(rotaView)
    .mutation(({ ctx, input }) => generateSaturdays(ctx.deps, ctx.user, input, ctx.ip)),
  view: planners
    .input(rotaPeriodInput)
    .output(rotaView)
    .query(({ ctx, input }) => readRotaView(ctx.deps.db, ctx.user, input)),
  assign: planners
    .input(rotaAssignInput)
    .output(rotaAssignOutput)
    .mutation(({ ctx, input }) => assignSaturday(ctx.deps, ctx.user, input, ctx.ip)),
  unassign: planners
    .input(rotaUnassignInput)
    .output(rotaUnassignOutput)
    .mutation(({ ctx, input }) => unassignSaturday(ctx.deps, ctx.user, input, ctx.ip)),
  /** One operator's Monday–Friday hours of a week, as drafts (rota.weeks.ts). */
  planWeek: planners
    .input(rotaPlanWeekInput)
    .output(rotaView)
    .mutation(({ ctx, input }) => planWeek(ctx.deps, ctx.user, input, ctx.ip)),
  /** A week's weekday pattern copied to another week, as drafts (rota.weeks.ts). */
  copyWeek: planners
    .input(rotaCopyWeekInput)
    .output(rotaView)
    .mutation(({ ctx, input }) => copyWeek(ctx.deps, ctx.user, input, ctx.ip)),
  publish: planners
    .input(rotaPublishInput)
    .output(rotaPublishOutput)
    .mutation(({ ctx, input }) => publishRota(ctx.deps, ctx.user, input, ctx.ip)),
  /** A day's adherence of the site's operators against the rota (rota.adherence.ts). */
  adherence: planners
    .input(rotaAdherenceInput)
    .output(rotaAdherence)
    .query(({ ctx, input }) => readAdherence(ctx.deps, ctx.user, input)),
  /** Anyone's own published shifts (operators above all); drafts are never shown before the team lead publishes. */
  mine: authedProcedure
    .input(rotaMineInput)
    .output(rotaMineOutput)
    .query(async ({ ctx, input }) => ({
      shifts: (await myShifts(ctx.deps, ctx.user, input)).map((s) => ({
        date: s.date,
        kind: s.kind,
        starts: s.starts,
        ends: s.ends,
        team: s.team,
      })),
    })),
});
