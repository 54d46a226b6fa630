import { z } from 'zod/mini';

/**
 * The inputs of the forms on the operator's path to the console (sign-in, customer search), written with zod/mini:
 * the server validates them (tRPC takes any zod schema) and the console validates its forms with these same schemas,
 * but mini is tree-shaken, so the console's first bundle carries a few KB of zod instead of all of it. auth.ts and
 * customers.ts re-export them.
 */
export const loginInput = z.strictObject({
  username: z.string().check(z.trim(), z.minLength(1, 'Inserisci il nome utente'), z.maxLength(64)),
  password: z.string().check(z.minLength(1, 'Inserisci la password'), z.maxLength(256)),
});
export type LoginInput = z.infer<typeof loginInput>;

export const customerSearchInput = z.strictObject({
  query: z.string().check(z.trim(), z.minLength(2, 'Type at least 2 characters'), z.maxLength(64)),
});
