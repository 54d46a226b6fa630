import type { SessionUser } from '@valore/shared/schemas/auth';
import type { AppDeps } from '../../deps';
import type { Executor } from '../../db/database';
import { optionallyIdempotent, userCaller } from '../audit/idempotency';

/** An admin change: idempotent with a requestId, a plain transaction without (audit/idempotency.ts). */
export function adminChange<T>(
  deps: AppDeps,
  admin: SessionUser,
  scope: string,
  input: { requestId?: string | undefined },
  at: string,
  effect: (trx: Executor) => Promise<T>,
): Promise<T> {
  return optionallyIdempotent(deps, { caller: userCaller(admin), scope, key: input.requestId, input, at }, effect).then(
    (r) => r.response,
  );
}
