import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ErrorCode, type NotificationDto } from '@zpanel/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { liveSubscriptions } from '../../../test/fake-socket';
import { aMe, aSystemStatus, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestsTo } from '../../../test/mock-api';
import { LATEST, MARK_READ, UNREAD_COUNT, aNotification, bellRoutes, pushNotification } from '../../../test/notifications-fixtures';
import { renderApp } from '../../../test/render-app';
import { aPage } from '../../../test/servers-fixtures';
import { NotificationBell } from './notification-bell';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

afterEach(() => {
  vi.unstubAllGlobals();
});

const shellRoutes = {
  '/api/v1/me': () => jsonResponse(aMe()),
  '/api/ready': () => jsonResponse(readyReadiness),
  '/api/v1/system/status': () => jsonResponse(aSystemStatus()),
};

/** The page a notification leads to, gone by now: the spec follows the link, not the page. */
const gone = () => problemResponse({ status: 404, title: 'Not Found', code: ErrorCode.NotFound });

const bell = () => screen.getByTestId('notification-bell');
const bellButton = () => within(bell()).getByRole('button');

describe(NotificationBell.name, () => {
  it('shows the unread count on the bell, none at 0 and 99+ past 99', async () => {
    let unread = 3;
    mockApi({ ...shellRoutes, [UNREAD_COUNT]: () => jsonResponse({ unread }) });
    const { queryClient } = renderApp('/');

    await waitFor(() => expect(within(bell()).getByTestId('unread-count').textContent).toBe('3'), { timeout: 5_000 });
    expect(bellButton().getAttribute('aria-label')).toBe('Notifications, 3 unread');

    unread = 0;
    await act(() => queryClient.invalidateQueries({ queryKey: ['notifications'] }));
    await waitFor(() => expect(within(bell()).queryByTestId('unread-count')).toBeNull());
    expect(bellButton().getAttribute('aria-label')).toBe('Notifications');

    unread = 1234;
    await act(() => queryClient.invalidateQueries({ queryKey: ['notifications'] }));
    await waitFor(() => expect(within(bell()).getByTestId('unread-count').textContent).toBe('99+'));
    // The file's first render compiles the whole app: more than 5 s under load.
  }, 15_000);

  it('opens the latest notifications with their severity, title, first line and time, and closes on Escape', async () => {
    const read = aNotification({ id: 'ntf-2', severity: 'success', title: 'Backup of main-db succeeded', message: '412 MB in 38 s', read: true });
    mockApi({ ...shellRoutes, ...bellRoutes([aNotification(), read]) });
    renderApp('/');

    await waitFor(() => expect(within(bell()).getByTestId('unread-count').textContent).toBe('1'));
    fireEvent.click(bellButton());
    const panel = await screen.findByRole('menu', { name: 'Notifications, 1 unread' });
    const failed = await within(panel).findByTestId('bell-notification-ntf-1');
    expect(within(failed).getByRole('img', { name: 'Error' })).toBeTruthy();
    expect(within(failed).getByRole('img', { name: 'Unread' })).toBeTruthy();
    expect(failed.textContent).toContain('Deployment of api failed');
    expect(failed.textContent).toContain('The build step exited with code 1.');
    expect(failed.textContent).not.toContain('See the deployment log');
    expect(failed.textContent).toContain('5 minutes ago');
    expect(failed.getAttribute('href')).toBe('/applications/app-1/deployments/dep-1');
    const succeeded = within(panel).getByTestId('bell-notification-ntf-2');
    expect(within(succeeded).getByRole('img', { name: 'Success' })).toBeTruthy();
    expect(within(succeeded).queryByRole('img', { name: 'Unread' })).toBeNull();
    // Focus moves into the panel; Escape closes it and gives focus back to the bell.
    await waitFor(() => expect(document.activeElement?.getAttribute('role')).toBe('menuitem'));
    fireEvent.keyDown(panel, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(bellButton());
  });

  it('says so when there is nothing yet, and shows why the list failed', async () => {
    let fail = false;
    mockApi({
      ...shellRoutes,
      [UNREAD_COUNT]: () => jsonResponse({ unread: 0 }),
      [LATEST]: () =>
        fail
          ? problemResponse({ status: 500, title: 'Internal Server Error', detail: 'The database did not answer.', code: ErrorCode.Internal })
          : jsonResponse(aPage([], { perPage: 8 })),
    });
    renderApp('/');

    fireEvent.click(await within(await screen.findByTestId('notification-bell')).findByRole('button'));
    expect((await screen.findByTestId('notifications-empty')).textContent).toContain('Nothing yet');
    expect(screen.queryByRole('menuitem', { name: 'Mark all read' })).toBeNull();
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });

    fail = true;
    fireEvent.click(bellButton());
    expect((await within(screen.getByRole('menu')).findByRole('alert')).textContent).toContain('The database did not answer.');
  });

  it('counts, lists and toasts a notification pushed live, with a View action to its page', async () => {
    const stored: NotificationDto[] = [];
    const fetchMock = mockApi({
      ...shellRoutes,
      [UNREAD_COUNT]: () => jsonResponse({ unread: stored.length }),
      [LATEST]: () => jsonResponse(aPage(stored, { perPage: 8 })),
      '/api/v1/applications/app-1': gone,
    });
    const { router } = renderApp('/');

    await waitFor(() => expect(liveSubscriptions()).toContainEqual(expect.objectContaining({ kind: 'notifications', teamId: 'team-1' })));
    await waitFor(() => expect(requestsTo(fetchMock, UNREAD_COUNT)).toHaveLength(1));
    fireEvent.click(bellButton());
    expect(await screen.findByTestId('notifications-empty')).toBeTruthy();
    act(() => {
      stored.push(aNotification());
      expect(pushNotification(aNotification())).toBe(1);
    });

    await waitFor(() => expect(within(bell()).getByTestId('unread-count').textContent).toBe('1'));
    expect(within(screen.getByRole('menu')).getByTestId('bell-notification-ntf-1').textContent).toContain('Deployment of api failed');
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
    const toast = await screen.findByText('Deployment of api failed');
    const toastItem = toast.closest('[data-sonner-toast]') as HTMLElement;
    expect(toastItem.getAttribute('data-type')).toBe('error');
    expect(toastItem.textContent).toContain('The build step exited with code 1.');
    fireEvent.click(within(toastItem).getByRole('button', { name: 'View' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/applications/app-1/deployments/dep-1'));
    // Counted once, though the lists were asked again after it arrived.
    expect(within(bell()).getByTestId('unread-count').textContent).toBe('1');
  });

  it('does not toast a notification about the page already open, but still counts it', async () => {
    mockApi({
      ...shellRoutes,
      ...bellRoutes([], 0),
      '/api/v1/system/backups/access': () => jsonResponse({ allowed: false, teamId: null, teamName: null, reason: 'No.' }),
    });
    renderApp('/system');

    await waitFor(() => expect(liveSubscriptions()).toContainEqual(expect.objectContaining({ kind: 'notifications' })));
    act(() => {
      pushNotification(aNotification({ id: 'ntf-7', title: 'Instance backup failed', url: 'http://localhost:3000/system' }));
    });
    await waitFor(() => expect(within(bell()).getByTestId('unread-count').textContent).toBe('1'));
    act(() => {
      pushNotification(aNotification({ id: 'ntf-8', title: 'Server web-1 unreachable', severity: 'warning', url: '/servers/server-1' }));
    });
    expect(await screen.findByText('Server web-1 unreachable')).toBeTruthy();
    expect(screen.queryByText('Instance backup failed')).toBeNull();
    expect(within(bell()).getByTestId('unread-count').textContent).toBe('2');
  });

  it('marks all read, and one read when it is opened', async () => {
    let unread = 2;
    const newest = '2026-12-07T18:00:00.000Z';
    const second = aNotification({
      id: 'ntf-2',
      title: 'Alert cpu > 90% fired',
      severity: 'warning',
      url: '/servers/server-1/alerts',
      occurredAt: newest,
    });
    const fetchMock = mockApi({
      ...shellRoutes,
      [UNREAD_COUNT]: () => jsonResponse({ unread }),
      [LATEST]: () => jsonResponse(aPage([{ ...second, read: unread < 2 }, aNotification({ read: unread === 0 })], { perPage: 8 })),
      'POST /api/v1/notifications/read': ({ body }) => {
        unread = (body as { all?: boolean }).all ? 0 : unread - 1;
        return jsonResponse({ unread });
      },
      '/api/v1/servers/server-1': gone,
    });
    const { router } = renderApp('/');

    await waitFor(() => expect(within(bell()).getByTestId('unread-count').textContent).toBe('2'));
    fireEvent.click(bellButton());
    fireEvent.click(await within(await screen.findByRole('menu')).findByTestId('bell-notification-ntf-2'));
    await waitFor(() => expect(router.state.location.pathname).toBe('/servers/server-1/alerts'));
    await waitFor(() => expect(within(bell()).getByTestId('unread-count').textContent).toBe('1'));
    expect(requestsTo(fetchMock, MARK_READ, 'POST')[0].body).toEqual({ ids: ['ntf-2'] });

    fireEvent.click(bellButton());
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Mark all read' }));
    await waitFor(() => expect(within(bell()).queryByTestId('unread-count')).toBeNull());
    expect(requestsTo(fetchMock, MARK_READ, 'POST')[1].body).toEqual({ all: true, before: newest });
    expect(within(screen.getByRole('menu')).queryByRole('img', { name: 'Unread' })).toBeNull();
  });
});
