import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Role } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { aMe, aMembership, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aMetrics } from '../../../test/metrics-fixtures';
import { aPage, aServer, anSshKey } from '../../../test/servers-fixtures';
import { ServerDetailPage } from './server-detail-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const SERVER = '/api/v1/servers/server-1';
const CHANGED =
  "The server's host key changed (recorded SHA256:old, now SHA256:new). If you reinstalled the server, trust the new host key; otherwise someone may be intercepting the connection.";

function shell(role: Role = Role.Owner) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
    [`${SERVER}/metrics?range=1h`]: () => jsonResponse(aMetrics([])),
  };
}

describe(ServerDetailPage.name, () => {
  it('shows the connection, host key fingerprint and system of the server', async () => {
    mockApi({ ...shell(), [SERVER]: () => jsonResponse(aServer()) });

    renderApp('/servers/server-1');

    const facts = await screen.findByTestId('server-facts');
    expect(within(facts).getByTestId('host-key-fingerprint').textContent).toBe('SHA256:hostkeyAAAA');
    expect(facts.textContent).toContain('203.0.113.10:22');
    expect(facts.textContent).toContain('Ubuntu 24.04 LTS');
    expect(within(facts).getByTestId('docker-version').textContent).toBe('27.3.1');
    expect(facts.textContent).toContain('42 GB');
  });

  it('puts trusting a changed host key first and asks before doing it', async () => {
    const fetchMock = mockApi({
      ...shell(),
      [SERVER]: () => jsonResponse(aServer({ status: 'invalid', statusReason: CHANGED, statusReasonCode: 'server.host_key_changed' })),
      [`POST ${SERVER}/trust-host-key`]: () => jsonResponse(aServer({ status: 'validating', statusReason: null, hostKeyFingerprint: null }), 202),
    });
    renderApp('/servers/server-1');

    const warning = await screen.findByTestId('host-key-changed');
    fireEvent.click(within(warning).getByRole('button', { name: 'Trust new host key' }));
    const dialog = screen.getByRole('dialog', { name: 'Trust the new host key?' });
    expect(dialog.textContent).toContain('intercepting the connection');
    expect(requestsTo(fetchMock, `${SERVER}/trust-host-key`, 'POST')).toEqual([]);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Trust new host key' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, `${SERVER}/trust-host-key`, 'POST')).toHaveLength(1);
    expect(screen.getByTestId('server-status').textContent).toBe('Validating…');
  });

  it('warns about a changed host key by the reason code, not by the words of the reason', async () => {
    mockApi({
      ...shell(),
      [SERVER]: () =>
        jsonResponse(
          aServer({
            status: 'invalid',
            statusReason: 'Reworded: the recorded key does not match any more.',
            statusReasonCode: 'server.host_key_changed',
          }),
        ),
    });
    const { unmount } = renderApp('/servers/server-1');
    expect(await screen.findByTestId('host-key-changed')).toBeTruthy();
    unmount();

    // Words that mention a changed host key, with another code: no warning, the trust button stays secondary.
    mockApi({
      ...shell(),
      [SERVER]: () =>
        jsonResponse(
          aServer({
            status: 'unreachable',
            statusReason: 'Could not connect: host key changed? (proxy said so)',
            statusReasonCode: 'server.unreachable',
          }),
        ),
    });
    renderApp('/servers/server-1');
    await screen.findByTestId('server-facts');
    expect(screen.queryByTestId('host-key-changed')).toBeNull();
    expect(screen.getByRole('button', { name: 'Trust new host key' }).className).toBe('button button--secondary');
  });

  it('cancelling the trust dialog sends nothing', async () => {
    const fetchMock = mockApi({ ...shell(), [SERVER]: () => jsonResponse(aServer()) });
    renderApp('/servers/server-1');

    fireEvent.click(await screen.findByRole('button', { name: 'Trust new host key' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));

    expect(screen.queryByRole('dialog')).toBeNull();
    expect(requestsTo(fetchMock, `${SERVER}/trust-host-key`, 'POST')).toEqual([]);
  });

  it('edits only what changed', async () => {
    const fetchMock = mockApi({
      ...shell(),
      [SERVER]: () => jsonResponse(aServer()),
      '/api/v1/ssh-keys?page=1&perPage=100': () => jsonResponse(aPage([anSshKey()])),
      [`PATCH ${SERVER}`]: () => jsonResponse(aServer({ port: 2222, status: 'pending' })),
    });
    renderApp('/servers/server-1');
    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit web-1' });

    fireEvent.change(within(dialog).getByLabelText('Port'), { target: { value: '2222' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, SERVER, 'PATCH')[0].body).toEqual({ port: 2222 });
  });

  it('changes the check interval, and empties it back to the instance default', async () => {
    const fetchMock = mockApi({
      ...shell(),
      [SERVER]: () => jsonResponse(aServer()),
      '/api/v1/ssh-keys?page=1&perPage=100': () => jsonResponse(aPage([anSshKey()])),
      [`PATCH ${SERVER}`]: () => jsonResponse(aServer({ checkIntervalSeconds: 5 })),
    });
    renderApp('/servers/server-1');
    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    let dialog = screen.getByRole('dialog', { name: 'Edit web-1' });
    const field = () => within(dialog).getByLabelText('Check interval (seconds)') as HTMLInputElement;
    expect(field().value).toBe('60');

    fireEvent.change(field(), { target: { value: '4000' } });
    expect(dialog.textContent).toContain('Whole seconds from 5 to 3600.');
    expect((within(dialog).getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(field(), { target: { value: '5' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, SERVER, 'PATCH')[0].body).toEqual({ checkIntervalSeconds: 5 });
    expect(screen.getByTestId('check-interval').textContent).toBe('5 s');

    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    dialog = screen.getByRole('dialog', { name: 'Edit web-1' });
    fireEvent.change(field(), { target: { value: '' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, SERVER, 'PATCH')[1].body).toEqual({ checkIntervalSeconds: null });
  });

  it('shows a member the server with every control off, saying why', async () => {
    mockApi({
      ...shell(Role.Member),
      [SERVER]: () => jsonResponse(aServer({ status: 'invalid', statusReason: CHANGED, statusReasonCode: 'server.host_key_changed' })),
    });

    renderApp('/servers/server-1');

    await screen.findByTestId('server-facts');
    for (const name of ['Validate again', 'Trust new host key', 'Edit', 'Delete']) {
      const button = screen.getByRole('button', { name }) as HTMLButtonElement;
      expect(button.disabled, name).toBe(true);
      expect(button.title).toBe('Your role (member) cannot change servers: ask an owner or admin');
    }
  });
});
