import { z } from 'zod';
import { ROLES } from '../reference/enums';

export { ROLES, ROLE_HOME, type Role } from '../reference/enums';
export { loginInput, newPassword, PASSWORD_MAX, PASSWORD_MIN, type LoginInput } from './forms';
import { newPassword, PASSWORD_MAX } from './forms';
export const roleSchema = z.enum(ROLES);

export const sessionUser = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  siteId: z.number().int().nullable(),
  /**
   * Present (true) when the user signed in with a temporary password an admin gave them: until they choose their
   * own (auth.changePassword) every other procedure answers 403 PASSWORD_CHANGE_REQUIRED.
   */
  mustChangePassword: z.boolean().optional(),
});
export type SessionUser = z.infer<typeof sessionUser>;

export const loginOutput = z.object({ user: sessionUser });
export type LoginOutput = z.infer<typeof loginOutput>;

export const changePasswordInput = z
  .object({ currentPassword: z.string().min(1, 'Required').max(PASSWORD_MAX), newPassword })
  .strict();
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

/** How people sign in here (auth.options, public): the login page shows what is on. */
export const authOptions = z.object({
  /** sign-in with the company identity provider: GET /auth/oidc/start */
  oidc: z.boolean(),
  localPasswords: z.boolean(),
});
export type AuthOptions = z.infer<typeof authOptions>;
