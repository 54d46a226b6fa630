import { z } from 'zod/mini';
import { TEXT_RULES, type TextRule } from '../validation/text-rules';

export { PASSWORD_MAX, PASSWORD_MIN } from '../validation/text-rules';

/**
 * The inputs of the forms on the operator's path to the console (sign-in, a new password, customer search), built
 * from the rules in validation/text-rules.ts, which the pages check without zod. auth.ts and customers.ts re-export
 * them.
 */
function text(rule: TextRule) {
  const checks = [
    z.minLength(rule.min, rule.minMessage ?? `At least ${rule.min} characters`),
    z.maxLength(rule.max, rule.maxMessage ?? `At most ${rule.max} characters`),
  ];
  return rule.trim ? z.string().check(z.trim(), ...checks) : z.string().check(...checks);
}

export const loginInput = z.strictObject({
  username: text(TEXT_RULES.username),
  password: text(TEXT_RULES.password),
});
export type LoginInput = z.infer<typeof loginInput>;

export const customerSearchInput = z.strictObject({ query: text(TEXT_RULES.customerQuery) });

export const newPassword = text(TEXT_RULES.newPassword);
