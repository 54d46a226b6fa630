import { ROLE_HOME, type Role } from '@valore/shared/reference/enums';
import { Link, Outlet, useLocation, useNavigate } from '@tanstack/react-router';
import { Component, Suspense, useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../components/ui/alert';
import { Button } from '../components/ui/button';
import { Panel } from '../components/ui/panel';
import { LoadingState } from '../components/ui/spinner';
import { ChangePasswordPage } from '../features/auth/change-password-page';
import { LoginPage } from '../features/auth/login-page';
import { useSession } from '../features/auth/use-session';
import { errorMessageKey, isSessionExpired } from '../lib/errors';
import { canOpen, homeAt, labelsFor } from './homes';
import { AppLayout, PublicLayout } from './layout';

export const LOGIN_PATH = '/login';

function useDocumentTitle(title: string | null) {
  const { t } = useTranslation();
  const name = t('app.name');
  useEffect(() => {
    document.title = title ? `${title} · ${name}` : name;
  }, [title, name]);
}

function PageLoading() {
  const { t } = useTranslation();
  return <LoadingState label={t('app.loading')} />;
}

function NotForYourRole({ role }: { role: Role }) {
  const { t } = useTranslation();
  return (
    <div className="home home--narrow">
      <Panel title={t('routes.forbiddenTitle')}>
        <p>{t('routes.forbiddenBody', { role: t(`roles.${role}`) })}</p>
        <p>
          <Link to={ROLE_HOME[role]}>{t('routes.goHome')}</Link>
        </p>
      </Panel>
    </div>
  );
}

function NotFound({ path, role }: { path: string; role: Role }) {
  const { t } = useTranslation();
  return (
    <div className="home home--narrow">
      <Panel title={t('routes.notFoundTitle')}>
        <p>{t('routes.notFoundBody', { path })}</p>
        <p>
          <Link to={ROLE_HOME[role]}>{t('routes.goHome')}</Link>
        </p>
      </Panel>
    </div>
  );
}

function LoadFailed() {
  const { t } = useTranslation();
  return (
    <div className="home home--narrow">
      <Alert tone="error" title={t('routes.loadFailedTitle')}>
        <p>{t('routes.loadFailedBody')}</p>
        <Button onClick={() => window.location.reload()}>{t('routes.reload')}</Button>
      </Alert>
    </div>
  );
}

/** A lazy home whose chunk fails to load (a deploy replaced it, the network dropped) shows a way out, not a blank page. */
class ChunkBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? <LoadFailed /> : this.props.children;
  }
}

const usePathname = () => useLocation({ select: (location) => location.pathname });

/** The page of a home (app/homes.ts), if this role may open it: its chunk loads behind a spinner and a way out. */
export function HomePage({ path }: { path: string }) {
  const session = useSession();
  const home = homeAt(path);
  const role = session.data?.role;
  if (!home || !role) return null;
  if (!canOpen(role, home)) return <NotForYourRole role={role} />;
  const Page = home.Component;
  return (
    <ChunkBoundary key={home.path}>
      <Suspense fallback={<PageLoading />}>
        <Page />
      </Suspense>
    </ChunkBoundary>
  );
}

/** Any address no route knows. */
export function NotFoundPage() {
  const path = usePathname();
  const role = useSession().data?.role;
  return role ? <NotFound path={path} role={role} /> : null;
}

/** The server is unreachable or failing: say so, and offer to try again. */
function SessionUnavailable({ error, retry }: { error: unknown; retry: () => void }) {
  const { t } = useTranslation();
  return (
    <PublicLayout>
      <div className="home home--narrow">
        <Alert tone="error">
          <p>{t(errorMessageKey(error))}</p>
          <Button onClick={retry}>{t('routes.reload')}</Button>
        </Alert>
      </div>
    </PublicLayout>
  );
}

/**
 * Where to go once signed in: the address asked for before signing in (a shared link to filtered stats, say), if it is
 * one of ours and a page of this role, else the role's home.
 */
function afterSignIn(role: Role, next: string | null): string {
  if (next?.startsWith('/')) {
    const url = new URL(next, window.location.origin);
    const home = homeAt(url.pathname);
    if (url.origin === window.location.origin && home && canOpen(role, home)) return url.pathname + url.search;
  }
  return ROLE_HOME[role];
}

/** The root of every address: signs in, sends to the role's home, then frames the page the route picked. */
export function AppShell() {
  const { t } = useTranslation();
  const path = usePathname();
  const searchStr = useLocation({ select: (location) => location.searchStr });
  const navigate = useNavigate();
  const session = useSession();
  const onLogin = path === LOGIN_PATH;
  const signedOut = session.isError && isSessionExpired(session.error);

  let redirect: string | null = null;
  if (session.isSuccess && (onLogin || path === '/'))
    redirect = afterSignIn(session.data.role, onLogin ? new URLSearchParams(searchStr).get('next') : null);
  else if (signedOut && !onLogin)
    redirect =
      path === '/' ? LOGIN_PATH : `${LOGIN_PATH}?${new URLSearchParams({ next: path + searchStr }).toString()}`;

  useEffect(() => {
    if (redirect) void navigate({ href: redirect, replace: true });
  }, [redirect, navigate]);

  const home = homeAt(path);
  useDocumentTitle(onLogin ? t('login.title') : home ? t(labelsFor(home, session.data?.role).titleKey) : null);

  if (session.isPending || redirect) return <PageLoading />;
  if (session.isError && !signedOut)
    return <SessionUnavailable error={session.error} retry={() => void session.refetch()} />;
  if (session.isError) {
    return (
      <PublicLayout>
        {/* Data left from before the error means the user had been signed in: the session ran out. */}
        <LoginPage sessionExpired={session.data !== undefined} />
      </PublicLayout>
    );
  }
  return (
    <AppLayout user={session.data}>{session.data.mustChangePassword ? <ChangePasswordPage /> : <Outlet />}</AppLayout>
  );
}
