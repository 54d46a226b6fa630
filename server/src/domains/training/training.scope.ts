import type { SessionUser } from '@valore/shared/schemas/auth';
import type { Executor } from '../../db/database';
import { DomainError, fieldError } from '../../errors';

/**
 * Who sees and changes which site's training (docs/training.md): a team lead their own site (another is refused,
 * 403 FORBIDDEN_SCOPE), an admin every site or the one they name. Operators and tutors reach only their own
 * sessions (training.mySessions, training.submitFeedback), which the router lets through for any role.
 */

async function existingSite(db: Executor, siteId: number): Promise<{ id: number; name: string }> {
  const site = await db.selectFrom('sites').select(['id', 'name']).where('id', '=', siteId).executeTakeFirst();
  if (!site) throw new DomainError('NOT_FOUND', 'NOT_FOUND', `Site ${siteId} does not exist.`);
  return site;
}

function teamLeadSite(user: SessionUser, siteId: number | undefined): number {
  if (user.siteId === null)
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'Your account is not attached to a site.');
  if (siteId !== undefined && siteId !== user.siteId)
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_SCOPE', 'You can see and plan the training of your own site only.');
  return user.siteId;
}

function managerOnly(user: SessionUser): void {
  if (user.role !== 'team_lead' && user.role !== 'admin')
    throw new DomainError('FORBIDDEN', 'FORBIDDEN_ROLE', 'Training is planned by team leads and admins.');
}

/** The sites a read covers: the team lead's own; the admin's named one, or null for every site. */
export async function readSites(
  db: Executor,
  user: SessionUser,
  siteId: number | undefined,
): Promise<readonly number[] | null> {
  managerOnly(user);
  if (user.role === 'team_lead') return [teamLeadSite(user, siteId)];
  if (siteId === undefined) return null;
  return [(await existingSite(db, siteId)).id];
}

/** The site a new session is planned at: the team lead's own, the site the admin names (required). */
export async function planningSite(
  db: Executor,
  user: SessionUser,
  siteId: number | undefined,
): Promise<{ id: number; name: string }> {
  managerOnly(user);
  if (user.role === 'team_lead') return existingSite(db, teamLeadSite(user, siteId));
  if (siteId === undefined) throw fieldError({ siteId: ['Choose the site'] });
  return existingSite(db, siteId);
}

/** A change to a session (enrolment, attendance): a team lead's own site only. */
export function checkSessionSite(user: SessionUser, siteId: number): void {
  managerOnly(user);
  if (user.role === 'team_lead') teamLeadSite(user, siteId);
}
