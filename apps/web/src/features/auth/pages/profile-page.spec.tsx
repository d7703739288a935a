import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ErrorCode } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { useSessionStore } from '../../../lib/session-store';
import { aMe, aUser, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestsTo, validationProblem } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { ProfilePage } from './profile-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const PASSWORD = '/api/v1/me/password';
const shellRoutes = {
  '/api/v1/me': () => jsonResponse(aMe({ user: aUser({ name: 'Ada Lovelace', email: 'ada@example.com' }) })),
  '/api/ready': () => jsonResponse(readyReadiness),
};

function changePassword({ current = 'old password 1815', next = 'new password 1843', confirmation = '' } = {}) {
  fireEvent.change(screen.getByLabelText('Current password'), { target: { value: current } });
  fireEvent.change(screen.getByLabelText('New password'), { target: { value: next } });
  fireEvent.change(screen.getByLabelText('Confirm new password'), { target: { value: confirmation || next } });
  fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
}

describe(ProfilePage.name, () => {
  it('shows the account of the signed-in user', async () => {
    mockApi(shellRoutes);

    renderApp('/profile');

    const account = screen.getByTestId('account-card');
    await waitFor(() => expect(account.textContent).toContain('ada@example.com'));
    expect(account.textContent).toContain('Ada Lovelace');
    expect(account.textContent).toContain('Analytical Engines (Owner)');
  });

  it('changes the password, says other sessions were signed out and clears the form', async () => {
    const fetchMock = mockApi({ ...shellRoutes, [`POST ${PASSWORD}`]: () => new Response(null, { status: 204 }) });
    renderApp('/profile');

    changePassword();

    expect((await screen.findByRole('status')).textContent).toBe('Password changed. Your other sessions were signed out; this one stays signed in.');
    expect(requestsTo(fetchMock, PASSWORD, 'POST')[0].body).toEqual({
      currentPassword: 'old password 1815',
      newPassword: 'new password 1843',
    });
    expect((screen.getByLabelText('Current password') as HTMLInputElement).value).toBe('');
    expect(useSessionStore.getState().status).toBe('signedIn');
  });

  it('says the current password is wrong, under that field, without ending the session', async () => {
    mockApi({
      ...shellRoutes,
      [`POST ${PASSWORD}`]: () => problemResponse({ status: 401, title: 'Invalid credentials', code: ErrorCode.InvalidCredentials }),
    });
    renderApp('/profile');

    changePassword();

    await waitFor(() => expect(screen.getByLabelText('Current password').closest('.field')?.textContent).toContain('The current password is wrong.'));
    expect(screen.queryByRole('status')).toBeNull();
    expect(useSessionStore.getState().status).toBe('signedIn');
  });

  it("shows the API's objection to the new password under it", async () => {
    mockApi({
      ...shellRoutes,
      [`POST ${PASSWORD}`]: () => validationProblem({ field: 'newPassword', message: 'must be at least 12 characters' }),
    });
    renderApp('/profile');

    changePassword({ next: 'short', confirmation: 'short' });

    await waitFor(() => expect(screen.getByLabelText('New password').closest('.field')?.textContent).toContain('must be at least 12 characters'));
  });

  it('refuses to send a new password that does not match its confirmation', async () => {
    const fetchMock = mockApi(shellRoutes);
    renderApp('/profile');

    changePassword({ confirmation: 'something else entirely' });

    expect(screen.getByLabelText('Confirm new password').closest('.field')?.textContent).toContain('The passwords do not match.');
    expect(requestsTo(fetchMock, PASSWORD, 'POST')).toEqual([]);
  });
});
