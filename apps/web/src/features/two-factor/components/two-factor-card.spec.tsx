import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ErrorCode, RECOVERY_CODE_COUNT } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { aMe, aUser, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { TwoFactorCard } from './two-factor-card';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const ENROLLMENT = '/api/v1/me/two-factor/enrollment';
const CONFIRMATION = '/api/v1/me/two-factor/confirmation';
const DISABLE = '/api/v1/me/two-factor/disable';
const REGENERATE = '/api/v1/me/two-factor/recovery-codes';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const OTPAUTH_URI = `otpauth://totp/Zpanel:ada%40example.com?secret=${SECRET}&issuer=Zpanel&algorithm=SHA1&digits=6&period=30`;
const CODES = Array.from({ length: RECOVERY_CODE_COUNT }, (_, i) => `k${i}x7q-9m${i}dz`);

/** `/api/v1/me` answering with 2FA as `state.enabled` says, so a refetch sees the change. */
function account(enabled: boolean) {
  const state = { enabled };
  return {
    state,
    routes: {
      '/api/v1/me': () => jsonResponse(aMe({ user: aUser({ twoFactorEnabled: state.enabled }) })),
      '/api/ready': () => jsonResponse(readyReadiness),
    },
  };
}

function card(): HTMLElement {
  return screen.getByTestId('two-factor-card');
}

async function openProfile() {
  const view = renderApp('/profile');
  await waitFor(() => expect(within(card()).queryByRole('button', { name: /Enable|Disable/ })).not.toBeNull());
  return view;
}

/** Everything the app keeps: both caches and both storages, as one string to search. */
function everythingKept(queryClient: ReturnType<typeof renderApp>['queryClient']): string {
  return JSON.stringify({
    queries: queryClient
      .getQueryCache()
      .getAll()
      .map(({ state }) => state),
    mutations: queryClient
      .getMutationCache()
      .getAll()
      .map(({ state }) => state),
    local: { ...localStorage },
    session: { ...sessionStorage },
  });
}

describe(TwoFactorCard.name, () => {
  it('enrolls with a locally drawn QR code and the secret, confirms with a code, then shows the recovery codes once', async () => {
    const { state, routes } = account(false);
    const fetchMock = mockApi({
      ...routes,
      [`POST ${ENROLLMENT}`]: () => jsonResponse({ secret: SECRET, otpauthUri: OTPAUTH_URI }, 201),
      [`POST ${CONFIRMATION}`]: () => {
        state.enabled = true;
        return jsonResponse({ recoveryCodes: CODES });
      },
    });
    const { queryClient } = await openProfile();

    fireEvent.click(within(card()).getByRole('button', { name: 'Enable' }));

    const qr = await within(card()).findByRole('img', { name: 'QR code for your authenticator app' });
    expect(qr.tagName.toLowerCase()).toBe('svg');
    expect(qr.querySelector('path')?.getAttribute('d')).toMatch(/^M\d+ \d+h1v1h-1z/);
    expect(screen.getByTestId('totp-secret').textContent).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    // Drawn here: nothing but the API was asked, and nothing carried the secret elsewhere.
    expect(fetchMock.mock.calls.every(([url]) => String(url).startsWith('/api/'))).toBe(true);

    fireEvent.change(screen.getByLabelText('2. Enter the 6-digit code from the app'), { target: { value: '123 456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Turn on' }));

    const codes = await screen.findByRole('list', { name: 'Recovery codes' });
    expect(
      within(codes)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(CODES);
    expect(requestsTo(fetchMock, CONFIRMATION, 'POST')[0].body).toEqual({ code: '123456' });
    expect(within(card()).getByRole('status').textContent).toBe('Two-factor authentication is on.');
    expect(screen.queryByTestId('totp-secret')).toBeNull();
    await waitFor(() => expect(within(card()).getByText('On')).toBeTruthy());

    fireEvent.click(screen.getByRole('button', { name: 'I saved them' }));

    expect(screen.queryByTestId('recovery-codes')).toBeNull();
    expect(within(card()).getByRole('button', { name: 'Regenerate recovery codes' })).toBeTruthy();
    expect(document.body.textContent).not.toContain(CODES[0]);
    await waitFor(() => {
      const kept = everythingKept(queryClient);
      expect(kept).not.toContain(SECRET);
      expect(kept).not.toContain(CODES[0]);
    });
  });

  it('says under the field when the code is wrong, and keeps the enrollment open', async () => {
    const { routes } = account(false);
    mockApi({
      ...routes,
      [`POST ${ENROLLMENT}`]: () => jsonResponse({ secret: SECRET, otpauthUri: OTPAUTH_URI }, 201),
      [`POST ${CONFIRMATION}`]: () =>
        problemResponse({
          status: 401,
          title: 'Wrong two-factor code',
          code: ErrorCode.InvalidCredentials,
          errors: [{ field: 'code', message: 'the code is wrong' }],
        }),
    });
    await openProfile();
    fireEvent.click(within(card()).getByRole('button', { name: 'Enable' }));
    const field = await screen.findByLabelText('2. Enter the 6-digit code from the app');

    fireEvent.change(field, { target: { value: '000000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Turn on' }));

    await waitFor(() => expect(field.closest('.field')?.textContent).toContain('That code is not right.'));
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('totp-secret')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('drops the secret when the enrollment is cancelled', async () => {
    const { routes } = account(false);
    mockApi({ ...routes, [`POST ${ENROLLMENT}`]: () => jsonResponse({ secret: SECRET, otpauthUri: OTPAUTH_URI }, 201) });
    const { queryClient } = await openProfile();
    fireEvent.click(within(card()).getByRole('button', { name: 'Enable' }));
    await screen.findByTestId('totp-secret');

    fireEvent.click(within(card()).getByRole('button', { name: 'Cancel' }));

    expect(screen.queryByTestId('totp-secret')).toBeNull();
    expect(within(card()).getByRole('button', { name: 'Enable' })).toBeTruthy();
    await waitFor(() => expect(everythingKept(queryClient)).not.toContain(SECRET));
  });

  it('copies the recovery codes and downloads them as a .txt file', async () => {
    const { routes } = account(false);
    mockApi({
      ...routes,
      [`POST ${ENROLLMENT}`]: () => jsonResponse({ secret: SECRET, otpauthUri: OTPAUTH_URI }, 201),
      [`POST ${CONFIRMATION}`]: () => jsonResponse({ recoveryCodes: CODES }),
    });
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return 'blob:recovery-codes';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const clicks: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this);
    });
    await openProfile();
    fireEvent.click(within(card()).getByRole('button', { name: 'Enable' }));
    fireEvent.change(await screen.findByLabelText('2. Enter the 6-digit code from the app'), { target: { value: '123456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Turn on' }));
    await screen.findByTestId('recovery-codes');

    fireEvent.click(screen.getByRole('button', { name: 'Copy codes' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Copied' })).toBeTruthy());
    expect(writeText).toHaveBeenCalledWith(CODES.join('\n'));

    fireEvent.click(screen.getByRole('button', { name: 'Download .txt' }));
    expect(clicks.map(({ download, href }) => ({ download, href }))).toEqual([
      { download: 'zpanel-recovery-codes.txt', href: 'blob:recovery-codes' },
    ]);
    const text = await blobs[0].text();
    expect(text).toContain('Zpanel recovery codes for ada@example.com');
    expect(text.trim().split('\n').slice(-RECOVERY_CODE_COUNT)).toEqual(CODES);
  });

  it('needs both the password and a code to disable, then says it is off', async () => {
    const { state, routes } = account(true);
    const fetchMock = mockApi({
      ...routes,
      [`POST ${DISABLE}`]: () => {
        state.enabled = false;
        return new Response(null, { status: 204 });
      },
    });
    await openProfile();

    fireEvent.click(within(card()).getByRole('button', { name: 'Disable' }));
    const dialog = screen.getByRole('dialog', { name: 'Turn off two-factor authentication' });
    const turnOff = within(dialog).getByRole('button', { name: 'Turn off' }) as HTMLButtonElement;
    expect(turnOff.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    expect(turnOff.disabled).toBe(true);
    fireEvent.submit(turnOff.closest('form') as HTMLFormElement);
    expect(requestsTo(fetchMock, DISABLE, 'POST')).toEqual([]);
    fireEvent.change(within(dialog).getByLabelText('Authentication or recovery code'), { target: { value: ' 654321 ' } });
    expect(turnOff.disabled).toBe(false);
    fireEvent.click(turnOff);

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, DISABLE, 'POST')[0].body).toEqual({ password: 'correct horse battery staple', code: '654321' });
    expect(within(card()).getByRole('status').textContent).toBe('Two-factor authentication is off.');
    expect(within(card()).getByRole('button', { name: 'Enable' })).toBeTruthy();
  });

  it('says which of password and code was wrong', async () => {
    const { routes } = account(true);
    mockApi({
      ...routes,
      [`POST ${DISABLE}`]: () =>
        problemResponse({
          status: 401,
          title: 'The password is wrong',
          code: ErrorCode.InvalidCredentials,
          errors: [{ field: 'password', message: 'password is wrong' }],
        }),
    });
    await openProfile();
    fireEvent.click(within(card()).getByRole('button', { name: 'Disable' }));
    const dialog = screen.getByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Password'), { target: { value: 'wrong' } });
    fireEvent.change(within(dialog).getByLabelText('Authentication or recovery code'), { target: { value: '654321' } });

    fireEvent.click(within(dialog).getByRole('button', { name: 'Turn off' }));

    await waitFor(() => expect(within(dialog).getByLabelText('Password').closest('.field')?.textContent).toContain('The password is wrong.'));
    expect(within(dialog).getByLabelText('Authentication or recovery code').getAttribute('aria-invalid')).toBeNull();
  });

  it('regenerates the recovery codes with a code and shows the new ones once', async () => {
    const { routes } = account(true);
    const fresh = CODES.map((code) => `n${code.slice(1)}`);
    const fetchMock = mockApi({ ...routes, [`POST ${REGENERATE}`]: () => jsonResponse({ recoveryCodes: fresh }) });
    await openProfile();

    fireEvent.click(within(card()).getByRole('button', { name: 'Regenerate recovery codes' }));
    const dialog = screen.getByRole('dialog', { name: 'Regenerate recovery codes' });
    fireEvent.change(within(dialog).getByLabelText('Authentication or recovery code'), { target: { value: 'k0x7q-9m0dz' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Regenerate codes' }));

    const codes = await screen.findByRole('list', { name: 'Recovery codes' });
    expect(
      within(codes)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(fresh);
    expect(requestsTo(fetchMock, REGENERATE, 'POST')[0].body).toEqual({ code: 'k0x7q-9m0dz' });
    expect(screen.queryByRole('dialog')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'I saved them' }));
    expect(screen.queryByTestId('recovery-codes')).toBeNull();
  });
});
