import { createElement, lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { ROLE_HOME, type Role } from '@valore/shared/reference/enums';
import { loadNamespaces, type FeatureNamespace } from './i18n';

type NavKey =
  | 'nav.console'
  | 'nav.monitor'
  | 'nav.stats'
  | 'nav.admin'
  | 'nav.queue'
  | 'nav.campaigns'
  | 'nav.leads'
  | 'nav.myLeads'
  | 'nav.appointments'
  | 'nav.scripts'
  | 'nav.rota'
  | 'nav.myShifts'
  | 'nav.training'
  | 'nav.myCourses'
  | 'nav.practice'
  | 'nav.wallboard';
type TitleKey =
  | 'console.title'
  | 'monitor.title'
  | 'stats.title'
  | 'admin.title'
  | 'queue.title'
  | 'campaigns.title'
  | 'leads.title'
  | 'leads.titleOwn'
  | 'appointments.title'
  | 'scripts.title'
  | 'rota.title'
  | 'rota.titleOwn'
  | 'training.title'
  | 'training.titleOwn'
  | 'practice.title'
  | 'wallboard.title';

export type Home = {
  role: Role;
  path: string;
  navKey: NavKey;
  titleKey: TitleKey;
  /** Other roles that may open this page besides `role` (pages shared across roles, e.g. the SLA board). */
  alsoFor?: readonly Role[];
  /** Another name for the page for some roles (the lead pipeline is "my leads" to an operator). */
  byRole?: Partial<Record<Role, { navKey: NavKey; titleKey: TitleKey }>>;
  Component: LazyExoticComponent<ComponentType>;
};

/** A page's code and its texts arrive together: the page renders only once both are there. */
function page<M>(
  load: () => Promise<M>,
  pick: (module: M) => ComponentType,
  namespaces: readonly FeatureNamespace[],
): LazyExoticComponent<ComponentType> {
  return lazy(() => Promise.all([load(), loadNamespaces(namespaces)]).then(([module]) => ({ default: pick(module) })));
}

// One chunk per home: the operator console, opened all shift long, never carries the admin or stats code.
export const HOMES: readonly Home[] = [
  {
    role: 'operator',
    path: ROLE_HOME.operator,
    navKey: 'nav.console',
    titleKey: 'console.title',
    Component: page(
      () => import('../features/console/console-home'),
      (m) => m.ConsoleHome,
      ['console', 'coaching'],
    ),
  },
  {
    role: 'tutor',
    path: ROLE_HOME.tutor,
    navKey: 'nav.monitor',
    titleKey: 'monitor.title',
    Component: page(
      () => import('../features/monitor/monitor-home'),
      (m) => m.MonitorHome,
      ['monitor'],
    ),
  },
  {
    role: 'team_lead',
    path: ROLE_HOME.team_lead,
    navKey: 'nav.stats',
    titleKey: 'stats.title',
    Component: page(
      () => import('../features/stats/stats-home'),
      (m) => m.StatsHome,
      ['stats'],
    ),
  },
  {
    role: 'admin',
    path: ROLE_HOME.admin,
    navKey: 'nav.admin',
    titleKey: 'admin.title',
    Component: page(
      () => import('../features/admin/admin-home'),
      (m) => m.AdminHome,
      ['admin'],
    ),
  },
  {
    role: 'operator',
    alsoFor: ['tutor', 'team_lead'],
    path: '/queue',
    navKey: 'nav.queue',
    titleKey: 'queue.title',
    Component: page(
      () => import('../features/queue/queue-home'),
      (m) => m.QueueHome,
      ['queue'],
    ),
  },
  {
    role: 'team_lead',
    path: '/campaigns',
    navKey: 'nav.campaigns',
    titleKey: 'campaigns.title',
    Component: page(
      () => import('../features/campaigns/campaigns-home'),
      (m) => m.CampaignsHome,
      ['campaigns'],
    ),
  },
  {
    role: 'team_lead',
    alsoFor: ['operator'],
    path: '/leads',
    navKey: 'nav.leads',
    titleKey: 'leads.title',
    byRole: { operator: { navKey: 'nav.myLeads', titleKey: 'leads.titleOwn' } },
    Component: page(
      () => import('../features/leads/leads-home'),
      (m) => m.LeadsHome,
      ['leads'],
    ),
  },
  {
    role: 'team_lead',
    path: '/appointments',
    navKey: 'nav.appointments',
    titleKey: 'appointments.title',
    Component: page(
      () => import('../features/appointments/appointments-home'),
      (m) => m.AppointmentsHome,
      ['appointments'],
    ),
  },
  {
    role: 'team_lead',
    alsoFor: ['tutor'],
    path: '/scripts',
    navKey: 'nav.scripts',
    titleKey: 'scripts.title',
    // the studio previews a draft in the console's own script panel: the app hands it over (features stay apart)
    Component: page(
      () => Promise.all([import('../features/scripts/scripts-home'), import('../features/console/script-preview')]),
      ([studio, console]) =>
        function ScriptsPage() {
          return createElement(studio.ScriptsHome, { Preview: console.ScriptPreview });
        },
      ['scripts', 'console'],
    ),
  },
  {
    role: 'team_lead',
    alsoFor: ['tutor'],
    path: '/wallboard',
    navKey: 'nav.wallboard',
    titleKey: 'wallboard.title',
    Component: page(
      () => import('../features/monitor/wallboard'),
      (m) => m.Wallboard,
      ['monitor'],
    ),
  },
  {
    role: 'team_lead',
    alsoFor: ['operator', 'tutor'],
    path: '/rota',
    navKey: 'nav.rota',
    titleKey: 'rota.title',
    byRole: {
      operator: { navKey: 'nav.myShifts', titleKey: 'rota.titleOwn' },
      tutor: { navKey: 'nav.myShifts', titleKey: 'rota.titleOwn' },
    },
    // the site's hours are edited with the admin's calendar form: the app hands it over (features stay apart)
    Component: page(
      () => Promise.all([import('../features/rota/rota-home'), import('../features/admin/site-calendar')]),
      ([rota, calendar]) =>
        function RotaPage() {
          return createElement(rota.RotaHome, { CalendarForm: calendar.SiteCalendarForm });
        },
      ['rota', 'admin'],
    ),
  },
  {
    role: 'team_lead',
    alsoFor: ['operator', 'tutor'],
    path: '/training',
    navKey: 'nav.training',
    titleKey: 'training.title',
    byRole: {
      operator: { navKey: 'nav.myCourses', titleKey: 'training.titleOwn' },
      tutor: { navKey: 'nav.myCourses', titleKey: 'training.titleOwn' },
    },
    Component: page(
      () => import('../features/training/training-home'),
      (m) => m.TrainingHome,
      ['training'],
    ),
  },
  {
    role: 'operator',
    alsoFor: ['tutor', 'team_lead'],
    path: '/practice',
    navKey: 'nav.practice',
    titleKey: 'practice.title',
    // a practice contact plays in the console's own script panel: the app hands it over (features stay apart)
    Component: page(
      () => Promise.all([import('../features/practice/practice-home'), import('../features/console/practice-run')]),
      ([practice, console]) =>
        function PracticePage() {
          return createElement(practice.PracticeHome, { Run: console.PracticeRun });
        },
      ['practice', 'console'],
    ),
  },
];

/** The server enforces access on every procedure; this only decides what to offer. Admin may open every home. */
export function canOpen(role: Role, home: Home): boolean {
  return role === 'admin' || home.role === role || (home.alsoFor?.includes(role) ?? false);
}

/** The page's name in the navigation and the window title, as this role knows it. */
export function labelsFor(home: Home, role: Role | undefined): { navKey: NavKey; titleKey: TitleKey } {
  return (role && home.byRole?.[role]) || { navKey: home.navKey, titleKey: home.titleKey };
}

export function homesFor(role: Role): Home[] {
  return HOMES.filter((home) => canOpen(role, home));
}

/** The home whose first path segment matches: "/admin/users" → the admin home. */
export function homeAt(path: string): Home | undefined {
  const first = path.split('/').filter(Boolean)[0];
  return HOMES.find((home) => home.path.split('/').filter(Boolean)[0] === first);
}
