import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { InstanceSettingsDto } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { instanceBackupRoutes, instanceBackupsRefusedRoutes } from '../../../test/backups-fixtures';
import { aMe, aSystemStatus, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, requestedUrls, requestsTo, validationProblem } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { InstanceSettings } from './instance-settings';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const SETTINGS = '/api/v1/system/settings';
const TEST = '/api/v1/system/settings/smtp/test';

const systemRoutes = () => ({
  '/api/v1/me': () => jsonResponse(aMe()),
  '/api/ready': () => jsonResponse(readyReadiness),
  '/api/v1/system/status': () => jsonResponse(aSystemStatus()),
});

const saved: InstanceSettingsDto = {
  publicUrl: 'https://zpanel.example.com',
  smtp: { host: 'smtp.example.com', port: 587, security: 'starttls', username: 'mailer', from: 'zpanel@example.com', passwordSet: true },
};

async function settingsForm() {
  return screen.findByRole('form', { name: 'Instance settings' });
}

describe(InstanceSettings.name, () => {
  it('shows the saved settings, saying a password is set without ever rendering it', async () => {
    mockApi({ ...systemRoutes(), ...instanceBackupRoutes(), [SETTINGS]: () => jsonResponse(saved) });
    renderApp('/system');

    const form = await settingsForm();
    expect((within(form).getByLabelText('Public URL') as HTMLInputElement).value).toBe('https://zpanel.example.com');
    expect((within(form).getByLabelText('SMTP host') as HTMLInputElement).value).toBe('smtp.example.com');
    expect((within(form).getByLabelText('Port') as HTMLInputElement).value).toBe('587');
    expect((within(form).getByLabelText('Security') as HTMLSelectElement).value).toBe('starttls');
    expect((within(form).getByLabelText('Username') as HTMLInputElement).value).toBe('mailer');
    expect((within(form).getByLabelText('From') as HTMLInputElement).value).toBe('zpanel@example.com');
    expect(within(form).getByTestId('smtp-password-set').textContent).toContain('Set');
    expect(within(form).queryByLabelText('Password')).toBeNull();
    expect(form.querySelector('input[type="password"]')).toBeNull();
  });

  it('saves, keeping the saved password, and shows the API’s field errors under their fields', async () => {
    let patches = 0;
    const fetchMock = mockApi({
      ...systemRoutes(),
      ...instanceBackupRoutes(),
      [SETTINGS]: () => jsonResponse(saved),
      [`PATCH ${SETTINGS}`]: () => {
        patches += 1;
        return patches === 1
          ? validationProblem({ field: 'smtp.host', message: 'smtp.host points to an address the instance does not connect to' })
          : jsonResponse({ ...saved, smtp: { ...saved.smtp, host: 'mail.example.com' } });
      },
    });
    renderApp('/system');

    const form = await settingsForm();
    const host = within(form).getByLabelText('SMTP host');
    fireEvent.change(host, { target: { value: '127.0.0.1' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save settings' }));

    await waitFor(() => expect(host.getAttribute('aria-invalid')).toBe('true'));
    expect(within(form).getByText('smtp.host points to an address the instance does not connect to')).toBeTruthy();
    const [first] = requestsTo(fetchMock, SETTINGS, 'PATCH');
    expect(first.body).toEqual({
      publicUrl: 'https://zpanel.example.com',
      smtp: { host: '127.0.0.1', port: 587, security: 'starttls', username: 'mailer', from: 'zpanel@example.com' },
    });

    fireEvent.change(host, { target: { value: 'mail.example.com' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Settings saved.')).toBeTruthy();
    expect((screen.getByLabelText('SMTP host') as HTMLInputElement).value).toBe('mail.example.com');
  });

  it('replaces the password when asked, and turns email off with smtp: null', async () => {
    const fetchMock = mockApi({
      ...systemRoutes(),
      ...instanceBackupRoutes(),
      [SETTINGS]: () => jsonResponse(saved),
      [`PATCH ${SETTINGS}`]: () => jsonResponse(saved),
    });
    renderApp('/system');

    const form = await settingsForm();
    fireEvent.click(within(form).getByRole('button', { name: 'Replace?' }));
    fireEvent.change(within(form).getByLabelText('Password'), { target: { value: 'n3w-secret' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(requestsTo(fetchMock, SETTINGS, 'PATCH')).toHaveLength(1));
    expect(requestsTo(fetchMock, SETTINGS, 'PATCH')[0].body).toMatchObject({ smtp: { password: 'n3w-secret' } });

    await waitFor(() => expect(screen.getByRole('button', { name: 'Save settings' }).hasAttribute('disabled')).toBe(false));
    fireEvent.click(within(await settingsForm()).getByLabelText('Send email through an SMTP server'));
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(requestsTo(fetchMock, SETTINGS, 'PATCH')).toHaveLength(2));
    expect(requestsTo(fetchMock, SETTINGS, 'PATCH')[1].body).toEqual({ publicUrl: 'https://zpanel.example.com', smtp: null });
  });

  it('sends a test email and says what the SMTP server answered', async () => {
    let tests = 0;
    const fetchMock = mockApi({
      ...systemRoutes(),
      ...instanceBackupRoutes(),
      [SETTINGS]: () => jsonResponse(saved),
      [`POST ${TEST}`]: () => {
        tests += 1;
        return jsonResponse(
          tests === 1
            ? { ok: false, status: null, error: '535 Authentication failed', latencyMs: 31 }
            : { ok: true, status: null, error: null, latencyMs: 12 },
        );
      },
    });
    renderApp('/system');

    const form = await screen.findByRole('form', { name: 'Send a test email' });
    fireEvent.change(within(form).getByLabelText('Send a test email to'), { target: { value: 'ada@example.com' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Send test email' }));
    expect((await within(form).findByTestId('smtp-test-result')).textContent).toBe('Not sent: 535 Authentication failed (after 31 ms).');
    expect(requestsTo(fetchMock, TEST, 'POST')[0].body).toEqual({ to: 'ada@example.com' });

    fireEvent.click(within(form).getByRole('button', { name: 'Send test email' }));
    await waitFor(() =>
      expect(within(form).getByTestId('smtp-test-result').textContent).toBe('Sent: the SMTP server accepted the test email in 12 ms.'),
    );
  });

  it('is not shown, nor asked for, to someone who is not an instance operator', async () => {
    const fetchMock = mockApi({ ...systemRoutes(), ...instanceBackupsRefusedRoutes() });
    renderApp('/system');

    await screen.findByTestId('instance-backups-refused');
    expect(screen.queryByRole('region', { name: 'Instance settings' })).toBeNull();
    expect(screen.queryByRole('form', { name: 'Instance settings' })).toBeNull();
    expect(requestedUrls(fetchMock).filter((url) => url.startsWith(SETTINGS))).toEqual([]);
  });
});
