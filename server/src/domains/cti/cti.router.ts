import { tracked } from '@trpc/server';
import { screenPopsInput } from '@valore/shared/schemas/cti';
import { roleProcedure, router } from '../../trpc/init';
import { openScreenPopStream } from './cti.service';

export const ctiRouter = router({
  /**
   * Live screen pops for the signed-in operator (their own calls only), over server-sent events. The bus
   * subscription opens before the stream says "connected"; each pop is tracked, so a client that reconnects
   * resumes after the last one it received.
   */
  screenPops: roleProcedure('operator')
    .input(screenPopsInput)
    .subscription(({ ctx, input, signal }) => {
      const pops = openScreenPopStream(ctx.deps, ctx.user.id, input?.lastEventId ?? null, signal);
      return (async function* () {
        for await (const { eventId, ...pop } of pops) yield tracked(eventId, pop);
      })();
    }),
});
