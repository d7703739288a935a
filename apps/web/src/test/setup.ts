import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';
import { useSessionStore } from '../lib/session-store';

// A wait for the page to show something gives up after this. Renders in jsdom are CPU-bound: on a
// loaded 2-core machine a page took longer than the library's 1 s default to settle (CI run beside
// other work: 7 specs failed by that alone). A limit on waiting, not a measure of speed.
configure({ asyncUtilTimeout: 5_000 });

// Vitest runs without globals, so Testing Library cannot register its own cleanup.
afterEach(() => {
  cleanup();
  useSessionStore.setState({
    status: 'restoring',
    accessToken: undefined,
    accessTokenExpiresAt: undefined,
    signOutReason: undefined,
    teamId: undefined,
  });
  localStorage.clear();
});
