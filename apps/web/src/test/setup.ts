import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { useSessionStore } from '../lib/session-store';

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
