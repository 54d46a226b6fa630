import type { LoginInput } from '@valore/shared/schemas/forms';
import { checkText, normaliseText, TEXT_RULES, type TextProblem } from '@valore/shared/validation/text-rules';
import type { TFunction } from 'i18next';

export type LoginFieldErrors = Partial<Record<keyof LoginInput, string>>;

// The shared schema carries Italian messages for the server; the console translates by issue kind instead.
function message(t: TFunction, field: keyof LoginInput, issue: TextProblem): string {
  if (issue.code === 'too_small') {
    return field === 'username' ? t('login.fieldErrors.usernameRequired') : t('login.fieldErrors.passwordRequired');
  }
  const max = issue.maximum;
  return field === 'username'
    ? t('login.fieldErrors.usernameTooLong', { max })
    : t('login.fieldErrors.passwordTooLong', { max });
}

/** Validates with the same rules the server's schema is built from; returns the input or one message per field. */
export function validateLogin(
  t: TFunction,
  values: LoginInput,
): { ok: true; input: LoginInput } | { ok: false; errors: LoginFieldErrors } {
  const errors: LoginFieldErrors = {};
  for (const field of ['username', 'password'] as const) {
    const problem = checkText(TEXT_RULES[field], values[field]);
    if (problem) errors[field] = message(t, field, problem);
  }
  if (errors.username || errors.password) return { ok: false, errors };
  return {
    ok: true,
    input: {
      username: normaliseText(TEXT_RULES.username, values.username),
      password: normaliseText(TEXT_RULES.password, values.password),
    },
  };
}
