import { loginInput, type LoginInput } from '@valore/shared/schemas/forms';
import type { TFunction } from 'i18next';

type LoginIssue = NonNullable<ReturnType<typeof loginInput.safeParse>['error']>['issues'][number];
export type LoginFieldErrors = Partial<Record<keyof LoginInput, string>>;

function isLoginField(key: PropertyKey | undefined): key is keyof LoginInput {
  return key === 'username' || key === 'password';
}

// The shared schema carries Italian messages for the server; the console translates by issue kind instead.
function message(t: TFunction, field: keyof LoginInput, issue: LoginIssue): string {
  if (issue.code === 'too_small') {
    return field === 'username' ? t('login.fieldErrors.usernameRequired') : t('login.fieldErrors.passwordRequired');
  }
  if (issue.code === 'too_big') {
    const max = Number(issue.maximum);
    return field === 'username'
      ? t('login.fieldErrors.usernameTooLong', { max })
      : t('login.fieldErrors.passwordTooLong', { max });
  }
  return t('login.fieldErrors.invalid');
}

/** Validates with the same schema the server uses; returns the parsed input or one message per field. */
export function validateLogin(
  t: TFunction,
  values: LoginInput,
): { ok: true; input: LoginInput } | { ok: false; errors: LoginFieldErrors } {
  const result = loginInput.safeParse(values);
  if (result.success) return { ok: true, input: result.data };
  const errors: LoginFieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    if (isLoginField(field) && !errors[field]) errors[field] = message(t, field, issue);
  }
  return { ok: false, errors };
}
