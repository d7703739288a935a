import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { aMe, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, requestsTo } from '../../../test/mock-api';
import { MARK_READ, UNREAD_COUNT, aNotification, notificationsPage } from '../../../test/notifications-fixtures';
import { renderApp } from '../../../test/render-app';
import { aPage } from '../../../test/servers-fixtures';
import { NotificationsPage } from './notifications-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

afterEach(() => {
  vi.unstubAllGlobals();
});

const base = {
  '/api/v1/me': () => jsonResponse(aMe()),
  '/api/ready': () => jsonResponse(readyReadiness),
};

const many = Array.from({ length: 20 }, (_, i) => aNotification({ id: `ntf-${i + 1}`, title: `Event ${i + 1}`, read: i % 2 === 1 }));

describe(NotificationsPage.name, () => {
  it('lists the notifications page by page, and only the unread ones when asked', async () => {
    const fetchMock = mockApi({
      ...base,
      [UNREAD_COUNT]: () => jsonResponse({ unread: 11 }),
      [notificationsPage(1)]: () => jsonResponse(aPage(many, { total: 22 })),
      [notificationsPage(2)]: () => jsonResponse(aPage([aNotification({ id: 'ntf-21', title: 'Event 21' })], { page: 2, total: 22 })),
      [notificationsPage(1, true)]: () => jsonResponse(aPage([aNotification({ id: 'ntf-1', title: 'Event 1' })], { total: 1 })),
    });
    const { router } = renderApp('/notifications');

    expect((await screen.findByTestId('notification-ntf-1', {}, { timeout: 5_000 })).textContent).toContain('Event 1');
    expect(screen.getByTestId('pagination-summary').textContent).toBe('1–20 of 22');
    expect(within(screen.getByTestId('notification-ntf-2')).queryByRole('button', { name: 'Mark Event 2 read' })).toBeNull();
    expect(within(screen.getByTestId('notification-ntf-1')).getByRole('link', { name: 'Open' }).getAttribute('href')).toBe(
      '/applications/app-1/deployments/dep-1',
    );

    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect((await screen.findByTestId('notification-ntf-21')).textContent).toContain('Event 21');
    expect(router.state.location.search).toBe('?page=2');

    fireEvent.click(screen.getByLabelText('Unread only'));
    await waitFor(() => expect(screen.queryByTestId('notification-ntf-21')).toBeNull());
    expect(await screen.findByTestId('notification-ntf-1')).toBeTruthy();
    expect(router.state.location.search).toBe('?unread=1');
    expect(requestsTo(fetchMock, notificationsPage(1, true))).toHaveLength(1);
    // The list is the current team's (the team header).
    expect(requestsTo(fetchMock, notificationsPage(1, true))[0].headers.get('x-zpanel-team')).toBe('team-1');
  }, 15_000);

  it('says when there is nothing, and nothing unread', async () => {
    mockApi({
      ...base,
      [notificationsPage(1)]: () => jsonResponse(aPage([])),
      [notificationsPage(1, true)]: () => jsonResponse(aPage([])),
    });
    renderApp('/notifications');

    expect((await screen.findByTestId('notifications-empty')).textContent).toContain('No notifications yet');
    expect((screen.getByRole('button', { name: 'Mark all read' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByLabelText('Unread only'));
    await waitFor(() => expect(screen.getByTestId('notifications-empty').textContent).toBe('Nothing unread.'));
  });

  it('marks one read, then all', async () => {
    let unread = 2;
    const fetchMock = mockApi({
      ...base,
      [UNREAD_COUNT]: () => jsonResponse({ unread }),
      [notificationsPage(1)]: () =>
        jsonResponse(
          aPage([
            aNotification({ read: unread === 0, occurredAt: '2026-12-07T18:00:00.000Z' }),
            aNotification({ id: 'ntf-2', title: 'Event 2', read: unread < 2, occurredAt: '2026-12-07T17:00:00.000Z' }),
          ]),
        ),
      'POST /api/v1/notifications/read': ({ body }) => {
        unread = (body as { all?: boolean }).all ? 0 : unread - 1;
        return jsonResponse({ unread });
      },
    });
    renderApp('/notifications');

    fireEvent.click(await screen.findByRole('button', { name: 'Mark Event 2 read' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Mark Event 2 read' })).toBeNull());
    await waitFor(() => expect(screen.getByTestId('unread-count').textContent).toBe('1'));
    fireEvent.click(screen.getByRole('button', { name: 'Mark all read' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Mark Deployment of api failed read' })).toBeNull());
    await waitFor(() => expect(screen.queryByTestId('unread-count')).toBeNull());
    expect(requestsTo(fetchMock, MARK_READ, 'POST').map((request) => request.body)).toEqual([
      { ids: ['ntf-2'] },
      { all: true, before: '2026-12-07T18:00:00.000Z' },
    ]);
  });
});
