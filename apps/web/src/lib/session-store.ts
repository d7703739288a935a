import type { SessionResponse } from '@zpanel/contracts';
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

/**
 * `restoring` until the first refresh attempt of the tab has answered; then whether there is an
 * access token to send.
 */
export type SessionStatus = 'restoring' | 'signedIn' | 'signedOut';

/** Why a session ended, so the login page can say so (and not ask to return to the old page). */
export type SignOutReason = 'signedOut' | 'expired';

interface SessionState {
  status: SessionStatus;
  /** Held in memory only: a script that can read storage must not find a token there. */
  accessToken?: string;
  /** Epoch milliseconds. */
  accessTokenExpiresAt?: number;
  signOutReason?: SignOutReason;
  /** The team requests act in (header `x-zpanel-team`); the one piece kept across reloads. */
  teamId?: string;
  startSession: (session: Pick<SessionResponse, 'accessToken' | 'accessTokenExpiresAt'>) => void;
  endSession: (reason?: SignOutReason) => void;
  selectTeam: (teamId: string | undefined) => void;
}

export const TEAM_STORAGE_KEY = 'zpanel.team';

export const useSessionStore = create<SessionState>()(
  persist(
    (set) => ({
      status: 'restoring',
      startSession: ({ accessToken, accessTokenExpiresAt }) =>
        set({
          status: 'signedIn',
          accessToken,
          accessTokenExpiresAt: new Date(accessTokenExpiresAt).getTime(),
          signOutReason: undefined,
        }),
      endSession: (reason) => set({ status: 'signedOut', accessToken: undefined, accessTokenExpiresAt: undefined, signOutReason: reason }),
      selectTeam: (teamId) => set({ teamId }),
    }),
    { name: TEAM_STORAGE_KEY, partialize: ({ teamId }) => ({ teamId }) },
  ),
);
