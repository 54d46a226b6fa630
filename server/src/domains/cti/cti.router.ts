import { ctiCommand, ctiCommandInput, ctiCurrent } from '@valore/shared/schemas/cti';
import { roleProcedure, router } from '../../trpc/init';
import { issueCtiCommand, lastCommandOf } from './cti-commands';
import { currentCallOf } from './cti.service';

const operators = roleProcedure('operator');

/**
 * The operator's telephone from the console (docs/cti.md): their call now for the call strip, and call commands to the
 * telephony platform. Telephony events come in over HTTP (`POST /api/v1/cti/events`), not here.
 */
export const ctiRouter = router({
  /** The call in progress (or ringing) and the last command's fate; live changes come on the screen-pops stream. */
  current: operators.output(ctiCurrent).query(async ({ ctx }) => ({
    call: await currentCallOf(ctx.deps, ctx.user.id),
    lastCommand: await lastCommandOf(ctx.deps.db, ctx.user.id),
    serverTime: ctx.deps.clock.now().toISOString(),
  })),
  /** dial / answer / hold / resume / transfer / hang up: checked, recorded and handed to the platform. */
  command: operators
    .input(ctiCommandInput)
    .output(ctiCommand)
    .mutation(({ ctx, input }) => issueCtiCommand(ctx.deps, ctx.user, input, ctx.ip)),
});
