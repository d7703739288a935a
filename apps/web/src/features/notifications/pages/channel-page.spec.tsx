import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ErrorCode } from '@zpanel/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { aMe, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse } from '../../../test/mock-api';
import { CHANNELS, aChannel, aDelivery, anEmailChannel, deliveriesPage } from '../../../test/notifications-fixtures';
import { renderApp } from '../../../test/render-app';
import { aPage } from '../../../test/servers-fixtures';
import { ChannelPage } from './channel-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

afterEach(() => {
  vi.unstubAllGlobals();
});

const base = {
  '/api/v1/me': () => jsonResponse(aMe()),
  '/api/ready': () => jsonResponse(readyReadiness),
};

const firstPage = Array.from({ length: 20 }, (_, i) => aDelivery({ id: `del-${i + 1}` }));

describe(ChannelPage.name, () => {
  it('shows the delivery log page by page: time, event, status, attempts, HTTP status and last error', async () => {
    mockApi({
      ...base,
      [`${CHANNELS}/chan-2`]: () => jsonResponse(anEmailChannel()),
      [deliveriesPage('chan-2')]: () => jsonResponse(aPage(firstPage, { total: 21 })),
      [deliveriesPage('chan-2', 2)]: () =>
        jsonResponse(
          aPage(
            [
              aDelivery({
                id: 'del-21',
                eventKind: 'backup.missed',
                title: 'Backup of main-db missed',
                status: 'retrying',
                attempts: 3,
                responseStatus: 503,
                lastError: 'The receiver answered 503 Service Unavailable',
                nextAttemptAt: new Date(Date.now() + 60_000).toISOString(),
              }),
            ],
            { page: 2, total: 21 },
          ),
        ),
    });
    const { router } = renderApp('/notifications/channels/chan-2');

    expect((await screen.findByTestId('page-title', {}, { timeout: 5_000 })).textContent).toBe('on-call mail');
    expect(screen.getByTestId('channel-state').textContent).toContain('Failing');
    const first = await screen.findByTestId('delivery-del-1');
    expect(first.textContent).toContain('Deployment of api failed');
    expect(first.textContent).toContain('Deployments: Failed');
    expect(first.textContent).toContain('Delivered');
    expect(first.textContent).toContain('10 minutes ago');
    expect(screen.getByTestId('pagination-summary').textContent).toBe('1–20 of 21');

    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    const retrying = await screen.findByTestId('delivery-del-21');
    expect(router.state.location.search).toBe('?page=2');
    const cells = within(retrying)
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect(cells[1]).toContain('Backups: Missed');
    expect(cells[2]).toContain('Retrying');
    expect(cells[2]).toContain('next in 1 minute');
    expect(cells[3]).toBe('3');
    expect(cells[4]).toBe('503');
    expect(cells[5]).toBe('The receiver answered 503 Service Unavailable');
  }, 15_000);

  it('says when nothing was delivered yet, and shows why the log could not be loaded', async () => {
    let fail = false;
    mockApi({
      ...base,
      [`${CHANNELS}/chan-1`]: () => jsonResponse(aChannel({ lastDeliveryAt: null })),
      [deliveriesPage('chan-1')]: () =>
        fail
          ? problemResponse({ status: 500, title: 'Internal Server Error', detail: 'The database did not answer.', code: ErrorCode.Internal })
          : jsonResponse(aPage([])),
    });
    const { queryClient } = renderApp('/notifications/channels/chan-1');

    expect((await screen.findByTestId('deliveries-empty')).textContent).toContain('No deliveries yet');
    expect(screen.getByTestId('channel-state').textContent).toContain('No delivery yet');
    fail = true;
    await queryClient.resetQueries({ queryKey: ['notification-channels'] });
    expect((await screen.findByRole('alert')).textContent).toContain('The database did not answer.');
  });

  it('sends a test, and goes back to the list once the channel is deleted', async () => {
    mockApi({
      ...base,
      [`${CHANNELS}/chan-1`]: () => jsonResponse(aChannel()),
      [deliveriesPage('chan-1')]: () => jsonResponse(aPage([aDelivery()])),
      [`POST ${CHANNELS}/chan-1/test`]: () => jsonResponse({ ok: true, status: 200, error: null, latencyMs: 5.25 }),
      [`DELETE ${CHANNELS}/chan-1`]: () => new Response(null, { status: 204 }),
      [CHANNELS]: () => jsonResponse([]),
    });
    const { router } = renderApp('/notifications/channels/chan-1');

    fireEvent.click(await screen.findByRole('button', { name: 'Send test' }));
    await waitFor(() => expect(screen.getByTestId('test-result').textContent).toBe('Test sent Delivered · HTTP 200 · 5.3 ms'));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    fireEvent.click(within(await screen.findByRole('dialog', { name: 'Delete ops-slack?' })).getByRole('button', { name: 'Delete channel' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/notifications/channels'));
    expect(await screen.findByTestId('channels-empty')).toBeTruthy();
  });

  it('says so when the channel does not exist (or belongs to another team)', async () => {
    mockApi({
      ...base,
      [`${CHANNELS}/nope`]: () =>
        problemResponse({ status: 404, title: 'Not Found', detail: 'Notification channel not found', code: ErrorCode.NotFound }),
    });
    renderApp('/notifications/channels/nope');

    expect((await screen.findByRole('alert')).textContent).toContain('Notification channel not found');
    expect(screen.getByRole('link', { name: 'All channels' }).getAttribute('href')).toBe('/notifications/channels');
  });
});
