import { z } from 'zod';

export const ROLES = ['operator', 'tutor', 'team_lead', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const loginInput = z
  .object({
    username: z.string().trim().min(1, 'Inserisci il nome utente').max(64),
    password: z.string().min(1, 'Inserisci la password').max(256),
  })
  .strict();
export type LoginInput = z.infer<typeof loginInput>;

export const sessionUser = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  siteId: z.number().int().nullable(),
});
export type SessionUser = z.infer<typeof sessionUser>;

export const loginOutput = z.object({ user: sessionUser });
export type LoginOutput = z.infer<typeof loginOutput>;

/** Where each role lands after login. */
export const ROLE_HOME: Record<Role, string> = {
  operator: '/console',
  tutor: '/monitor',
  team_lead: '/stats',
  admin: '/admin',
};
