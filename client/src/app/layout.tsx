import { Link, useLocation, useNavigate } from '@tanstack/react-router';
import type { SessionUser } from '@valore/shared/schemas/auth';
import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../components/ui/button';
import { useSignOut } from '../features/auth/use-session';
import { takePageFocusRequest } from '../lib/focus';
import { LanguageSwitch } from './language-switch';
import { homeAt, homesFor, labelsFor } from './homes';

const MAIN_ID = 'main';

/** "/admin/users" → "admin": the home an address belongs to. */
const firstSegment = (path: string): string | undefined => path.split('/').filter(Boolean)[0];

function SkipLink() {
  const { t } = useTranslation();
  return (
    <a className="skip-link" href={`#${MAIN_ID}`}>
      {t('app.skipToContent')}
    </a>
  );
}

function Brand() {
  const { t } = useTranslation();
  return (
    <span className="brand">
      <span className="brand__mark" aria-hidden="true">
        V
      </span>
      <span className="brand__name">{t('app.name')}</span>
    </span>
  );
}

/**
 * Moves focus to the page when the user goes to another home, as a full page load would; not on first render (unless
 * the screen before asked for it: signing in, whose form had the focus), and not when a home changes its own
 * sub-address (admin tabs keep focus on the tab).
 */
function useFocusOnNavigate(section: string | undefined) {
  const mainRef = useRef<HTMLElement>(null);
  const previous = useRef(section);
  useEffect(() => {
    if (takePageFocusRequest()) mainRef.current?.focus();
  }, []);
  useEffect(() => {
    if (section === previous.current) return;
    previous.current = section;
    mainRef.current?.focus();
  }, [section]);
  return mainRef;
}

export function AppLayout({ user, children }: { user: SessionUser; children: ReactNode }) {
  const { t } = useTranslation();
  const pathname = useLocation({ select: (location) => location.pathname });
  const current = firstSegment(pathname);
  // the page's region is named after the page (as its h1 and the window title): what a screen reader says on arriving
  const home = homeAt(pathname);
  const pageTitle = home ? t(labelsFor(home, user.role).titleKey) : undefined;
  const mainRef = useFocusOnNavigate(current);
  const navigate = useNavigate();
  const signOut = useSignOut(() => void navigate({ to: '/login', replace: true }));
  const homes = homesFor(user.role);
  // past five pages (an operator's six, a team lead's eight, an admin's twelve) the navigation gets a line of its own
  // under the brand and tools (issue 18: the bar wrapped at 1440 px; an operator's six long names wrap it too); the
  // tools come first in the page too, so Tab follows what is seen
  const dense = homes.length > 5;
  const nav = homes.length > 0 && (
    <nav className="topnav" aria-label={t('app.mainNav')}>
      <ul className="topnav__list">
        {homes.map((home) => (
          <li key={home.path}>
            <Link
              to={home.path}
              className="topnav__link"
              aria-current={firstSegment(home.path) === current ? 'page' : undefined}
            >
              {t(labelsFor(home, user.role).navKey)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
  const tools = (
    <div className="topbar__tools">
      <p className="user-chip" aria-label={t('app.signedInAs')}>
        <span className="user-chip__name">{user.displayName}</span>
        <span className="user-chip__role">{t(`roles.${user.role}`)}</span>
      </p>
      <LanguageSwitch />
      <Button variant="ghost" onClick={() => signOut.mutate()} busy={signOut.isPending}>
        {signOut.isPending ? t('app.signingOut') : t('app.signOut')}
      </Button>
    </div>
  );

  return (
    <div className="shell">
      <SkipLink />
      <header className={dense ? 'topbar topbar--dense' : 'topbar'}>
        <div className="topbar__inner">
          <Brand />
          {!dense && nav}
          {tools}
          {dense && nav}
        </div>
      </header>
      <main id={MAIN_ID} ref={mainRef} tabIndex={-1} className="main" aria-label={pageTitle}>
        {children}
      </main>
    </div>
  );
}

/** The frame around pages seen before signing in: brand and language only. */
export function PublicLayout({ children }: { children: ReactNode }) {
  return (
    <div className="shell shell--public">
      <SkipLink />
      <header className="topbar topbar--public">
        <div className="topbar__inner">
          <Brand />
          <div className="topbar__tools">
            <LanguageSwitch />
          </div>
        </div>
      </header>
      <main id={MAIN_ID} tabIndex={-1} className="main main--public">
        {children}
      </main>
    </div>
  );
}
