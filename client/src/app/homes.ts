import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { ROLE_HOME, type Role } from '@valore/shared/schemas/auth';

export type Home = {
  role: Role;
  path: string;
  navKey: 'nav.console' | 'nav.monitor' | 'nav.stats' | 'nav.admin' | 'nav.queue' | 'nav.campaigns';
  titleKey: 'console.title' | 'monitor.title' | 'stats.title' | 'admin.title' | 'queue.title' | 'campaigns.title';
  /** Other roles that may open this page besides `role` (pages shared across roles, e.g. the SLA board). */
  alsoFor?: readonly Role[];
  Component: LazyExoticComponent<ComponentType>;
};

// One chunk per home: the operator console, opened all shift long, never carries the admin or stats code.
export const HOMES: readonly Home[] = [
  {
    role: 'operator',
    path: ROLE_HOME.operator,
    navKey: 'nav.console',
    titleKey: 'console.title',
    Component: lazy(() => import('../features/console/console-home').then((m) => ({ default: m.ConsoleHome }))),
  },
  {
    role: 'tutor',
    path: ROLE_HOME.tutor,
    navKey: 'nav.monitor',
    titleKey: 'monitor.title',
    Component: lazy(() => import('../features/monitor/monitor-home').then((m) => ({ default: m.MonitorHome }))),
  },
  {
    role: 'team_lead',
    path: ROLE_HOME.team_lead,
    navKey: 'nav.stats',
    titleKey: 'stats.title',
    Component: lazy(() => import('../features/stats/stats-home').then((m) => ({ default: m.StatsHome }))),
  },
  {
    role: 'admin',
    path: ROLE_HOME.admin,
    navKey: 'nav.admin',
    titleKey: 'admin.title',
    Component: lazy(() => import('../features/admin/admin-home').then((m) => ({ default: m.AdminHome }))),
  },
  {
    role: 'operator',
    alsoFor: ['tutor', 'team_lead'],
    path: '/queue',
    navKey: 'nav.queue',
    titleKey: 'queue.title',
    Component: lazy(() => import('../features/queue/queue-home').then((m) => ({ default: m.QueueHome }))),
  },
  {
    role: 'team_lead',
    path: '/campaigns',
    navKey: 'nav.campaigns',
    titleKey: 'campaigns.title',
    Component: lazy(() =>
      import('../features/campaigns/campaigns-home').then((m) => ({ default: m.CampaignsHome })),
    ),
  },
];

/** The server enforces access on every procedure; this only decides what to offer. Admin may open every home. */
export function canOpen(role: Role, home: Home): boolean {
  return role === 'admin' || home.role === role || (home.alsoFor?.includes(role) ?? false);
}

export function homesFor(role: Role): Home[] {
  return HOMES.filter((home) => canOpen(role, home));
}

/** The home whose first path segment matches: "/admin/users" → the admin home. */
export function homeAt(path: string): Home | undefined {
  const first = path.split('/').filter(Boolean)[0];
  return HOMES.find((home) => home.path.split('/').filter(Boolean)[0] === first);
}
