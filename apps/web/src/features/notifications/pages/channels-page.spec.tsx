import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ErrorCode, NOTIFICATION_EVENT_KINDS, type NotificationChannelKind, Role } from '@zpanel/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { aProject, anEnvironment } from '../../../test/applications-fixtures';
import { aMe, aMembership, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestsTo, validationProblem } from '../../../test/mock-api';
import { CHANNELS, aChannel, anEmailChannel } from '../../../test/notifications-fixtures';
import { renderApp } from '../../../test/render-app';
import { aPage } from '../../../test/servers-fixtures';
import { ChannelsPage } from './channels-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

afterEach(() => {
  vi.unstubAllGlobals();
});

const PROJECTS = '/api/v1/projects?page=1&perPage=100';

function routes({ role = Role.Owner, channels = [aChannel(), anEmailChannel()] } = {}) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
    [CHANNELS]: () => jsonResponse(channels),
    [PROJECTS]: () => jsonResponse(aPage([aProject()], { perPage: 100 })),
    '/api/v1/projects/project-1/environments?page=1&perPage=100': () =>
      jsonResponse(aPage([anEnvironment(), anEnvironment({ id: 'env-2', name: 'staging' })], { perPage: 100 })),
  };
}

async function openAddDialog() {
  fireEvent.click(await screen.findByRole('button', { name: 'Add channel' }, { timeout: 5_000 }));
  return screen.findByRole('dialog', { name: 'Add a notification channel' });
}

const type = (dialog: HTMLElement, label: string, value: string) => fireEvent.change(within(dialog).getByLabelText(label), { target: { value } });

/** Per kind: what to type, the problem the API answers, and the settings and secrets it must have been sent. */
const KINDS: {
  kind: NotificationChannelKind;
  fill: Record<string, string>;
  problem: { field: string; message: string; label: string };
  settings: Record<string, unknown>;
  secrets?: Record<string, string>;
}[] = [
  {
    kind: 'email',
    fill: {
      'SMTP host': 'smtp.example.com',
      Port: '465',
      'User name': 'zp',
      Password: 'smtp-pass',
      From: 'zp@example.com',
      To: 'a@example.com, b@example.com',
    },
    problem: { field: 'settings.to.1', message: 'must be an email address', label: 'To' },
    settings: {
      host: 'smtp.example.com',
      port: 465,
      security: 'tls',
      username: 'zp',
      from: 'zp@example.com',
      to: ['a@example.com', 'b@example.com'],
    },
    secrets: { password: 'smtp-pass' },
  },
  {
    kind: 'slack',
    fill: { 'Webhook URL': 'https://hooks.slack.com/services/T0/B0/xyz' },
    problem: { field: 'secrets.webhookUrl', message: 'must be an https URL of hooks.slack.com', label: 'Webhook URL' },
    settings: {},
    secrets: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/xyz' },
  },
  {
    kind: 'mattermost',
    fill: { 'Webhook URL': 'https://chat.example.com/hooks/abc' },
    problem: {
      field: 'secrets.webhookUrl',
      message: 'resolves to a private address (10.0.0.5), which the address policy refuses',
      label: 'Webhook URL',
    },
    settings: {},
    secrets: { webhookUrl: 'https://chat.example.com/hooks/abc' },
  },
  {
    kind: 'discord',
    fill: { 'Webhook URL': 'https://discord.com/api/webhooks/1/abc' },
    problem: { field: 'secrets.webhookUrl', message: 'must be a Discord webhook URL', label: 'Webhook URL' },
    settings: {},
    secrets: { webhookUrl: 'https://discord.com/api/webhooks/1/abc' },
  },
  {
    kind: 'telegram',
    fill: { 'Bot token': '123456:ABC-def', 'Chat ID': '$(reboot)' },
    problem: { field: 'settings.chatId', message: 'must be a numeric id or @channelusername', label: 'Chat ID' },
    settings: { chatId: '$(reboot)' },
    secrets: { botToken: '123456:ABC-def' },
  },
  {
    kind: 'ntfy',
    fill: { 'Server URL': 'https://ntfy.example.com', Topic: 'zp alerts' },
    problem: { field: 'settings.topic', message: 'letters, digits, - and _ only', label: 'Topic' },
    settings: { serverUrl: 'https://ntfy.example.com', topic: 'zp alerts' },
  },
  {
    kind: 'webhook',
    fill: { URL: 'http://169.254.169.254/latest', 'Signing secret': 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
    problem: { field: 'settings.url', message: 'is a metadata address, which the address policy refuses', label: 'URL' },
    settings: { url: 'http://169.254.169.254/latest' },
    secrets: { signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
  },
];

describe(ChannelsPage.name, () => {
  it('says what a channel is for when the team has none, with a way to add one', async () => {
    mockApi(routes({ channels: [] }));
    renderApp('/notifications/channels');

    expect((await screen.findByTestId('channels-empty', {}, { timeout: 5_000 })).textContent).toContain('No channels yet');
    expect(screen.getByRole('link', { name: 'Notifications' }).getAttribute('aria-current')).toBe('page');
    fireEvent.click(screen.getByRole('button', { name: 'Add your first channel' }));
    expect(await screen.findByRole('dialog', { name: 'Add a notification channel' })).toBeTruthy();
    // The file's first render compiles the whole app: more than 5 s under load.
  }, 15_000);

  it('lists each channel with its kind, events, state and last delivery', async () => {
    mockApi(routes());
    renderApp('/notifications/channels');

    const slack = await screen.findByTestId('channel-chan-1');
    expect(slack.textContent).toContain('ops-slack');
    expect(slack.textContent).toContain('Slack');
    expect(slack.textContent).toContain(`All ${NOTIFICATION_EVENT_KINDS.length} events`);
    expect(slack.textContent).toContain('Enabled');
    expect(slack.textContent).toContain('2 hours ago');
    expect(within(slack).getByRole('link', { name: 'ops-slack' }).getAttribute('href')).toBe('/notifications/channels/chan-1');
    const email = screen.getByTestId('channel-chan-2');
    expect(email.textContent).toContain('Email');
    expect(email.textContent).toContain('3 events');
    expect(email.textContent).toContain('Failing');
    expect(email.textContent).toContain('since 1 hour ago');
    expect(email.textContent).toContain('Never');
  });

  it.each(KINDS)(
    'adds a $kind channel, showing the API’s problems under their fields',
    async ({ kind, fill, problem, settings, secrets }) => {
      let posts = 0;
      const fetchMock = mockApi({
        ...routes({ channels: [] }),
        [`POST ${CHANNELS}`]: () => {
          posts += 1;
          if (posts === 1)
            return validationProblem(
              { field: problem.field, message: problem.message },
              { field: 'name', message: 'is already used by another channel' },
            );
          return jsonResponse(aChannel({ id: 'chan-9', kind, name: 'new one' }), 201);
        },
      });
      renderApp('/notifications/channels');

      const dialog = await openAddDialog();
      type(dialog, 'Name', ' new one ');
      fireEvent.change(within(dialog).getByLabelText('Kind'), { target: { value: kind } });
      if (kind === 'email') fireEvent.change(within(dialog).getByLabelText('Security'), { target: { value: 'tls' } });
      for (const [label, value] of Object.entries(fill)) type(dialog, label, value);
      fireEvent.click(within(dialog).getByLabelText('Deployments: Started'));
      fireEvent.click(within(dialog).getByRole('button', { name: 'Add channel' }));

      expect(await within(dialog).findByText(problem.message)).toBeTruthy();
      expect(within(dialog).getByLabelText(problem.label).getAttribute('aria-invalid')).toBe('true');
      expect(within(dialog).getByText('is already used by another channel')).toBeTruthy();
      expect(within(dialog).queryByRole('alert')).toBeNull();
      expect(requestsTo(fetchMock, CHANNELS, 'POST')[0].body).toEqual({
        name: 'new one',
        kind,
        enabled: true,
        events: NOTIFICATION_EVENT_KINDS.filter((k) => k !== 'deployment.started'),
        projectIds: null,
        environmentIds: null,
        settings,
        ...(secrets ? { secrets } : {}),
      });

      fireEvent.click(within(dialog).getByRole('button', { name: 'Add channel' }));
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
      // Many fields typed, under a loaded machine.
    },
    15_000,
  );

  it('sends only the chosen events, projects and environments', async () => {
    const fetchMock = mockApi({ ...routes({ channels: [] }), [`POST ${CHANNELS}`]: () => jsonResponse(aChannel(), 201) });
    renderApp('/notifications/channels');

    const dialog = await openAddDialog();
    type(dialog, 'Name', 'prod only');
    type(dialog, 'Webhook URL', 'https://hooks.slack.com/services/T0/B0/xyz');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Select none' }));
    expect(within(dialog).getByText(`0 of ${NOTIFICATION_EVENT_KINDS.length} selected`, { exact: false })).toBeTruthy();
    fireEvent.click(within(dialog).getByLabelText('Deployments: Failed'));
    fireEvent.click(within(dialog).getByLabelText('Backups: Missed'));
    fireEvent.click(await within(dialog).findByLabelText('Only events of some projects'));
    fireEvent.click(within(dialog).getByLabelText('Shop'));
    fireEvent.click(within(dialog).getByLabelText('Only events of some environments'));
    fireEvent.click(await within(dialog).findByLabelText('Shop / production'));
    fireEvent.click(within(dialog).getByLabelText('Enabled'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add channel' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, CHANNELS, 'POST')[0].body).toMatchObject({
      events: ['deployment.failed', 'backup.missed'],
      projectIds: ['project-1'],
      environmentIds: ['env-1'],
      enabled: false,
    });
  });

  it('shows the signing secret generated for a new webhook once, to copy', async () => {
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const secret = 'whsec_C2FtcGxlLXNpZ25pbmctc2VjcmV0LWZvci10ZXN0cw==';
    const fetchMock = mockApi({
      ...routes({ channels: [] }),
      [`POST ${CHANNELS}`]: () =>
        jsonResponse(
          {
            ...aChannel({ kind: 'webhook', name: 'ci', settings: { url: 'https://ci.example.com/hook' }, secretsSet: ['signingSecret'] }),
            signingSecret: secret,
          },
          201,
        ),
    });
    renderApp('/notifications/channels');

    const dialog = await openAddDialog();
    type(dialog, 'Name', 'ci');
    fireEvent.change(within(dialog).getByLabelText('Kind'), { target: { value: 'webhook' } });
    type(dialog, 'URL', 'https://ci.example.com/hook');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add channel' }));

    const shown = await screen.findByRole('dialog', { name: 'Signing secret of ci' });
    expect(within(shown).getByTestId('signing-secret-value').textContent).toBe(secret);
    expect(within(shown).getByRole('alert').textContent).toContain('cannot be shown again');
    expect(requestsTo(fetchMock, CHANNELS, 'POST')[0].body).not.toHaveProperty('secrets');
    fireEvent.click(within(shown).getByRole('button', { name: 'Copy secret' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(secret));
    fireEvent.click(within(shown).getByRole('button', { name: 'Done' }));
    expect(document.body.textContent).not.toContain(secret);
  });

  it('never shows a stored secret: it is only said to be set, kept unless replaced, and an optional one may be cleared', async () => {
    const ntfy = aChannel({
      id: 'chan-3',
      kind: 'ntfy',
      name: 'phone',
      settings: { serverUrl: 'https://ntfy.sh', topic: 'zp-ops' },
      secretsSet: ['accessToken'],
    });
    const fetchMock = mockApi({
      ...routes({ channels: [aChannel(), ntfy] }),
      [`PATCH ${CHANNELS}/chan-1`]: () => jsonResponse(aChannel()),
      [`PATCH ${CHANNELS}/chan-3`]: () => jsonResponse(ntfy),
    });
    renderApp('/notifications/channels');

    fireEvent.click(await screen.findByRole('button', { name: 'Edit ops-slack' }));
    let dialog = await screen.findByRole('dialog', { name: 'Edit ops-slack' });
    expect(within(dialog).getByTestId('secret-Webhook URL').textContent).toContain('Set — replace?');
    expect(within(dialog).queryByLabelText('Webhook URL')).toBeNull();
    for (const input of within(dialog).queryAllByRole('textbox')) expect((input as HTMLInputElement).value).not.toContain('hooks.slack.com');
    type(dialog, 'Name', 'ops');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, `${CHANNELS}/chan-1`, 'PATCH')[0].body).not.toHaveProperty('secrets');

    fireEvent.click(screen.getByRole('button', { name: 'Edit ops-slack' }));
    dialog = await screen.findByRole('dialog', { name: 'Edit ops-slack' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Replace Webhook URL' }));
    expect((within(dialog).getByLabelText('Webhook URL') as HTMLInputElement).value).toBe('');
    type(dialog, 'Webhook URL', 'https://hooks.slack.com/services/T0/B0/new');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, `${CHANNELS}/chan-1`, 'PATCH')[1].body).toMatchObject({
      secrets: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/new' },
    });

    fireEvent.click(screen.getByRole('button', { name: 'Edit phone' }));
    dialog = await screen.findByRole('dialog', { name: 'Edit phone' });
    expect((within(dialog).getByLabelText('Topic') as HTMLInputElement).value).toBe('zp-ops');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Clear Access token' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, `${CHANNELS}/chan-3`, 'PATCH')[0].body).toEqual({
      name: 'phone',
      enabled: true,
      events: [...NOTIFICATION_EVENT_KINDS],
      projectIds: null,
      environmentIds: null,
      settings: { serverUrl: 'https://ntfy.sh', topic: 'zp-ops' },
      secrets: { accessToken: null },
    });
  });

  it('sends a test with the settings typed, and through a saved channel, saying what the receiver answered', async () => {
    const fetchMock = mockApi({
      ...routes(),
      [`POST ${CHANNELS}/test`]: () => jsonResponse({ ok: true, status: 204, error: null, latencyMs: 87 }),
      [`POST ${CHANNELS}/chan-1/test`]: () =>
        jsonResponse({ ok: false, status: 404, error: 'Slack answered 404 no_service: the webhook was removed', latencyMs: 120 }),
    });
    renderApp('/notifications/channels');

    const dialog = await openAddDialog();
    type(dialog, 'Name', 'try');
    type(dialog, 'Webhook URL', 'https://hooks.slack.com/services/T0/B0/xyz');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send test' }));
    await waitFor(() => expect(within(dialog).getByTestId('test-result').textContent).toBe('Test sent Delivered · HTTP 204 · 87 ms'));
    expect(requestsTo(fetchMock, `${CHANNELS}/test`, 'POST')[0].body).toEqual({
      kind: 'slack',
      name: 'try',
      settings: {},
      secrets: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/xyz' },
    });
    expect(requestsTo(fetchMock, CHANNELS, 'POST')).toEqual([]);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    const row = screen.getByTestId('channel-chan-1');
    fireEvent.click(within(row).getByRole('button', { name: 'Send a test to ops-slack' }));
    await waitFor(() =>
      expect(within(row).getByTestId('test-result').textContent).toContain('Slack answered 404 no_service: the webhook was removed'),
    );
    expect(within(row).getByTestId('test-result').textContent).toContain('Test failed');
    expect(within(row).getByTestId('test-result').textContent).toContain('HTTP 404');
  });

  it('shows a test refused for its settings under the fields', async () => {
    mockApi({
      ...routes(),
      [`POST ${CHANNELS}/test`]: () => validationProblem({ field: 'settings.chatId', message: 'must be a numeric id or @channelusername' }),
    });
    renderApp('/notifications/channels');

    const dialog = await openAddDialog();
    fireEvent.change(within(dialog).getByLabelText('Kind'), { target: { value: 'telegram' } });
    type(dialog, 'Chat ID', 'x');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send test' }));
    expect(await within(dialog).findByText('must be a numeric id or @channelusername')).toBeTruthy();
    expect(within(dialog).getByLabelText('Chat ID').getAttribute('aria-invalid')).toBe('true');
  });

  it('deletes a channel after asking', async () => {
    let channels = [aChannel(), anEmailChannel()];
    const fetchMock = mockApi({
      ...routes(),
      [CHANNELS]: () => jsonResponse(channels),
      [`DELETE ${CHANNELS}/chan-1`]: () => {
        channels = [anEmailChannel()];
        return new Response(null, { status: 204 });
      },
    });
    renderApp('/notifications/channels');

    fireEvent.click(await screen.findByRole('button', { name: 'Delete ops-slack' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete ops-slack?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Delete channel' }));
    await waitFor(() => expect(screen.queryByTestId('channel-chan-1')).toBeNull());
    expect(requestsTo(fetchMock, `${CHANNELS}/chan-1`, 'DELETE')).toHaveLength(1);
  });

  it('lets a viewer see the channels but not change or test them', async () => {
    mockApi(routes({ role: Role.Viewer }));
    renderApp('/notifications/channels');

    const row = await screen.findByTestId('channel-chan-1');
    expect((within(row).getByRole('button', { name: 'Send a test to ops-slack' }) as HTMLButtonElement).disabled).toBe(true);
    expect((within(row).getByRole('button', { name: 'Edit ops-slack' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Add channel' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows why the list could not be loaded', async () => {
    mockApi({
      ...routes(),
      [CHANNELS]: () =>
        problemResponse({ status: 500, title: 'Internal Server Error', detail: 'The database did not answer.', code: ErrorCode.Internal }),
    });
    renderApp('/notifications/channels');

    expect((await screen.findByRole('alert')).textContent).toContain('The database did not answer.');
  });
});
