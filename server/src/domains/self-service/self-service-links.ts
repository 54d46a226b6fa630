import type { Executor } from '../../db/database';
import { getOrCreateSecret } from '../funnel/secrets.repository';
import {
  mintSelfServiceToken,
  SELF_SERVICE_SECRET_NAME,
  selfServiceExpiry,
  type SelfServiceSubject,
} from './self-service-token';

/** The path of a self-service page; shared by the messages (absolute URL) and the pages' own links and redirects. */
export function selfServicePath(token: string): string {
  return `/s/${token}`;
}

/**
 * A fresh signed link to the customer's page of one appointment or callback, valid until a little after `dueAt`.
 * Runs in the caller's transaction (the first link ever minted also creates the secret, atomically with it).
 */
export async function mintSelfServiceLink(
  trx: Executor,
  args: { subject: SelfServiceSubject; dueAt: string; now: Date; publicUrl: string },
): Promise<{ token: string; url: string }> {
  const secret = await getOrCreateSecret(trx, SELF_SERVICE_SECRET_NAME, args.now);
  const token = mintSelfServiceToken(secret, args.subject, selfServiceExpiry(args.dueAt, args.now));
  return { token, url: `${args.publicUrl.replace(/\/+$/, '')}${selfServicePath(token)}` };
}

/**
 * The link an appointment's confirmation carries, or null when the server has no public address to build it on
 * (a confirmation without a link still tells the customer to call).
 */
export async function appointmentSelfServiceUrl(
  trx: Executor,
  args: { appointmentId: number; startsAt: string; now: Date; publicUrl: string | null },
): Promise<string | null> {
  if (!args.publicUrl) return null;
  const { url } = await mintSelfServiceLink(trx, {
    subject: { purpose: 'a', id: args.appointmentId },
    dueAt: args.startsAt,
    now: args.now,
    publicUrl: args.publicUrl,
  });
  return url;
}
