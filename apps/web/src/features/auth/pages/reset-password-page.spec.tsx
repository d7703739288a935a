import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { jsonResponse, mockApi, requestsTo, validationProblem } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { ResetPasswordPage } from './reset-password-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const CONFIRM = '/api/v1/auth/password-reset/confirm';
const TOKEN = 'zpp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
const setupDone = { 'GET /api/v1/setup': () => jsonResponse({ needsOwner: false }) };

function choose(password: string, repeated = password) {
  fireEvent.change(screen.getByLabelText('New password'), { target: { value: password } });
  fireEvent.change(screen.getByLabelText('Repeat the new password'), { target: { value: repeated } });
  fireEvent.click(screen.getByRole('button', { name: 'Set new password' }));
}

describe(ResetPasswordPage.name, () => {
  it('reads the token from the link, takes it out of the address bar, sets the password and leads to sign-in', async () => {
    const fetchMock = mockApi({ ...setupDone, [`POST ${CONFIRM}`]: () => new Response(null, { status: 204 }) });
    const { router } = renderApp(`/reset-password#token=${TOKEN}`, { session: 'signedOut' });

    await waitFor(() => expect(router.state.location.hash).toBe(''));
    expect(router.state.location.pathname).toBe('/reset-password');
    choose('violet tractor umbrella');

    await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe('Password changed'));
    const [sent] = requestsTo(fetchMock, CONFIRM, 'POST');
    expect(sent.body).toEqual({ token: TOKEN, password: 'violet tractor umbrella' });
    expect(sent.headers.has('Authorization')).toBe(false);
    fireEvent.click(screen.getByRole('link', { name: 'Sign in' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
  });

  it('asks again when the two passwords differ, sending nothing', async () => {
    const fetchMock = mockApi(setupDone);
    renderApp(`/reset-password#token=${TOKEN}`, { session: 'signedOut' });

    choose('violet tractor umbrella', 'violet tractor umbrela');

    expect(await screen.findByText('The two passwords differ.')).toBeTruthy();
    expect(requestsTo(fetchMock, CONFIRM, 'POST')).toEqual([]);
  });

  it('shows a refused password under the field', async () => {
    mockApi({ ...setupDone, [`POST ${CONFIRM}`]: () => validationProblem({ field: 'password', message: 'Use at least 12 characters.' }) });
    renderApp(`/reset-password#token=${TOKEN}`, { session: 'signedOut' });

    choose('too short');

    expect(await screen.findByText('Use at least 12 characters.')).toBeTruthy();
    expect(screen.getByTestId('page-title').textContent).toBe('Set a new password');
  });

  it('says when the link is used or expired, and offers a new one', async () => {
    mockApi({
      ...setupDone,
      [`POST ${CONFIRM}`]: () => validationProblem({ field: 'token', message: 'This reset link is not valid, was already used, or has expired' }),
    });
    const { router } = renderApp(`/reset-password#token=${TOKEN}`, { session: 'signedOut' });

    choose('violet tractor umbrella');

    expect((await screen.findByRole('alert')).textContent).toMatch(/not valid, was already used, or has expired/);
    fireEvent.click(screen.getByRole('link', { name: 'Ask for a new link' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/forgot-password'));
  });

  it('says the link is incomplete when it has no token', () => {
    mockApi(setupDone);
    renderApp('/reset-password', { session: 'signedOut' });

    expect(screen.getByRole('alert').textContent).toMatch(/This link is incomplete/);
    expect(screen.queryByRole('button', { name: 'Set new password' })).toBeNull();
  });
});
