import { useEffect } from 'react';
import { refreshSession } from '../../lib/api-client';
import { useSessionStore } from '../../lib/session-store';

/** How long before the access token expires it is replaced. */
export const REFRESH_AHEAD_MS = 60_000;
/**
 * Never sooner than this: with a client clock far ahead of the server's, every token would look
 * about to expire and the tab would refresh in a loop.
 */
export const MIN_REFRESH_DELAY_MS = 30_000;
/** Retry interval while the API cannot be reached. */
export const REFRESH_RETRY_MS = 15_000;

/**
 * Replaces the access token shortly before it expires, so requests and the live socket never
 * stall on a 401. (A request that gets one anyway refreshes through the API client.)
 */
export function useProactiveRefresh(): void {
  const expiresAt = useSessionStore((state) => state.accessTokenExpiresAt);

  useEffect(() => {
    if (expiresAt === undefined) return;
    let timer: ReturnType<typeof setTimeout>;
    // A new token or an ended session changes `expiresAt` and so reschedules; an unreachable
    // API changes nothing, so that is the one outcome retried here.
    const refresh = () => {
      refreshSession().catch(() => {
        timer = setTimeout(refresh, REFRESH_RETRY_MS);
      });
    };
    timer = setTimeout(refresh, Math.max(expiresAt - Date.now() - REFRESH_AHEAD_MS, MIN_REFRESH_DELAY_MS));
    return () => clearTimeout(timer);
  }, [expiresAt]);
}
