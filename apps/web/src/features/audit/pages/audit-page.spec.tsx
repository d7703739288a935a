import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { type AuditEventDto, AuditAction, type Paginated, Role, TEAM_HEADER } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { aMe, aMembership, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, refusal, requestedUrls, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { AuditPage } from './audit-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

/** The request URL for a page of the log with `filters`, in the order the client sends them. */
function eventsUrl(page = 1, filters: Record<string, string> = {}): string {
  return `/api/v1/audit-events?${new URLSearchParams({ page: String(page), perPage: '25', ...filters })}`;
}

const XSS = '<img src=x onerror="window.pwned=1">';

function anEvent(overrides: Partial<AuditEventDto> = {}): AuditEventDto {
  return {
    id: 'event-1',
    teamId: null,
    action: AuditAction.LoginSucceeded,
    actor: { type: 'user', id: 'user-1', name: 'Ada Lovelace' },
    target: null,
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36',
    metadata: { twoFactor: true },
    createdAt: '2026-03-02T09:30:00.000Z',
    ...overrides,
  };
}

function aPage(items: AuditEventDto[], overrides: Partial<Paginated<AuditEventDto>> = {}): Paginated<AuditEventDto> {
  return { items, page: 1, perPage: 25, total: items.length, ...overrides };
}

function shell(role: Role = Role.Owner) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
  };
}

function rowsOf(table: HTMLElement): string[][] {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent ?? ''),
    );
}

describe(AuditPage.name, () => {
  it('lists the events with human labels, the actor, target, IP, a truncated user agent and the metadata, all as text', async () => {
    const fetchMock = mockApi({
      ...shell(),
      [eventsUrl()]: () =>
        jsonResponse(
          aPage([
            anEvent({
              id: 'event-2',
              teamId: 'team-1',
              action: AuditAction.ApiTokenCreated,
              target: { type: 'api_token', id: '0f3c2a9e-5b1d-4c2e-9f7a-1b2c3d4e5f60' },
              userAgent: XSS,
              metadata: { name: XSS, abilities: ['read', 'deploy'] },
              createdAt: '2026-03-02T10:00:00.000Z',
            }),
            anEvent({
              id: 'event-3',
              action: AuditAction.ApiTokenRevoked,
              actor: { type: 'token', id: 'token-9', name: 'Ada Lovelace' },
              metadata: {},
            }),
            anEvent({
              id: 'event-4',
              action: AuditAction.LoginFailed,
              actor: { type: 'anonymous', id: null, name: null },
              target: { type: 'user', id: 'user-1' },
              metadata: { reason: 'password' },
            }),
            anEvent(),
          ]),
        ),
    });

    renderApp('/team/audit', { teamId: 'team-1' });

    const table = await screen.findByTestId('audit-table');
    const rows = rowsOf(table);
    expect(rows.map((cells) => cells[1])).toEqual(['API token created', 'API token revoked', 'Sign-in failed', 'Signed in']);
    expect(rows.map((cells) => cells[2])).toEqual(['Ada Lovelace', 'API token of Ada Lovelace', 'Anonymous', 'Ada Lovelace']);
    expect(rows[0][3]).toBe('API token 0f3c2a9e');
    expect(rows[2][3]).toBe('User user-1');
    expect(rows[3][4]).toBe('203.0.113.7');
    expect(rows[0][5]).toBe(XSS);
    const metadata = (row: number) =>
      Array.from(within(table).getAllByRole('row')[row + 1].querySelectorAll('.audit-metadata__entry'), (entry) => [
        entry.querySelector('dt')?.textContent,
        entry.querySelector('dd')?.textContent,
      ]);
    expect(metadata(0)).toEqual([
      ['name', XSS],
      ['abilities', 'read, deploy'],
    ]);
    expect(metadata(2)).toEqual([['reason', 'password']]);
    expect(rows[1][6]).toBe('—');
    const agent = within(table).getAllByRole('row')[4].querySelectorAll('td')[5];
    expect(agent.classList.contains('truncate')).toBe(true);
    expect(agent.getAttribute('title')).toContain('Chrome/140.0');
    // Text, never markup.
    expect(table.querySelector('img')).toBeNull();
    expect(requestsTo(fetchMock, eventsUrl())[0].headers.get(TEAM_HEADER)).toBe('team-1');
  });

  it('builds the query from the action and day filters, and starts again at the first page', async () => {
    const since = new Date(2026, 2, 1).toISOString();
    const until = new Date(2026, 2, 31, 23, 59, 59, 999).toISOString();
    const fetchMock = mockApi({
      ...shell(),
      [eventsUrl(2)]: () => jsonResponse(aPage([anEvent()], { page: 2, total: 30 })),
      [eventsUrl(1, { action: AuditAction.LoginFailed })]: () => jsonResponse(aPage([anEvent({ action: AuditAction.LoginFailed })])),
      [eventsUrl(1, { action: AuditAction.LoginFailed, since })]: () => jsonResponse(aPage([])),
      [eventsUrl(1, { action: AuditAction.LoginFailed, since, until })]: () => jsonResponse(aPage([])),
      [eventsUrl(1)]: () => jsonResponse(aPage([anEvent()], { total: 30 })),
    });
    const { router } = renderApp('/team/audit?page=2');
    await screen.findByTestId('audit-table');

    fireEvent.change(screen.getByLabelText('Action'), { target: { value: AuditAction.LoginFailed } });
    await waitFor(() => expect(requestedUrls(fetchMock)).toContain(eventsUrl(1, { action: AuditAction.LoginFailed })));
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-03-01' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-03-31' } });

    expect(await screen.findByText('No events match these filters.')).toBeTruthy();
    expect(requestedUrls(fetchMock).filter((url) => url.startsWith('/api/v1/audit-events'))).toEqual([
      eventsUrl(2),
      eventsUrl(1, { action: AuditAction.LoginFailed }),
      eventsUrl(1, { action: AuditAction.LoginFailed, since }),
      eventsUrl(1, { action: AuditAction.LoginFailed, since, until }),
    ]);
    expect(router.state.location.search).toBe('?action=auth.login_failed&from=2026-03-01&to=2026-03-31');

    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));

    await waitFor(() => expect(requestedUrls(fetchMock).at(-1)).toBe(eventsUrl(1)));
    expect(router.state.location.search).toBe('');
  });

  it('pages through the log', async () => {
    mockApi({
      ...shell(),
      [eventsUrl(1)]: () => jsonResponse(aPage([anEvent()], { total: 60 })),
      [eventsUrl(2)]: () => jsonResponse(aPage([anEvent({ id: 'event-26', action: AuditAction.TeamCreated })], { page: 2, total: 60 })),
    });
    renderApp('/team/audit');
    await screen.findByTestId('audit-table');
    expect(screen.getByTestId('pagination-summary').textContent).toBe('1–25 of 60');

    fireEvent.click(screen.getByRole('button', { name: 'Next' }));

    await screen.findByText('Team created');
    expect(screen.getByTestId('pagination-summary').textContent).toBe('26–50 of 60');
  });

  it.each([Role.Member, Role.Viewer])('explains to a %s that the log is for admins, without asking the API', async (role) => {
    const fetchMock = mockApi(shell(role));

    renderApp('/team/audit');

    const explanation = await screen.findByTestId('audit-not-admin');
    expect(explanation.textContent).toContain('Only admins can see the audit log');
    expect(explanation.textContent).toContain(`Your role in Analytical Engines is ${role === Role.Member ? 'Member' : 'Viewer'}.`);
    expect(screen.queryByRole('search')).toBeNull();
    expect(requestedUrls(fetchMock).some((url) => url.startsWith('/api/v1/audit-events'))).toBe(false);
  });

  it('says when there are no events yet', async () => {
    mockApi({ ...shell(), [eventsUrl()]: () => jsonResponse(aPage([])) });
    renderApp('/team/audit');
    expect(await screen.findByText('No events yet.')).toBeTruthy();
  });

  it('shows why the log could not be loaded', async () => {
    mockApi({
      ...shell(Role.Admin),
      [eventsUrl()]: () => refusal(403, 'Your role (member) does not allow this (needs admin)'),
    });
    renderApp('/team/audit');
    expect((await screen.findByRole('alert')).textContent).toContain('needs admin');
  });
});
