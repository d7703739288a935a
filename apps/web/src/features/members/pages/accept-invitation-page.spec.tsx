import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ErrorCode, type InvitationPreviewResponse, Role } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { useSessionStore } from '../../../lib/session-store';
import { ACCESS_TOKEN, aMe, aMembership, aSession, aSystemStatus, aUser, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestsTo, validationProblem } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { AcceptInvitationPage } from './accept-invitation-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const TOKEN = 'zpi_0123456789abcdef';
const PAGE = `/invitations/accept?token=${TOKEN}`;
const PREVIEW = 'POST /api/v1/invitations/preview';
const PREVIEW_URL = '/api/v1/invitations/preview';
const REGISTER = '/api/v1/invitations/register';
const ACCEPT = '/api/v1/invitations/accept';
const GRACE = aUser({ id: 'user-2', email: 'grace@example.com', name: 'Grace Hopper' });
const LOOMS = aMembership({ teamId: 'team-2', teamName: 'Jacquard Looms', role: Role.Member });

function aPreview(overrides: Partial<InvitationPreviewResponse> = {}): InvitationPreviewResponse {
  return {
    teamName: 'Jacquard Looms',
    email: 'grace@example.com',
    role: Role.Member,
    expiresAt: new Date(Date.now() + 72 * 3_600_000).toISOString(),
    accountExists: false,
    ...overrides,
  };
}

/** The set-up status, and what the Overview asks for once the shell opens. */
const instanceRoutes = {
  'GET /api/v1/setup': () => jsonResponse({ needsOwner: false }),
  '/api/ready': () => jsonResponse(readyReadiness),
  '/api/v1/system/status': () => jsonResponse(aSystemStatus()),
};

const gone = () =>
  problemResponse({ status: 410, title: 'Gone', code: ErrorCode.InvitationInvalid, detail: 'This invitation is already revoked: ask for a new one' });

async function pageTitle(title: string) {
  await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe(title));
}

describe(AcceptInvitationPage.name, () => {
  it('shows what the invitation is for, without signing in', async () => {
    const fetchMock = mockApi({ ...instanceRoutes, [PREVIEW]: () => jsonResponse(aPreview()) });

    renderApp(PAGE, { session: 'signedOut' });

    await pageTitle('Join Jacquard Looms');
    const facts = screen.getByTestId('invitation-facts').textContent;
    expect(facts).toContain('TeamJacquard Looms');
    expect(facts).toContain('RoleMember');
    expect(facts).toContain('Forgrace@example.com');
    expect(facts).toContain('Expiresin 3 days');
    expect(screen.queryByTestId('app-shell')).toBeNull();
    const [sent] = requestsTo(fetchMock, PREVIEW_URL, 'POST');
    expect(sent.headers.has('Authorization')).toBe(false);
    // The token travels in the body, never in a URL a log would keep.
    expect(sent.body).toEqual({ token: TOKEN });
    expect(sent.url).not.toContain(TOKEN);
  });

  it('creates the account of a new person, signs them in and opens the Overview of their new team', async () => {
    let registered = false;
    const fetchMock = mockApi({
      ...instanceRoutes,
      [PREVIEW]: () => (registered ? gone() : jsonResponse(aPreview())),
      [`POST ${REGISTER}`]: () => {
        registered = true;
        return jsonResponse(aSession({ accessToken: 'grace-token', user: GRACE }), 201);
      },
      '/api/v1/me': () => jsonResponse(aMe({ user: GRACE, teams: [LOOMS] })),
    });
    const { router } = renderApp(PAGE, { session: 'signedOut', teamId: 'team-of-someone-else' });
    await pageTitle('Join Jacquard Looms');
    const form = screen.getByRole('form', { name: 'Create your account' });
    expect(form.textContent).toContain('Create the account for grace@example.com to join.');

    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: ' Grace Hopper ' } });
    fireEvent.change(within(form).getByLabelText('Password'), { target: { value: 'a long enough passphrase' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create account and join' }));

    await pageTitle('Overview');
    expect(router.state.location.pathname).toBe('/');
    await waitFor(() => expect(screen.getByTestId('current-team').textContent).toBe('Jacquard Looms'));
    expect(requestsTo(fetchMock, REGISTER, 'POST')[0].body).toEqual({ token: TOKEN, name: 'Grace Hopper', password: 'a long enough passphrase' });
    expect(useSessionStore.getState()).toMatchObject({ status: 'signedIn', accessToken: 'grace-token', teamId: 'team-2' });
    expect(requestsTo(fetchMock, '/api/v1/me')[0].headers.get('Authorization')).toBe('Bearer grace-token');
    // The used invitation was not asked about again.
    expect(requestsTo(fetchMock, PREVIEW_URL, 'POST')).toHaveLength(1);
  });

  it('shows a refused password under its field', async () => {
    mockApi({
      ...instanceRoutes,
      [PREVIEW]: () => jsonResponse(aPreview()),
      [`POST ${REGISTER}`]: () => validationProblem({ field: 'password', message: 'password must be at least 12 characters' }),
    });
    renderApp(PAGE, { session: 'signedOut' });
    await pageTitle('Join Jacquard Looms');
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Grace Hopper' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'short' } });

    fireEvent.click(screen.getByRole('button', { name: 'Create account and join' }));

    await waitFor(() =>
      expect(screen.getByLabelText('Password').closest('.field')?.textContent).toContain('password must be at least 12 characters'),
    );
    expect(useSessionStore.getState().status).toBe('signedOut');
  });

  it('lets the invited person accept when signed in as them, then switches to the team', async () => {
    let teams = [aMembership()];
    const fetchMock = mockApi({
      ...instanceRoutes,
      [PREVIEW]: () => jsonResponse(aPreview({ accountExists: true })),
      '/api/v1/me': () => jsonResponse(aMe({ user: GRACE, teams })),
      [`POST ${ACCEPT}`]: () => {
        teams = [...teams, LOOMS];
        return jsonResponse(LOOMS);
      },
    });
    const { router } = renderApp(PAGE, { teamId: 'team-1' });
    await pageTitle('Join Jacquard Looms');

    fireEvent.click(await screen.findByRole('button', { name: 'Accept and join Jacquard Looms' }));

    await pageTitle('Overview');
    expect(router.state.location.pathname).toBe('/');
    await waitFor(() => expect(screen.getByTestId('current-team').textContent).toBe('Jacquard Looms'));
    expect(useSessionStore.getState().teamId).toBe('team-2');
    const [accept] = requestsTo(fetchMock, ACCEPT, 'POST');
    expect(accept.body).toEqual({ token: TOKEN });
    expect(accept.headers.get('Authorization')).toBe(`Bearer ${ACCESS_TOKEN}`);
  });

  it('sends a signed-out invitee with an account to sign in, and back here to accept', async () => {
    mockApi({
      ...instanceRoutes,
      [PREVIEW]: () => jsonResponse(aPreview({ accountExists: true })),
      'POST /api/v1/auth/login': () => jsonResponse(aSession({ user: GRACE })),
      '/api/v1/me': () => jsonResponse(aMe({ user: GRACE })),
    });
    const { router } = renderApp(PAGE, { session: 'signedOut' });
    await pageTitle('Join Jacquard Looms');
    expect(screen.queryByRole('form')).toBeNull();

    const link = screen.getByRole('link', { name: 'Sign in to accept' });
    expect(link.getAttribute('href')).toBe(`/login?next=${encodeURIComponent(PAGE)}`);
    fireEvent.click(link);
    await pageTitle('Sign in to Zpanel');
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'grace@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'a long enough passphrase' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('button', { name: 'Accept and join Jacquard Looms' })).toBeTruthy();
    expect(`${router.state.location.pathname}${router.state.location.search}`).toBe(PAGE);
  });

  it('tells someone signed in with another account, and offers to sign out', async () => {
    const fetchMock = mockApi({
      ...instanceRoutes,
      [PREVIEW]: () => jsonResponse(aPreview({ accountExists: true })),
      '/api/v1/me': () => jsonResponse(aMe()),
      'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }),
    });
    renderApp(PAGE);
    await pageTitle('Join Jacquard Looms');

    const wrong = await screen.findByTestId('wrong-account');
    expect(wrong.textContent).toContain('You are signed in as ada@example.com, but this invitation is for grace@example.com.');
    expect(screen.queryByRole('button', { name: /^Accept/ })).toBeNull();
    fireEvent.click(within(wrong).getByRole('button', { name: 'Sign out of ada@example.com' }));

    expect(await screen.findByRole('link', { name: 'Sign in to accept' })).toBeTruthy();
    expect(requestsTo(fetchMock, '/api/v1/auth/logout', 'POST')).toHaveLength(1);
    expect(requestsTo(fetchMock, ACCEPT, 'POST')).toHaveLength(0);
  });

  it("shows the API's reason when accepting is refused", async () => {
    mockApi({
      ...instanceRoutes,
      [PREVIEW]: () => jsonResponse(aPreview({ accountExists: true })),
      '/api/v1/me': () => jsonResponse(aMe({ user: GRACE })),
      [`POST ${ACCEPT}`]: () =>
        problemResponse({ status: 409, title: 'Conflict', code: ErrorCode.Conflict, detail: 'You are already a member of this team' }),
    });
    renderApp(PAGE);

    fireEvent.click(await screen.findByRole('button', { name: 'Accept and join Jacquard Looms' }));

    expect((await screen.findByRole('alert')).textContent).toBe('You are already a member of this team');
  });

  it('says an invitation that was used, revoked or expired is gone, and to ask for a new one', async () => {
    mockApi({ ...instanceRoutes, [PREVIEW]: gone });

    renderApp(PAGE, { session: 'signedOut' });

    await pageTitle('Invitation unavailable');
    expect(screen.getByTestId('invitation-invalid').textContent).toBe('This invitation was already used, revoked or has expired: ask for a new one.');
  });

  it('says so when the invitation stops working between opening and accepting', async () => {
    mockApi({
      ...instanceRoutes,
      [PREVIEW]: () => jsonResponse(aPreview({ accountExists: true })),
      '/api/v1/me': () => jsonResponse(aMe({ user: GRACE })),
      [`POST ${ACCEPT}`]: gone,
    });
    renderApp(PAGE);

    fireEvent.click(await screen.findByRole('button', { name: 'Accept and join Jacquard Looms' }));

    await pageTitle('Invitation unavailable');
  });

  it('says a link without a token holds no invitation', async () => {
    const fetchMock = mockApi(instanceRoutes);

    renderApp('/invitations/accept', { session: 'signedOut' });

    await pageTitle('Invitation unavailable');
    expect(screen.getByTestId('invitation-invalid').textContent).toContain('This link has no invitation in it.');
    expect(requestsTo(fetchMock, PREVIEW_URL, 'POST')).toHaveLength(0);
  });

  it('offers to try again when the API cannot be reached', async () => {
    let reachable = false;
    mockApi({ ...instanceRoutes, [PREVIEW]: () => (reachable ? jsonResponse(aPreview()) : Promise.reject(new TypeError('Failed to fetch'))) });
    renderApp(PAGE, { session: 'signedOut' });
    expect(await screen.findByText('Cannot reach the Zpanel API')).toBeTruthy();

    reachable = true;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));

    await pageTitle('Join Jacquard Looms');
  });
});
