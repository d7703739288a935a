import { renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useSessionStore } from '../../lib/session-store';
import { aSession } from '../../test/fixtures';
import { jsonResponse, mockApi, requestsTo } from '../../test/mock-api';
import { MIN_REFRESH_DELAY_MS, REFRESH_AHEAD_MS, REFRESH_RETRY_MS, useProactiveRefresh } from './use-proactive-refresh';

const REFRESH = '/api/v1/auth/refresh';

function signInUntil(expiresAt: number, accessToken = 'token-1') {
  useSessionStore.setState({ status: 'signedIn', accessToken, accessTokenExpiresAt: expiresAt });
}

describe(useProactiveRefresh.name, () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('replaces the access token a minute before it expires, and again before the new one does', async () => {
    const fetchMock = mockApi({
      [`POST ${REFRESH}`]: () =>
        jsonResponse(aSession({ accessToken: 'token-2', accessTokenExpiresAt: new Date(Date.now() + 15 * 60_000).toISOString() })),
    });
    signInUntil(Date.now() + 15 * 60_000);
    renderHook(() => useProactiveRefresh());

    await vi.advanceTimersByTimeAsync(15 * 60_000 - REFRESH_AHEAD_MS - 1_000);
    expect(requestsTo(fetchMock, REFRESH, 'POST')).toHaveLength(0);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(requestsTo(fetchMock, REFRESH, 'POST')).toHaveLength(1);
    expect(useSessionStore.getState().accessToken).toBe('token-2');

    await vi.advanceTimersByTimeAsync(15 * 60_000 - REFRESH_AHEAD_MS);
    expect(requestsTo(fetchMock, REFRESH, 'POST')).toHaveLength(2);
  });

  it('waits at least the minimum delay for a token that claims to expire at once (clock skew)', async () => {
    const fetchMock = mockApi({ [`POST ${REFRESH}`]: () => jsonResponse(aSession()) });
    signInUntil(Date.now() - 60 * 60_000);
    renderHook(() => useProactiveRefresh());

    await vi.advanceTimersByTimeAsync(MIN_REFRESH_DELAY_MS - 1);
    expect(requestsTo(fetchMock, REFRESH, 'POST')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(requestsTo(fetchMock, REFRESH, 'POST')).toHaveLength(1);
  });

  it('tries again later while the API cannot be reached', async () => {
    let reachable = false;
    const fetchMock = mockApi({
      [`POST ${REFRESH}`]: () => (reachable ? jsonResponse(aSession({ accessToken: 'token-2' })) : Promise.reject(new TypeError('Failed to fetch'))),
    });
    signInUntil(Date.now() + 2 * 60_000);
    renderHook(() => useProactiveRefresh());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requestsTo(fetchMock, REFRESH, 'POST')).toHaveLength(1);

    reachable = true;
    await vi.advanceTimersByTimeAsync(REFRESH_RETRY_MS);

    expect(requestsTo(fetchMock, REFRESH, 'POST')).toHaveLength(2);
    expect(useSessionStore.getState().accessToken).toBe('token-2');
  });

  it('stops when the session ends', async () => {
    const fetchMock = mockApi({});
    signInUntil(Date.now() + 15 * 60_000);
    renderHook(() => useProactiveRefresh());

    useSessionStore.getState().endSession('signedOut');
    await vi.advanceTimersByTimeAsync(20 * 60_000);

    expect(requestsTo(fetchMock, REFRESH, 'POST')).toHaveLength(0);
  });
});
