import {
  workHeartbeatInput,
  workItem,
  workNextInput,
  workOfferInput,
  workQueueSize,
  workReleaseInput,
  workReleaseOutput,
  workMineOutput,
  workTakeInput,
} from '@valore/shared/schemas/work';
import { z } from 'zod';
import { siteServiceCalendar } from '@valore/shared/schemas/service-calendar';
import { specOfCalendar, DEFAULT_SERVICE_CALENDAR } from '@valore/shared/time/service-calendar';
import { authedProcedure, roleProcedure, router } from '../../trpc/init';
import { siteCalendarSpec } from '../org/service-calendars';
import {
  currentWorkItem,
  heartbeatWorkItem,
  myPromises,
  nextWorkItem,
  queueSize,
  releaseWorkItem,
  takePromise,
} from './work.service';
import { acceptOffer, acceptOpenOffer, declineOffer, isOffered } from './offers';

const operators = roleProcedure('operator');

export const workRouter = router({
  /** Claims the most urgent item under a lease, or returns the one already held (docs/api.md). */
  next: operators
    .input(workNextInput)
    .output(workItem.nullable())
    // an item pushed to the operator and still ringing is theirs to take first (offers.ts)
    .mutation(async ({ ctx }) => (await acceptOpenOffer(ctx.deps, ctx.user)) ?? nextWorkItem(ctx.deps, ctx.user)),
  /** The item the operator holds; one only offered to them is not theirs yet (the offers stream shows it). */
  current: operators.output(workItem.nullable()).query(async ({ ctx }) => {
    const item = await currentWorkItem(ctx.deps, ctx.user);
    return item && (await isOffered(ctx.deps.db, ctx.user.id, item)) ? null : item;
  }),
  /** Accepts the pushed item ringing on the operator's console: it becomes theirs as from work.next. */
  acceptOffer: operators
    .input(workOfferInput)
    .output(workItem)
    .mutation(({ ctx, input }) => acceptOffer(ctx.deps, ctx.user, input.offerId)),
  /** Declines it: back to the queue for the next Ready operator; the operator pauses. */
  declineOffer: operators
    .input(workOfferInput)
    .output(z.object({ declined: z.boolean() }))
    .mutation(({ ctx, input }) => declineOffer(ctx.deps, ctx.user, input.offerId)),
  heartbeat: operators
    .input(workHeartbeatInput)
    .output(workItem.nullable())
    .mutation(({ ctx }) => heartbeatWorkItem(ctx.deps, ctx.user)),
  release: operators
    .input(workReleaseInput)
    .output(workReleaseOutput)
    .mutation(({ ctx, input }) => releaseWorkItem(ctx.deps, ctx.user, input, ctx.ip)),
  /**
   * The service calendar of the caller's site (the centre's default without one or when the site has none): the times
   * the console offers for an agreed callback or follow-up; the server checks the same calendar again.
   */
  serviceCalendar: authedProcedure.output(siteServiceCalendar).query(async ({ ctx }) => {
    const siteId = ctx.user.siteId;
    const spec = siteId === null ? null : await siteCalendarSpec(ctx.deps.db, siteId);
    return { siteId, custom: spec !== null, calendar: spec ?? specOfCalendar(DEFAULT_SERVICE_CALENDAR) };
  }),
  queueSize: operators.output(workQueueSize).query(({ ctx }) => queueSize(ctx.deps, ctx.user)),
  /** The operator's own open promises: agreed callbacks and lead follow-ups (fixed name, docs/api.md). */
  mine: operators.output(workMineOutput).query(({ ctx }) => myPromises(ctx.deps, ctx.user)),
  /** Takes one of the operator's own due promises now. */
  take: operators
    .input(workTakeInput)
    .output(workItem)
    .mutation(({ ctx, input }) => takePromise(ctx.deps, ctx.user, input)),
});
