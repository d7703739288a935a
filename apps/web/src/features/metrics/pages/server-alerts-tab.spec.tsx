import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Role, type ServerLiveEvent } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { emitLiveEvent } from '../../../test/fake-socket';
import { aMe, aMembership, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, requestedUrls, requestsTo, validationProblem } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aRule, anAlert } from '../../../test/metrics-fixtures';
import { aPage, aServer } from '../../../test/servers-fixtures';
import { ServerAlertsTab } from './server-alerts-tab';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const SERVER = '/api/v1/servers/server-1';
const ALERTS = `${SERVER}/alerts?page=1&perPage=20`;
const OPEN = `${SERVER}/alerts?state=open&page=1&perPage=20`;
const RULES = `${SERVER}/alert-rules`;
const RULE_LIST = `${RULES}?page=1&perPage=100`;

const DEFAULT_RULES = [
  aRule(),
  aRule({ id: 'rule-2', metric: 'memory', threshold: 90, durationSeconds: 300 }),
  aRule({ id: 'rule-3', metric: 'unreachable', threshold: 0, enabled: false }),
];

function shell(role: Role = Role.Owner) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
    [SERVER]: () => jsonResponse(aServer()),
    [RULE_LIST]: () => jsonResponse(aPage(DEFAULT_RULES, { perPage: 100 })),
  };
}

const toServerPage = (event: ServerLiveEvent) =>
  act(() => {
    expect(emitLiveEvent((subscription) => subscription.kind === 'server' && subscription.serverId === 'server-1', event)).toBe(1);
  });

const rowTexts = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    );

describe(ServerAlertsTab.name, () => {
  it('lists open and resolved alerts, newest first, and filters them by state', async () => {
    const resolved = anAlert({
      id: 'alert-0',
      metric: 'memory',
      state: 'resolved',
      message: 'Memory 93 % > 90 % on web-1',
      openedAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
      resolvedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
    });
    const fetchMock = mockApi({
      ...shell(),
      [ALERTS]: () => jsonResponse(aPage([anAlert(), resolved])),
      [OPEN]: () => jsonResponse(aPage([anAlert()])),
    });

    renderApp('/servers/server-1/alerts');

    const table = await screen.findByTestId('alerts-table');
    expect(rowTexts(table)).toEqual([
      ['Open', 'Disk 83 % > 80 % on web-1', '10 minutes ago', '—'],
      ['Resolved', 'Memory 93 % > 90 % on web-1', '3 hours ago', '2 hours ago'],
    ]);

    fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'open' } });

    await waitFor(() => expect(rowTexts(screen.getByTestId('alerts-table'))).toHaveLength(1));
    expect(requestedUrls(fetchMock)).toContain(OPEN);
  });

  it('shows a new alert and a resolution as they happen', async () => {
    let alerts = [anAlert()];
    let answering = true;
    // Once `answering` is off, refetches never answer: what changes then comes from the event alone.
    mockApi({ ...shell(), [ALERTS]: () => (answering ? jsonResponse(aPage(alerts)) : new Promise<Response>(() => undefined)) });
    renderApp('/servers/server-1/alerts');
    await screen.findByTestId('alert-alert-1');

    const cpu = anAlert({ id: 'alert-2', metric: 'cpu', message: 'CPU 97 % > 90 % on web-1', openedAt: new Date().toISOString() });
    alerts = [cpu, ...alerts];
    toServerPage({ type: 'alert', serverId: 'server-1', alert: cpu });

    await waitFor(() => expect(screen.getByTestId('alert-alert-2').textContent).toContain('CPU 97 % > 90 % on web-1'));

    answering = false;
    const diskResolved = { ...anAlert(), state: 'resolved' as const, resolvedAt: new Date().toISOString() };
    toServerPage({ type: 'alert', serverId: 'server-1', alert: diskResolved });

    await waitFor(() => expect(screen.getByTestId('alert-alert-1').textContent).toContain('Resolved'));
  });

  it('says so when the server never had an alert', async () => {
    mockApi({ ...shell(), [ALERTS]: () => jsonResponse(aPage([])) });
    renderApp('/servers/server-1/alerts');
    expect((await screen.findByTestId('alerts-empty')).textContent).toContain('No alerts yet');
  });

  it('lists the rules in words', async () => {
    mockApi({ ...shell(), [ALERTS]: () => jsonResponse(aPage([])) });
    renderApp('/servers/server-1/alerts');

    const table = await screen.findByTestId('alert-rules-table');
    expect(rowTexts(table).map(([rule, state]) => [rule, state])).toEqual([
      ['Disk above 80 % at once', 'Enabled'],
      ['Memory above 90 % for 5 min', 'Enabled'],
      ['Unreachable at once', 'Disabled'],
    ]);
  });

  it('adds a rule, showing the API’s validation errors on their fields', async () => {
    let answer = validationProblem(
      { field: 'threshold', message: 'threshold must not be greater than 100' },
      { field: 'durationSeconds', message: 'durationSeconds must be a multiple of the check interval' },
    );
    const fetchMock = mockApi({
      ...shell(),
      [ALERTS]: () => jsonResponse(aPage([])),
      [`POST ${RULES}`]: () => answer,
    });
    renderApp('/servers/server-1/alerts');
    fireEvent.click(await screen.findByRole('button', { name: 'Add rule' }));
    const dialog = screen.getByRole('dialog', { name: 'Add alert rule' });

    fireEvent.change(within(dialog).getByLabelText('Metric'), { target: { value: 'load' } });
    fireEvent.change(within(dialog).getByLabelText('Threshold'), { target: { value: '4' } });
    fireEvent.change(within(dialog).getByLabelText('Duration (seconds)'), { target: { value: '120' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add rule' }));

    await waitFor(() => expect(within(dialog).getByLabelText('Threshold').getAttribute('aria-invalid')).toBe('true'));
    expect(requestsTo(fetchMock, RULES, 'POST')[0].body).toEqual({
      metric: 'load',
      operator: '>',
      threshold: 4,
      durationSeconds: 120,
      enabled: true,
    });
    const noteOf = (label: string) =>
      document.getElementById(within(dialog).getByLabelText(label).getAttribute('aria-describedby') ?? '')?.textContent;
    expect(noteOf('Threshold')).toBe('threshold must not be greater than 100');
    expect(noteOf('Duration (seconds)')).toBe('durationSeconds must be a multiple of the check interval');
    // Errors about the form's own fields are not repeated above the buttons.
    expect(within(dialog).queryByRole('alert')).toBeNull();

    answer = jsonResponse(aRule({ id: 'rule-4', metric: 'load', threshold: 4, durationSeconds: 60 }), 201);
    fireEvent.change(within(dialog).getByLabelText('Duration (seconds)'), { target: { value: '60' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add rule' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, RULES, 'POST')).toHaveLength(2);
  });

  it('checks a rule before sending it', async () => {
    const fetchMock = mockApi({ ...shell(), [ALERTS]: () => jsonResponse(aPage([])) });
    renderApp('/servers/server-1/alerts');
    fireEvent.click(await screen.findByRole('button', { name: 'Add rule' }));
    const dialog = screen.getByRole('dialog', { name: 'Add alert rule' });

    fireEvent.change(within(dialog).getByLabelText('Threshold (%)'), { target: { value: '120' } });
    fireEvent.change(within(dialog).getByLabelText('Duration (seconds)'), { target: { value: '90000' } });

    expect(dialog.textContent).toContain('A percentage from 0 to 100.');
    expect(dialog.textContent).toContain('Whole seconds from 0 to 86400 (a day).');
    expect((within(dialog).getByRole('button', { name: 'Add rule' }) as HTMLButtonElement).disabled).toBe(true);

    // Unreachable has no threshold to check.
    fireEvent.change(within(dialog).getByLabelText('Metric'), { target: { value: 'unreachable' } });
    expect(within(dialog).queryByLabelText('Threshold (%)')).toBeNull();
    expect(requestsTo(fetchMock, RULES, 'POST')).toEqual([]);
  });

  it('edits only what changed and deletes after asking', async () => {
    const fetchMock = mockApi({
      ...shell(),
      [ALERTS]: () => jsonResponse(aPage([])),
      [`PATCH ${RULES}/rule-2`]: () => jsonResponse(aRule({ id: 'rule-2', metric: 'memory', threshold: 95, durationSeconds: 300 })),
      [`DELETE ${RULES}/rule-1`]: () => new Response(null, { status: 204 }),
    });
    renderApp('/servers/server-1/alerts');

    fireEvent.click(await screen.findByRole('button', { name: 'Edit Memory above 90 % for 5 min' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit alert rule' });
    fireEvent.change(within(dialog).getByLabelText('Threshold (%)'), { target: { value: '95' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, `${RULES}/rule-2`, 'PATCH')[0].body).toEqual({ threshold: 95 });

    fireEvent.click(screen.getByRole('button', { name: 'Delete Disk above 80 % at once' }));
    const confirm = screen.getByRole('dialog', { name: 'Delete this rule?' });
    expect(requestsTo(fetchMock, `${RULES}/rule-1`, 'DELETE')).toEqual([]);
    fireEvent.click(within(confirm).getByRole('button', { name: 'Delete rule' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, `${RULES}/rule-1`, 'DELETE')).toHaveLength(1);
    // The list is fetched again after each change.
    expect(requestedUrls(fetchMock).filter((url) => url === RULE_LIST).length).toBeGreaterThanOrEqual(3);
  });

  it('shows a viewer the rules with every control off, saying why', async () => {
    mockApi({ ...shell(Role.Viewer), [ALERTS]: () => jsonResponse(aPage([anAlert()])) });

    renderApp('/servers/server-1/alerts');

    await screen.findByTestId('alert-rules-table');
    const reason = 'Your role (viewer) cannot change alert rules: ask a member, admin or owner';
    for (const name of ['Add rule', 'Edit Disk above 80 % at once', 'Delete Disk above 80 % at once']) {
      const button = screen.getByRole('button', { name }) as HTMLButtonElement;
      expect(button.disabled, name).toBe(true);
      expect(button.title).toBe(reason);
    }
    expect(screen.getByRole('region', { name: 'Alert rules' }).textContent).toContain(reason);
  });
});
