import { z } from 'zod';
import { ROLES } from '../reference/enums';

export { ROLES, ROLE_HOME, type Role } from '../reference/enums';
export { loginInput, type LoginInput } from './forms';
export const roleSchema = z.enum(ROLES);

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
