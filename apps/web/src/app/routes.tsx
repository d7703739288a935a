import type { RouteObject } from 'react-router';
import { OverviewPage } from '../features/system/pages/overview-page';
import { SystemPage } from '../features/system/pages/system-page';
import { AppShell } from './app-shell';
import { NotFoundPage } from './not-found-page';

/** Shared by the browser router and the memory routers of the specs. */
export const routes: RouteObject[] = [
  {
    path: '/',
    element: <AppShell />,
    children: [
      { index: true, element: <OverviewPage /> },
      { path: 'system', element: <SystemPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
