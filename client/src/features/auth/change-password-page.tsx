import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { checkText, TEXT_RULES } from '@valore/shared/validation/text-rules';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { TextField } from '../../components/ui/text-field';
import { errorMessageKey } from '../../lib/errors';
import { serverFieldErrors, useFocusFirstInvalid } from '../../lib/forms';
import { passwordProblemKey } from '../../lib/password-messages';
import { useTRPC } from '../../lib/trpc';

type Field = 'currentPassword' | 'newPassword' | 'confirm';

/**
 * Shown instead of every page while the user holds a temporary password (an admin made or reset it): the server
 * refuses everything else (403 PASSWORD_CHANGE_REQUIRED) until a password of their own is saved here.
 */
export function ChangePasswordPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusFirstInvalid(formRef);
  const [values, setValues] = useState<Record<Field, string>>({ currentPassword: '', newPassword: '', confirm: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      // the router reads the session from auth.me: the user without the flag goes on to their home
      onSuccess: (user) => queryClient.setQueryData(trpc.auth.me.queryKey(), user),
    }),
  );
  const set = (field: Field, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next: Partial<Record<Field, string>> = {};
    if (!values.currentPassword) next.currentPassword = t('passwordChange.required');
    const problem = checkText(TEXT_RULES.newPassword, values.newPassword);
    if (problem) next.newPassword = t(passwordProblemKey(problem.message));
    else if (values.confirm !== values.newPassword) next.confirm = t('passwordChange.mismatch');
    setErrors(next);
    if (Object.keys(next).length > 0) {
      focusInvalid();
      return;
    }
    change.mutate(
      { currentPassword: values.currentPassword, newPassword: values.newPassword },
      // refused by the server (a breached password, a wrong current one): its field takes the focus
      { onError: focusInvalid },
    );
  }

  const fromServer = serverFieldErrors(change.error);
  const errorOf = (f: Field) => {
    const server = fromServer[f]?.[0];
    return errors[f] ?? (server === undefined ? null : t(passwordProblemKey(server)));
  };
  const generalError = change.isError && !fromServer.currentPassword && !fromServer.newPassword;
  return (
    <div className="home home--narrow" data-testid="change-password">
      <div className="login__card">
        <h1 className="login__title">{t('passwordChange.title')}</h1>
        <p className="login__subtitle">{t('passwordChange.intro')}</p>
        {generalError && (
          <Alert tone="error" title={t('passwordChange.failed')}>
            <p>{t(errorMessageKey(change.error))}</p>
          </Alert>
        )}
        <form
          ref={formRef}
          className="login__form"
          onSubmit={submit}
          noValidate
          aria-busy={change.isPending || undefined}
        >
          <TextField
            label={t('passwordChange.current')}
            type="password"
            autoComplete="current-password"
            autoFocus
            value={values.currentPassword}
            onChange={(e) => set('currentPassword', e.target.value)}
            error={errorOf('currentPassword')}
          />
          <TextField
            label={t('passwordChange.new')}
            hint={t('passwordChange.rules')}
            type="password"
            autoComplete="new-password"
            value={values.newPassword}
            onChange={(e) => set('newPassword', e.target.value)}
            error={errorOf('newPassword')}
          />
          <TextField
            label={t('passwordChange.confirm')}
            type="password"
            autoComplete="new-password"
            value={values.confirm}
            onChange={(e) => set('confirm', e.target.value)}
            error={errorOf('confirm')}
          />
          <Button type="submit" variant="primary" className="login__submit" busy={change.isPending}>
            {t('passwordChange.submit')}
          </Button>
        </form>
      </div>
    </div>
  );
}
