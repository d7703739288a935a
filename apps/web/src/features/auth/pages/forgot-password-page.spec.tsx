import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ErrorCode } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { jsonResponse, mockApi, problemResponse, requestsTo, validationProblem } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { ForgotPasswordPage } from './forgot-password-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const RESET = '/api/v1/auth/password-reset';
const ANSWER = 'If an account exists for this address, we sent it a link to set a new password. The link works once, for 30 minutes.';
const setupDone = { 'GET /api/v1/setup': () => jsonResponse({ needsOwner: false }) };

function submit(email: string) {
  fireEvent.change(screen.getByLabelText('Email'), { target: { value: email } });
  fireEvent.click(screen.getByRole('button', { name: 'Send reset link' }));
}

describe(ForgotPasswordPage.name, () => {
  it('is reached from the sign-in page', async () => {
    mockApi(setupDone);
    const { router } = renderApp('/login', { session: 'signedOut' });
    fireEvent.click(screen.getByRole('link', { name: 'Forgot password?' }));
    await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe('Reset your password'));
    expect(router.state.location.pathname).toBe('/forgot-password');
  });

  it('sends the address, without a session, and then says only that a link went out if an account exists', async () => {
    const fetchMock = mockApi({ ...setupDone, [`POST ${RESET}`]: () => jsonResponse({ message: ANSWER }, 202) });
    renderApp('/forgot-password', { session: 'signedOut' });

    submit('  ada@example.com ');

    await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe('Check your email'));
    expect(screen.getByRole('status').textContent).toBe(ANSWER);
    const [sent] = requestsTo(fetchMock, RESET, 'POST');
    expect(sent.body).toEqual({ email: 'ada@example.com' });
    expect(sent.headers.has('Authorization')).toBe(false);
    expect(screen.getByRole('link', { name: 'Back to sign in' }).getAttribute('href')).toBe('/login');
  });

  it('shows a refused address under the field and stays on the form', async () => {
    mockApi({ ...setupDone, [`POST ${RESET}`]: () => validationProblem({ field: 'email', message: 'email must be a valid email address' }) });
    renderApp('/forgot-password', { session: 'signedOut' });

    submit('ada@localhost');

    expect(await screen.findByText('email must be a valid email address')).toBeTruthy();
    expect(screen.getByTestId('page-title').textContent).toBe('Reset your password');
  });

  it('says how long to wait when requests are rate limited', async () => {
    mockApi({
      ...setupDone,
      [`POST ${RESET}`]: () => problemResponse({ status: 429, title: 'Too Many Requests', code: ErrorCode.RateLimited }, { 'Retry-After': '120' }),
    });
    renderApp('/forgot-password', { session: 'signedOut' });

    submit('ada@example.com');

    expect((await screen.findByRole('alert')).textContent).toBe('Too many reset requests. Try again in 2 minutes.');
  });
});
