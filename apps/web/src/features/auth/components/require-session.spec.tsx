import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ErrorCode } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { useSessionStore } from '../../../lib/session-store';
import { instanceBackupsRefusedRoutes } from '../../../test/backups-fixtures';
import { aMe, aSession, aSystemStatus, aUser, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { RequireSession } from './require-session';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const REFRESH = 'POST /api/v1/auth/refresh';
const STATUS = '/api/v1/system/status';
const shellRoutes = {
  '/api/v1/me': () => jsonResponse(aMe({ user: aUser({ name: 'Ada Lovelace', email: 'ada@example.com' }) })),
  '/api/ready': () => jsonResponse(readyReadiness),
  [STATUS]: () => jsonResponse(aSystemStatus()),
  // The System page (where signing in leads) shows instance backups, refused to this member.
  ...instanceBackupsRefusedRoutes(),
};
const noSession = () => problemResponse({ status: 401, title: 'Unauthorized', code: ErrorCode.SessionExpired });
const hasOwner = { 'GET /api/v1/setup': () => jsonResponse({ needsOwner: false }) };

async function pageTitle(title: string) {
  await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe(title));
}

describe(RequireSession.name, () => {
  it('restores the session from the refresh cookie when the app starts, without asking to sign in', async () => {
    const fetchMock = mockApi({ ...shellRoutes, [REFRESH]: () => jsonResponse(aSession({ accessToken: 'restored' })) });

    const { router } = renderApp('/system', { session: 'restoring' });

    expect(screen.getByTestId('session-loading')).toBeTruthy();
    await pageTitle('System');
    expect(router.state.location.pathname).toBe('/system');
    await waitFor(() => expect(requestsTo(fetchMock, STATUS).length).toBeGreaterThan(0));
    expect(requestsTo(fetchMock, STATUS)[0].headers.get('Authorization')).toBe('Bearer restored');
  });

  it('redirects to /login with the requested page as next when there is no session', async () => {
    mockApi({ ...hasOwner, [REFRESH]: noSession });

    const { router } = renderApp('/system?tab=workers', { session: 'restoring' });

    await pageTitle('Sign in to Zpanel');
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe('?next=%2Fsystem%3Ftab%3Dworkers');
    expect(screen.queryByTestId('app-shell')).toBeNull();
  });

  it('sends a fresh instance to /setup instead of /login', async () => {
    mockApi({ 'GET /api/v1/setup': () => jsonResponse({ needsOwner: true }), [REFRESH]: noSession });

    const { router } = renderApp('/', { session: 'restoring' });

    await pageTitle('Create the owner account');
    expect(router.state.location.pathname).toBe('/setup');
  });

  it('offers to try again when the API cannot be reached at start, then restores the session', async () => {
    let reachable = false;
    mockApi({
      ...shellRoutes,
      [REFRESH]: () => (reachable ? jsonResponse(aSession()) : Promise.reject(new TypeError('Failed to fetch'))),
    });
    renderApp('/', { session: 'restoring' });
    expect((await screen.findByRole('alert')).textContent).toContain('Cannot reach the Zpanel API');

    reachable = true;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));

    await pageTitle('Overview');
  });

  it('returns to /login, keeping the page as next, when a request fails and the session cannot be renewed', async () => {
    mockApi({
      ...hasOwner,
      ...shellRoutes,
      [STATUS]: () => problemResponse({ status: 401, title: 'Unauthorized', code: ErrorCode.Unauthorized }),
      [REFRESH]: noSession,
    });

    const { router } = renderApp('/system');

    await pageTitle('Sign in to Zpanel');
    expect(router.state.location.search).toBe('?next=%2Fsystem');
    expect(screen.getByText('Your session has expired. Sign in again to continue.')).toBeTruthy();
  });

  it('shows who is signed in in the user menu and signs out to /login, without next', async () => {
    const fetchMock = mockApi({ ...hasOwner, ...shellRoutes, 'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }) });
    const { router } = renderApp('/system');
    await pageTitle('System');

    fireEvent.click(screen.getByRole('button', { name: 'Account' }));
    const menu = screen.getByRole('menu', { name: 'Account' });
    await waitFor(() => expect(menu.textContent).toContain('Ada Lovelace'));
    expect(menu.textContent).toContain('ada@example.com');
    fireEvent.click(within(menu).getByRole('menuitem', { name: 'Sign out' }));

    await pageTitle('Sign in to Zpanel');
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe('');
    expect(requestsTo(fetchMock, '/api/v1/auth/logout', 'POST')).toHaveLength(1);
    expect(useSessionStore.getState()).toMatchObject({ status: 'signedOut', accessToken: undefined });
  });

  it('opens the profile from the user menu', async () => {
    mockApi(shellRoutes);
    const { router } = renderApp('/');

    fireEvent.click(screen.getByRole('button', { name: 'Account' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Profile' }));

    await pageTitle('Profile');
    expect(router.state.location.pathname).toBe('/profile');
    expect(screen.queryByRole('menu')).toBeNull();
  });
});
