import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ErrorCode, PASSWORD_MIN_LENGTH } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { useSessionStore } from '../../../lib/session-store';
import { aMe, aSession, aSystemStatus, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestsTo, validationProblem } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { SetupPage } from './setup-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const OWNER = '/api/v1/setup/owner';
const freshInstance = { 'GET /api/v1/setup': () => jsonResponse({ needsOwner: true }) };

const OWNER_FORM = { email: 'ada@example.com', name: 'Ada Lovelace', password: 'ada lovelace 1815', teamName: 'Engines' };

async function fillAndSubmit(form = OWNER_FORM) {
  fireEvent.change(await screen.findByLabelText('Email'), { target: { value: form.email } });
  fireEvent.change(screen.getByLabelText('Name'), { target: { value: form.name } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: form.password } });
  fireEvent.change(screen.getByLabelText('Team name'), { target: { value: form.teamName } });
  fireEvent.click(screen.getByRole('button', { name: 'Create owner account' }));
}

/** The field's own block: label, input and the note under it. */
function fieldOf(label: string): HTMLElement {
  return screen.getByLabelText(label).closest('.field') as HTMLElement;
}

describe(SetupPage.name, () => {
  it('asks for the owner account with the password length hint', async () => {
    mockApi(freshInstance);

    renderApp('/setup', { session: 'signedOut' });

    expect(await screen.findByRole('form', { name: 'Create the owner account' })).toBeTruthy();
    expect(fieldOf('Password').textContent).toContain(`At least ${PASSWORD_MIN_LENGTH} characters.`);
  });

  it("shows the API's field errors under their fields, replacing the hint", async () => {
    mockApi({
      ...freshInstance,
      [`POST ${OWNER}`]: () =>
        validationProblem(
          { field: 'password', message: 'must not contain your name' },
          { field: 'password', message: 'must be at least 12 characters' },
          { field: 'teamName', message: 'must not be empty' },
        ),
    });
    renderApp('/setup', { session: 'signedOut' });

    await fillAndSubmit();

    await waitFor(() => expect(fieldOf('Password').textContent).toContain('must not contain your name'));
    expect(fieldOf('Password').textContent).not.toContain('At least');
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBe('true');
    expect(fieldOf('Team name').textContent).toContain('must not be empty');
    expect(within(fieldOf('Email')).queryByText(/must/)).toBeNull();
    // Everything is shown by a field: no summary repeats it.
    expect(screen.queryByRole('alert')).toBeNull();
    expect(useSessionStore.getState().status).toBe('signedOut');
  });

  it('creates the owner, signs them in and opens the Overview', async () => {
    const fetchMock = mockApi({
      ...freshInstance,
      [`POST ${OWNER}`]: () => jsonResponse(aSession({ accessToken: 'owner-token' }), 201),
      '/api/v1/me': () => jsonResponse(aMe()),
      '/api/ready': () => jsonResponse(readyReadiness),
      '/api/v1/system/status': () => jsonResponse(aSystemStatus()),
    });
    const { router } = renderApp('/setup', { session: 'signedOut' });

    await fillAndSubmit();

    await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe('Overview'));
    expect(router.state.location.pathname).toBe('/');
    expect(requestsTo(fetchMock, OWNER, 'POST')[0].body).toEqual(OWNER_FORM);
    expect(useSessionStore.getState()).toMatchObject({ status: 'signedIn', accessToken: 'owner-token' });
  });

  it('says the instance already has an owner when the API answers 409, with a way to sign in', async () => {
    mockApi({
      ...freshInstance,
      [`POST ${OWNER}`]: () => problemResponse({ status: 409, title: 'Conflict', code: ErrorCode.Conflict }),
    });
    renderApp('/setup', { session: 'signedOut' });

    await fillAndSubmit();

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('This Zpanel already has an owner. Sign in instead.');
    expect(within(alert).getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/login');
  });

  it('sends visitors to /login once the instance has an owner', async () => {
    mockApi({ 'GET /api/v1/setup': () => jsonResponse({ needsOwner: false }) });
    const { router } = renderApp('/setup', { session: 'signedOut' });

    await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe('Sign in to Zpanel'));
    expect(router.state.location.pathname).toBe('/login');
  });

  it('offers to try again when the set-up status cannot be loaded', async () => {
    let reachable = false;
    mockApi({
      'GET /api/v1/setup': () => (reachable ? jsonResponse({ needsOwner: true }) : Promise.reject(new TypeError('Failed to fetch'))),
    });
    renderApp('/setup', { session: 'signedOut' });
    expect((await screen.findByRole('alert')).textContent).toContain('Cannot reach the Zpanel API');

    reachable = true;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await screen.findByRole('form', { name: 'Create the owner account' })).toBeTruthy();
  });
});
