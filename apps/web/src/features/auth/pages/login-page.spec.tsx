import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ErrorCode } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { useSessionStore } from '../../../lib/session-store';
import { instanceBackupsRefusedRoutes } from '../../../test/backups-fixtures';
import { aMe, aSession, aSystemStatus, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { LoginPage } from './login-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const LOGIN = '/api/v1/auth/login';
const STATUS = '/api/v1/system/status';

/** The routes of an instance with an owner, and of the shell once signed in. */
const instanceRoutes = {
  'GET /api/v1/setup': () => jsonResponse({ needsOwner: false }),
  '/api/v1/me': () => jsonResponse(aMe()),
  '/api/ready': () => jsonResponse(readyReadiness),
  [STATUS]: () => jsonResponse(aSystemStatus()),
  // The System page (where signing in leads) shows instance backups, refused to this member.
  ...instanceBackupsRefusedRoutes(),
};

const twoFactorRequired = () => problemResponse({ status: 401, title: 'Two-factor code required', code: ErrorCode.TwoFactorRequired });

/** An account with two-factor authentication: the first sign-in asks for a code, the second succeeds. Returns the bodies sent. */
function mockTwoStepLogin(): unknown[] {
  const logins: unknown[] = [];
  mockApi({
    ...instanceRoutes,
    [`POST ${LOGIN}`]: ({ body }) => {
      logins.push(body);
      return logins.length === 1 ? twoFactorRequired() : jsonResponse(aSession());
    },
  });
  return logins;
}
const invalidCredentials = () => problemResponse({ status: 401, title: 'Invalid credentials', code: ErrorCode.InvalidCredentials });

function fillPasswordStep(email = 'ada@example.com', password = 'correct horse battery') {
  fireEvent.change(screen.getByLabelText('Email'), { target: { value: email } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe(LoginPage.name, () => {
  it('signs in with email and password and opens the page named by next, now sending the token', async () => {
    const fetchMock = mockApi({ ...instanceRoutes, [`POST ${LOGIN}`]: () => jsonResponse(aSession({ accessToken: 'fresh' })) });
    const { router } = renderApp('/login?next=%2Fsystem', { session: 'signedOut' });
    expect(screen.getByTestId('page-title').textContent).toBe('Sign in to Zpanel');

    fillPasswordStep();

    await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe('System'));
    expect(router.state.location.pathname).toBe('/system');
    const [login] = requestsTo(fetchMock, LOGIN, 'POST');
    expect(login.body).toEqual({ email: 'ada@example.com', password: 'correct horse battery' });
    expect(login.headers.has('Authorization')).toBe(false);
    await waitFor(() => expect(requestsTo(fetchMock, STATUS).length).toBeGreaterThan(0));
    expect(requestsTo(fetchMock, STATUS)[0].headers.get('Authorization')).toBe('Bearer fresh');
  });

  it('asks for the 6-digit code when the account has two-factor authentication, then sends it with the password', async () => {
    const logins = mockTwoStepLogin();
    const { router } = renderApp('/login', { session: 'signedOut' });

    fillPasswordStep();

    await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe('Two-factor authentication'));
    expect(screen.getByText('ada@example.com')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.change(screen.getByLabelText('Authentication code'), { target: { value: '123 456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));

    await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe('Overview'));
    expect(router.state.location.pathname).toBe('/');
    expect(logins).toEqual([
      { email: 'ada@example.com', password: 'correct horse battery' },
      { email: 'ada@example.com', password: 'correct horse battery', totpCode: '123456' },
    ]);
  });

  it('sends a recovery code instead of the app code when the user switches to it', async () => {
    const logins = mockTwoStepLogin();
    renderApp('/login', { session: 'signedOut' });
    fillPasswordStep();
    await screen.findByLabelText('Authentication code');

    fireEvent.click(screen.getByRole('button', { name: 'Use a recovery code instead' }));
    fireEvent.change(screen.getByLabelText('Recovery code'), { target: { value: ' abcd-efgh-ijkl ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));

    await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe('Overview'));
    expect(logins[1]).toEqual({ email: 'ada@example.com', password: 'correct horse battery', recoveryCode: 'abcd-efgh-ijkl' });
  });

  it('says once, under the field, that the code is not valid when the second step is refused, and stays on it', async () => {
    let attempts = 0;
    const wrongCode = () =>
      problemResponse({
        status: 401,
        title: 'Wrong two-factor code',
        code: ErrorCode.InvalidCredentials,
        errors: [{ field: 'totpCode', message: 'the code is wrong or was already used' }],
      });
    mockApi({ ...instanceRoutes, [`POST ${LOGIN}`]: () => (++attempts === 1 ? twoFactorRequired() : wrongCode()) });
    renderApp('/login', { session: 'signedOut' });
    fillPasswordStep();
    fireEvent.change(await screen.findByLabelText('Authentication code'), { target: { value: '000000' } });

    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));

    const field = screen.getByLabelText('Authentication code');
    await waitFor(() => expect(field.getAttribute('aria-invalid')).toBe('true'));
    expect(field.closest('.field')?.textContent).toContain('That code is not valid, or was already used.');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByTestId('page-title').textContent).toBe('Two-factor authentication');
    expect(useSessionStore.getState().status).toBe('signedOut');
  });

  it('says "Wrong email or password" when the credentials are refused, and stays signed out', async () => {
    const fetchMock = mockApi({ ...instanceRoutes, [`POST ${LOGIN}`]: invalidCredentials });
    const { router } = renderApp('/login', { session: 'signedOut' });

    fillPasswordStep('ada@example.com', 'wrong password!');

    expect((await screen.findByRole('alert')).textContent).toBe('Wrong email or password');
    expect(router.state.location.pathname).toBe('/login');
    expect(useSessionStore.getState().status).toBe('signedOut');
    // A refused login is an answer, not an expired session to refresh.
    expect(requestsTo(fetchMock, '/api/v1/auth/refresh', 'POST')).toEqual([]);
  });

  it('says how long to wait when sign-in attempts are rate limited', async () => {
    mockApi({
      ...instanceRoutes,
      [`POST ${LOGIN}`]: () => problemResponse({ status: 429, title: 'Too Many Requests', code: ErrorCode.RateLimited }, { 'Retry-After': '90' }),
    });
    renderApp('/login', { session: 'signedOut' });

    fillPasswordStep();

    expect((await screen.findByRole('alert')).textContent).toBe('Too many sign-in attempts. Try again in 2 minutes.');
  });

  it.each([
    ['a protocol-relative URL', '//evil.example/steal'],
    ['an absolute URL', 'https://evil.example/steal'],
    ['a backslash trick', '/\\evil.example'],
  ])('refuses to continue to %s after signing in and opens the Overview instead', async (_kind, next) => {
    mockApi({ ...instanceRoutes, [`POST ${LOGIN}`]: () => jsonResponse(aSession()) });
    const { router } = renderApp(`/login?next=${encodeURIComponent(next)}`, { session: 'signedOut' });

    fillPasswordStep();

    await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe('Overview'));
    expect(router.state.location.pathname).toBe('/');
  });

  it('sends a fresh instance, which has nobody to sign in yet, to the set-up page', async () => {
    mockApi({ 'GET /api/v1/setup': () => jsonResponse({ needsOwner: true }) });
    const { router } = renderApp('/login', { session: 'signedOut' });

    await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe('Create the owner account'));
    expect(router.state.location.pathname).toBe('/setup');
  });

  it('tells the user why when the session expired', async () => {
    mockApi(instanceRoutes);
    useSessionStore.setState({ signOutReason: 'expired' });
    renderApp('/login?next=%2Fsystem', { session: 'signedOut' });

    expect(await screen.findByText('Your session has expired. Sign in again to continue.')).toBeTruthy();
  });
});
