import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Executor } from '../../db/database';
import { DomainError } from '../../errors';
import { insertAudit } from '../audit/audit.repository';
import type { EffectContext } from '../outbox/effect-context';
import { customerContactFor, requireProductFor, type CustomerContact } from '../outbox/effect-lookups';
import { funnelValues } from './funnel-messages';
import { queueCustomerMessages } from '../messages/customer-messages';
import { findLinkForRedirect, insertFunnelLink, recordClick } from './funnel.repository';
import { FUNNEL_SECRET_NAME, mintFunnelToken, verifyFunnelToken } from './funnel-token';
import { findSecret, getOrCreateSecret } from './secrets.repository';

export const FUNNEL_LINK_TTL_DAYS = 30;

/** Creates a signed, expiring short link to the product's online funnel and queues it to the customer. */
export async function createFunnelLink(
  trx: Executor,
  ctx: EffectContext,
  args: {
    customerId: number;
    /** The customer as the caller already read it in this transaction (see customerContactFor). */
    customer?: CustomerContact;
    productCode: string;
    channel: 'sms' | 'email';
    interactionId: number | null;
  },
): Promise<{ id: number; url: string; channel: 'sms' | 'email' }> {
  const customer = await customerContactFor(trx, args.customerId, args.customer);
  const product = await requireProductFor(trx, args.productCode, 'digital_funnel');
  const destination = args.channel === 'email' ? customer.email : customer.phone;
  if (!destination) {
    throw new DomainError(
      'BAD_REQUEST',
      'VALIDATION',
      'The customer has no e-mail address on file: send the link by SMS, or record the address first.',
    );
  }
  const secret = await getOrCreateSecret(trx, FUNNEL_SECRET_NAME, ctx.now);
  const expiresAt = new Date(ctx.now.getTime() + FUNNEL_LINK_TTL_DAYS * 86_400_000);
  const token = mintFunnelToken(secret, expiresAt);
  const url = `${ctx.publicUrl.replace(/\/+$/, '')}/f/${token}`;
  const at = ctx.now.toISOString();
  const id = await insertFunnelLink(trx, {
    token,
    interactionId: args.interactionId,
    customerId: customer.id,
    productCode: product.code,
    channel: args.channel,
    destination,
    // the same instant the token carries (second precision), so both checks agree
    expiresAt: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000).toISOString(),
    at,
  });

  const productName = { it: product.nameIt, en: product.nameEn };
  await queueCustomerMessages(trx, {
    purpose: 'funnel_link',
    // the one channel the operator chose
    to: {
      phone: args.channel === 'sms' ? destination : null,
      email: args.channel === 'email' ? destination : null,
      language: customer.language,
    },
    values: funnelValues({ firstName: customer.firstName, productName, url, expiresAt }, customer.language),
    ref: { refType: 'funnel_link', refId: id },
    now: ctx.now,
  });
  await insertAudit(trx, {
    at,
    actorId: ctx.userId,
    action: 'funnel_link.created',
    entityType: 'funnel_link',
    entityId: id,
    details: {
      customerId: customer.id,
      productCode: product.code,
      channel: args.channel,
      interactionId: args.interactionId,
    },
    ip: ctx.ip,
  });
  return { id, url, channel: args.channel };
}

export type FollowResult = { found: true; location: string; linkId: number } | { found: false; reason: string };

/**
 * Resolves a short link: signature and expiry first (no database work for a forged token), then the row, then the
 * click (row + counters in one transaction). HEAD requests from link previewers pass `record: false`.
 */
export async function followFunnelLink(
  db: Kysely<Database>,
  args: { token: string; now: Date; userAgent: string | null; ip: string | null; record: boolean },
): Promise<FollowResult> {
  const secret = await funnelSecret(db);
  if (!secret) return { found: false, reason: 'no_secret' };
  const check = verifyFunnelToken(secret, args.token, args.now);
  if (!check.ok) return { found: false, reason: check.reason };
  const link = await findLinkForRedirect(db, args.token);
  if (!link) return { found: false, reason: 'unknown' };
  if (Date.parse(link.expires_at) <= args.now.getTime()) return { found: false, reason: 'expired' };

  if (args.record) {
    const at = args.now.toISOString();
    await db.transaction().execute((trx) =>
      recordClick(trx, {
        linkId: link.id,
        at,
        userAgent: args.userAgent?.slice(0, 256) ?? null,
        ipHash: args.ip ? hashIp(secret, args.ip) : null,
      }),
    );
  }
  // the product's funnel address as it is now (an admin may have changed it), with its tracking parameters
  const location = new URL(link.funnel_url);
  const values: Record<string, string> = { channel: link.channel, product: link.code, link: String(link.id) };
  for (const pair of link.utm_template.split('&').filter(Boolean)) {
    const [name = '', value = ''] = pair.split('=');
    location.searchParams.set(
      name,
      value.replace(/\{(channel|product|link)\}/g, (_, v: string) => values[v] ?? ''),
    );
  }
  location.searchParams.set('lid', String(link.id));
  return { found: true, location: location.toString(), linkId: link.id };
}

/** The signing key never changes once created, so it is read once per database handle. */
const secretCache = new WeakMap<object, string>();
async function funnelSecret(db: Kysely<Database>): Promise<string | null> {
  const cached = secretCache.get(db);
  if (cached) return cached;
  const value = await findSecret(db, FUNNEL_SECRET_NAME);
  if (value) secretCache.set(db, value);
  return value;
}

/** Keyed hash: a bare sha256 of an IPv4 address is reversed by enumerating 2^32 addresses. */
export function hashIp(secret: string, ip: string): string {
  return createHmac('sha256', secret).update(`ip:${ip}`).digest('hex');
}
