import { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { createMemoryRouter } from 'react-router';
import { App } from '../app/app';
import { routes } from '../app/routes';
import { type SessionStatus, useSessionStore } from '../lib/session-store';
import { ACCESS_TOKEN } from './fixtures';

interface RenderAppOptions {
  /**
   * `signedIn` (default): as after a sign-in, holding `ACCESS_TOKEN`; `restoring`: a fresh tab,
   * which first asks `/api/v1/auth/refresh`; `signedOut`: as after that was refused.
   */
  session?: SessionStatus;
  teamId?: string;
}

/** The real route tree and providers, in memory, with retries off so failures show at once. */
export function renderApp(path = '/', { session = 'signedIn', teamId }: RenderAppOptions = {}) {
  useSessionStore.setState(
    session === 'signedIn'
      ? { status: session, accessToken: ACCESS_TOKEN, accessTokenExpiresAt: Date.now() + 15 * 60_000, teamId }
      : { status: session, accessToken: undefined, accessTokenExpiresAt: undefined, teamId },
  );
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const view = render(<App router={router} queryClient={queryClient} />);
  return { ...view, router, queryClient };
}
