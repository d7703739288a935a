import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { type AlertEventDto, ErrorCode, Role, type ServerDto, type ServerLiveEvent } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { emitLiveEvent, pageSubscriptions } from '../../../test/fake-socket';
import { aMe, aMembership, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { anAlert } from '../../../test/metrics-fixtures';
import { aPage, aServer, anSshKey } from '../../../test/servers-fixtures';
import { ServersPage } from './servers-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const SERVERS = '/api/v1/servers';
const LIST = `${SERVERS}?page=1&perPage=20`;
const KEYS = '/api/v1/ssh-keys';
const KEY_LIST = `${KEYS}?page=1&perPage=100`;
const OPEN_ALERTS = '/api/v1/alerts?state=open&page=1&perPage=100';
const POLL = { timeout: 4_000 };

function shell(role: Role = Role.Owner) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
    [OPEN_ALERTS]: () => jsonResponse(aPage([])),
  };
}

/** Answers with each of `servers` in turn, then keeps answering the last. */
/** What the wizard sends to create web-1 with its defaults (port 22, user root) and the team's key. */
const WEB_1_REQUEST = { name: 'web-1', host: '203.0.113.10', port: 22, user: 'root', sshKeyId: 'key-1' };

/** No key yet: the wizard generates one, creates the server and queues its validation. */
function generatedKeyRoutes(validating: ServerDto) {
  return {
    [LIST]: () => jsonResponse(aPage([])),
    [KEY_LIST]: () => jsonResponse(aPage([])),
    [`POST ${KEYS}`]: () => jsonResponse(anSshKey(), 201),
    [`POST ${SERVERS}`]: () => jsonResponse(aServer({ ...validating, status: 'pending' }), 201),
    [`POST ${SERVERS}/server-1/validate`]: () => jsonResponse(validating, 202),
  };
}

/** Opens the wizard on the servers page and picks the team's key: the connection step. */
async function openConnectionStep() {
  renderApp('/servers');
  fireEvent.click(await screen.findByRole('button', { name: 'Add server' }));
  const dialog = screen.getByRole('dialog', { name: 'Add server' });
  fireEvent.change(await within(dialog).findByLabelText('Team key'), { target: { value: 'key-1' } });
  fireEvent.click(within(dialog).getByRole('button', { name: 'Next' }));
  return dialog;
}

function inTurn(servers: ServerDto[]) {
  let call = 0;
  return () => jsonResponse(servers[Math.min(call++, servers.length - 1)]);
}

async function runWizardToValidation(): Promise<HTMLElement> {
  fireEvent.click(await screen.findByRole('button', { name: 'Add server' }));
  let dialog = screen.getByRole('dialog', { name: 'Add server' });
  fireEvent.click(await within(dialog).findByLabelText('Generate a new key (ed25519)'));
  fireEvent.change(within(dialog).getByLabelText('Key name'), { target: { value: 'deploy' } });
  fireEvent.click(within(dialog).getByRole('button', { name: 'Generate key' }));
  expect((await within(dialog).findByTestId('new-ssh-public-key')).textContent).toBe(anSshKey().publicKey);
  expect(dialog.textContent).toContain('~root/.ssh/authorized_keys');
  fireEvent.click(within(dialog).getByRole('button', { name: 'Next' }));
  dialog = screen.getByRole('dialog', { name: 'Add server' });
  fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'web-1' } });
  fireEvent.change(within(dialog).getByLabelText('Host'), { target: { value: ' 203.0.113.10 ' } });
  fireEvent.click(within(dialog).getByRole('button', { name: 'Add and validate' }));
  return dialog;
}

describe(ServersPage.name, () => {
  it('lists the servers with address, user, status and reason, open alerts, system and last validation', async () => {
    mockApi({
      ...shell(),
      [OPEN_ALERTS]: () => jsonResponse(aPage([anAlert(), anAlert({ id: 'alert-2', metric: 'memory' })])),
      [LIST]: () =>
        jsonResponse(
          aPage([
            aServer(),
            aServer({
              id: 'server-2',
              name: 'db-1',
              host: 'db.example.com',
              port: 2222,
              user: 'deploy',
              status: 'unreachable',
              statusReason: 'Connection refused',
              os: null,
              dockerVersion: null,
              lastValidatedAt: null,
            }),
          ]),
        ),
      [KEY_LIST]: () => jsonResponse(aPage([anSshKey({ serverCount: 2 })])),
    });

    renderApp('/servers');

    const table = await screen.findByTestId('servers-table');
    const rows = within(table).getAllByRole('row').slice(1);
    await waitFor(() => expect(within(rows[0]).getByTestId('open-alerts').textContent).toBe('2 open'));
    const cells = rows.map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    );
    expect(within(rows[0]).getByTestId('open-alerts').getAttribute('href')).toBe('/servers/server-1/alerts');
    expect(cells[0].slice(0, 4)).toEqual(['web-1', '203.0.113.10:22', 'root', 'Ready']);
    expect(cells[0].slice(5)).toEqual(['Ubuntu 24.04 LTS · Docker 27.3.1', '2 minutes ago']);
    expect(cells[1]).toEqual(['db-1', 'db.example.com:2222', 'deploy', 'UnreachableConnection refused', 'None', '—', 'Never']);
    expect(within(rows[1]).getByTestId('server-status').getAttribute('title')).toBe('Connection refused');
    expect(within(rows[0]).getByRole('link', { name: 'web-1' }).getAttribute('href')).toBe('/servers/server-1');
    const keys = screen.getByRole('region', { name: 'SSH keys' });
    expect(within(keys).getByTestId('ssh-key-deploy').textContent).toContain('SHA256:keyFingerprint');
    expect(within(keys).getByTestId('ssh-key-deploy').textContent).toContain('used by 2 servers');
  });

  it('offers to add the first server when there is none', async () => {
    mockApi({ ...shell(), [LIST]: () => jsonResponse(aPage([])), [KEY_LIST]: () => jsonResponse(aPage([])) });

    renderApp('/servers');

    fireEvent.click(await screen.findByRole('button', { name: 'Add your first server' }));
    expect(screen.getByRole('dialog', { name: 'Add server' })).toBeTruthy();
  });

  it('shows why a key in use cannot be deleted', async () => {
    mockApi({
      ...shell(),
      [LIST]: () => jsonResponse(aPage([])),
      [KEY_LIST]: () => jsonResponse(aPage([anSshKey({ serverCount: 1 })])),
      [`DELETE ${KEYS}/key-1`]: () =>
        problemResponse({ status: 409, code: ErrorCode.Conflict, title: 'The key is used by 1 server(s): give them another key first' }),
    });
    renderApp('/servers');

    fireEvent.click(await screen.findByRole('button', { name: 'Delete deploy' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete the key deploy?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete key' }));

    expect((await within(dialog).findByRole('alert')).textContent).toContain('The key is used by 1 server(s)');
  });

  it('generates a key, adds the server and polls its validation to success', async () => {
    const validating = aServer({
      status: 'validating',
      os: null,
      dockerVersion: null,
      diskFreeBytes: null,
      hostKeyFingerprint: null,
      lastValidatedAt: null,
    });
    const fetchMock = mockApi({
      ...shell(),
      ...generatedKeyRoutes(validating),
      [`GET ${SERVERS}/server-1`]: inTurn([validating, aServer()]),
    });
    renderApp('/servers');

    const dialog = await runWizardToValidation();

    expect((await within(dialog).findByTestId('validation-status')).textContent).toContain('Connecting to 203.0.113.10:22 as root');
    await waitFor(() => expect(within(dialog).getByTestId('validation-status').textContent).toBe('web-1 is ready.'), POLL);
    expect(within(dialog).getByTestId('validation-result').textContent).toBe('OSUbuntu 24.04 LTSDocker27.3.1Free disk42 GB');
    expect(requestsTo(fetchMock, KEYS, 'POST')[0].body).toEqual({ name: 'deploy' });
    expect(requestsTo(fetchMock, SERVERS, 'POST')[0].body).toEqual(WEB_1_REQUEST);
    expect(requestsTo(fetchMock, `${SERVERS}/server-1/validate`, 'POST')).toHaveLength(1);
  });

  it('shows the reason of a failed validation and tries again', async () => {
    const validating = aServer({ status: 'validating', os: null, dockerVersion: null, diskFreeBytes: null });
    const failed = aServer({ ...validating, status: 'unreachable', statusReason: 'Connection refused by 203.0.113.10:22' });
    const fetchMock = mockApi({
      ...shell(),
      ...generatedKeyRoutes(validating),
      [`GET ${SERVERS}/server-1`]: inTurn([validating, failed, validating, aServer()]),
    });
    renderApp('/servers');

    const dialog = await runWizardToValidation();

    await waitFor(
      () => expect(within(dialog).getByTestId('validation-status').textContent).toBe('Validation failed: Connection refused by 203.0.113.10:22'),
      POLL,
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(within(dialog).getByTestId('validation-status').textContent).toBe('web-1 is ready.'), POLL);
    expect(requestsTo(fetchMock, `${SERVERS}/server-1/validate`, 'POST')).toHaveLength(2);
  });

  it('shows the API field errors and the client hints in the connection step', async () => {
    mockApi({
      ...shell(),
      [LIST]: () => jsonResponse(aPage([])),
      [KEY_LIST]: () => jsonResponse(aPage([anSshKey()])),
      [`POST ${SERVERS}`]: () =>
        problemResponse({
          status: 409,
          code: ErrorCode.Conflict,
          title: 'A server named web-1 already exists in this team',
          errors: [{ field: 'name', message: 'already used in this team' }],
        }),
    });
    const dialog = await openConnectionStep();

    fireEvent.change(within(dialog).getByLabelText('User'), { target: { value: 'Root!' } });
    expect(dialog.textContent).toContain('A POSIX user name');
    expect((within(dialog).getByRole('button', { name: 'Add and validate' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('User'), { target: { value: 'deploy' } });
    expect(dialog.textContent).toContain('~deploy/.ssh/authorized_keys');
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'web-1' } });
    fireEvent.change(within(dialog).getByLabelText('Host'), { target: { value: 'web-1.example.com' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add and validate' }));

    expect(await within(dialog).findByText('already used in this team')).toBeTruthy();
  });

  it('sends the check interval when one is given, within 5 to 3600 seconds', async () => {
    const fetchMock = mockApi({
      ...shell(),
      [LIST]: () => jsonResponse(aPage([])),
      [KEY_LIST]: () => jsonResponse(aPage([anSshKey()])),
      [`POST ${SERVERS}`]: () => jsonResponse(aServer({ status: 'pending', checkIntervalSeconds: 5 }), 201),
      [`POST ${SERVERS}/server-1/validate`]: () => jsonResponse(aServer({ status: 'validating' }), 202),
      [`GET ${SERVERS}/server-1`]: () => jsonResponse(aServer()),
    });
    const dialog = await openConnectionStep();
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'web-1' } });
    fireEvent.change(within(dialog).getByLabelText('Host'), { target: { value: '203.0.113.10' } });
    expect(within(dialog).getByLabelText('Check interval (seconds, optional)').getAttribute('placeholder')).toBe('60');

    fireEvent.change(within(dialog).getByLabelText('Check interval (seconds, optional)'), { target: { value: '3' } });
    expect(dialog.textContent).toContain('Whole seconds from 5 to 3600.');
    expect((within(dialog).getByRole('button', { name: 'Add and validate' }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(within(dialog).getByLabelText('Check interval (seconds, optional)'), { target: { value: '5' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add and validate' }));

    await within(dialog).findByTestId('validation-status');
    expect(requestsTo(fetchMock, SERVERS, 'POST')[0].body).toEqual({ ...WEB_1_REQUEST, checkIntervalSeconds: 5 });
  });

  it('updates status badges and open alert counts from the team’s live events', async () => {
    let openAlerts: AlertEventDto[] = [];
    let db = aServer({ id: 'server-2', name: 'db-1' });
    mockApi({
      ...shell(),
      [LIST]: () => jsonResponse(aPage([aServer(), db])),
      [KEY_LIST]: () => jsonResponse(aPage([])),
      [OPEN_ALERTS]: () => jsonResponse(aPage(openAlerts)),
    });
    renderApp('/servers');
    const table = await screen.findByTestId('servers-table');
    const row = () => within(table).getByTestId('server-db-1');
    await waitFor(() => expect(pageSubscriptions()).toEqual([expect.objectContaining({ kind: 'team', teamId: 'team-1' })]));
    const toTeam = (event: ServerLiveEvent) =>
      act(() => {
        expect(emitLiveEvent((subscription) => subscription.kind === 'team' && subscription.teamId === 'team-1', event)).toBe(1);
      });

    db = { ...db, status: 'unreachable', statusReason: 'No route to host' };
    toTeam({ type: 'status', serverId: 'server-2', status: 'unreachable', statusReason: 'No route to host', statusReasonCode: 'server.unreachable' });

    await waitFor(() => expect(within(row()).getByTestId('server-status').textContent).toBe('UnreachableNo route to host'));
    expect(within(within(table).getByTestId('server-web-1')).getByTestId('server-status').textContent).toBe('Ready');

    const alert = anAlert({ id: 'alert-9', serverId: 'server-2', metric: 'unreachable', message: 'db-1 is unreachable' });
    openAlerts = [alert];
    toTeam({ type: 'alert', serverId: 'server-2', alert });

    await waitFor(() => expect(within(row()).getByTestId('open-alerts').textContent).toBe('1 open'));
  });

  it('shows a viewer the servers with the controls off, saying why', async () => {
    mockApi({ ...shell(Role.Viewer), [LIST]: () => jsonResponse(aPage([])), [KEY_LIST]: () => jsonResponse(aPage([anSshKey()])) });

    renderApp('/servers');

    const add = (await screen.findByRole('button', { name: 'Add server' })) as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    expect(add.title).toBe('Your role (viewer) cannot change servers: ask an owner or admin');
    expect(await screen.findByText(/No servers yet/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Add your first server' })).toBeNull();
    const remove = (await screen.findByRole('button', { name: 'Delete deploy' })) as HTMLButtonElement;
    expect(remove.disabled).toBe(true);
  });
});
