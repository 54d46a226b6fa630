import {
  createRootRoute,
  createRoute,
  createRouter,
  RouterProvider,
  type SearchSchemaInput,
} from '@tanstack/react-router';
import { useState } from 'react';
import { AppShell, HomePage, NotFoundPage } from './routes';

/**
 * The console's addresses (@tanstack/react-router, code-based routes). Search params stay plain text
 * (`/leads?status=won&product=FIBRA`): the default JSON encoding would quote and brace them. Each page validates the
 * params it reads itself (lib/url-state), so a page's parsing travels in its own lazy chunk, not in the main one.
 */
export type PlainSearch = Record<string, string>;

function parseSearch(searchStr: string): PlainSearch {
  const out: PlainSearch = {};
  for (const [key, value] of new URLSearchParams(searchStr)) out[key] = value;
  return out;
}

function stringifySearch(search: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) {
    if (typeof value === 'string' && value !== '') q.set(key, value);
    else if (typeof value === 'number' || typeof value === 'boolean') q.set(key, String(value));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Each page keeps its own params; the route only says they are strings.
const plainSearch = (search: Record<string, unknown> & SearchSchemaInput): Partial<PlainSearch> =>
  Object.fromEntries(Object.entries(search).filter(([, v]) => typeof v === 'string')) as Partial<PlainSearch>;

const rootRoute = createRootRoute({ component: AppShell });

// '/' and '/login' never render through the outlet: the shell sends a signed-in user home and shows the login form.
const indexRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', component: () => null });
const loginRoute = createRoute({ getParentRoute: () => rootRoute, path: '/login', component: () => null });

const notFoundRoute = createRoute({ getParentRoute: () => rootRoute, path: '$', component: NotFoundPage });

/** A home (app/homes.ts) at its address: one route component per home, made once. */
function home<P extends string>(path: P, homePath: string = path) {
  const Component = () => <HomePage path={homePath} />;
  return createRoute({ getParentRoute: () => rootRoute, path, component: Component, validateSearch: plainSearch });
}

const routeTree = rootRoute.addChildren([
  indexRoute,
  loginRoute,
  home('/console'),
  home('/monitor'),
  home('/stats'),
  // one route for all the admin tabs, so the page stays mounted (and the focus on the tab) when the tab changes
  home('/admin/{-$section}', '/admin'),
  home('/queue'),
  home('/campaigns'),
  home('/campaigns/new', '/campaigns'),
  home('/campaigns/$campaignId', '/campaigns'),
  home('/leads'),
  home('/appointments'),
  home('/scripts'),
  home('/rota'),
  home('/training'),
  home('/practice'),
  home('/wallboard'),
  notFoundRoute,
]);

function createAppRouter() {
  return createRouter({ routeTree, parseSearch, stringifySearch, scrollRestoration: false });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}

/** Each mount gets its own router (and history listener), so every test starts from the address it set. */
export function AppRouter() {
  const [router] = useState(createAppRouter);
  return <RouterProvider router={router} />;
}
