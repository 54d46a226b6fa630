import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { TextField } from '../../components/ui/text-field';
import { errorDomainCode, errorMessageKey, errorRetryAfterSeconds } from '../../lib/errors';
import { focusNextPage } from '../../lib/focus';
import { useTRPC } from '../../lib/trpc';
import { validateLogin, type LoginFieldErrors } from './login-field-errors';

const SSO_REASONS = ['no_role', 'no_site', 'disabled', 'username_taken', 'expired', 'failed', 'unavailable'] as const;
type SsoReason = (typeof SSO_REASONS)[number];

type LoginPageProps = {
  /** The previous session ended on its own: say so instead of showing a bare form. */
  sessionExpired?: boolean;
};

export function LoginPage({ sessionExpired = false }: LoginPageProps) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<LoginFieldErrors>({});
  // how one signs in here: the company identity provider and/or passwords (auth.options)
  const options = useQuery(trpc.auth.options.queryOptions(undefined, { staleTime: 60_000 }));
  const passwords = options.data?.localPasswords ?? true;
  const sso = new URLSearchParams(window.location.search).get('sso');
  const ssoReason = sso && SSO_REASONS.includes(sso as SsoReason) ? (sso as SsoReason) : sso ? 'failed' : null;

  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: ({ user }) => {
        // the form goes away with the focus in it: the page the user lands on takes it (app/layout.tsx)
        focusNextPage();
        // The router reads the session from auth.me: seeding it sends the user to their home without another round trip.
        queryClient.setQueryData(trpc.auth.me.queryKey(), user);
      },
    }),
  );

  useEffect(() => {
    usernameRef.current?.focus();
  }, []);

  /** A throttled sign-in says how long to wait (the server's Retry-After), not "a few minutes". */
  function loginErrorText(error: unknown): string {
    const wait = errorRetryAfterSeconds(error);
    if (wait === null) return t(errorMessageKey(error));
    return wait < 60 ? t('login.retryIn', { count: wait }) : t('login.retryInMinutes', { count: Math.ceil(wait / 60) });
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (login.isPending) return;
    const result = validateLogin(t, { username, password });
    if (!result.ok) {
      setFieldErrors(result.errors);
      login.reset();
      (result.errors.username ? usernameRef : passwordRef).current?.focus();
      return;
    }
    setFieldErrors({});
    login.mutate(result.input, {
      onError: (error) => {
        if (errorDomainCode(error) === 'INVALID_CREDENTIALS') {
          setPassword('');
          passwordRef.current?.focus();
        }
      },
    });
  }

  return (
    <div className="login">
      <div className="login__card">
        <h1 className="login__title">{t('login.title')}</h1>
        <p className="login__subtitle">{t('login.subtitle')}</p>

        {sessionExpired && !login.error && <Alert tone="info">{t('login.sessionExpired')}</Alert>}
        {ssoReason && !login.error && <Alert tone="error">{t(`login.sso.${ssoReason}`)}</Alert>}
        {options.data?.oidc && (
          <a className="ui-button ui-button--primary login__sso" href="/auth/oidc/start">
            <span>{t('login.ssoButton')}</span>
          </a>
        )}
        {options.data?.oidc && passwords && <p className="login__or">{t('login.or')}</p>}
        {login.error && <Alert tone="error">{loginErrorText(login.error)}</Alert>}

        {passwords && (
          <form className="login__form" onSubmit={submit} noValidate aria-busy={login.isPending || undefined}>
            <TextField
              ref={usernameRef}
              label={t('login.username')}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              autoCorrect="off"
              spellCheck={false}
              required
              value={username}
              onChange={(event) => setUsername(event.target.value)}
              error={fieldErrors.username}
            />
            <TextField
              ref={passwordRef}
              label={t('login.password')}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              error={fieldErrors.password}
            />
            <Button type="submit" variant="primary" className="login__submit" busy={login.isPending}>
              {login.isPending ? t('login.submitting') : t('login.submit')}
            </Button>
          </form>
        )}

        <p className="login__hint">{t('login.demoHint', { username: 'operatore1', password: 'demo' })}</p>
      </div>
    </div>
  );
}
