import { useEffect, useState } from 'react';
import { Outlet } from 'react-router';
import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { refreshSession } from '../../../lib/api-client';
import { useSessionStore } from '../../../lib/session-store';
import { AuthLayout } from '../../../components/auth-layout';

/**
 * Root of every route. The access token lives in memory only, so a new tab (or a reload) first
 * trades the refresh cookie for one; until that answers, no page can know who is signed in.
 */
export function SessionRoot() {
  const status = useSessionStore((state) => state.status);
  const [failure, setFailure] = useState<unknown>();

  const restore = () => {
    setFailure(undefined);
    // `false` (no valid cookie) has already ended the session; only an unreachable API is left.
    refreshSession().catch(setFailure);
  };

  useEffect(() => {
    if (useSessionStore.getState().status === 'restoring') restore();
  }, []);

  if (status !== 'restoring') return <Outlet />;
  if (failure === undefined) return <SessionLoading />;
  return (
    <AuthLayout title="Cannot load Zpanel">
      <div className="form">
        <ErrorState error={failure} />
        <button type="button" className="button button--block" onClick={restore}>
          Try again
        </button>
      </div>
    </AuthLayout>
  );
}

export function SessionLoading() {
  return (
    <div className="auth" aria-busy="true" data-testid="session-loading">
      <main className="auth__main">
        <div className="auth__card">
          <Skeleton lines={3} />
        </div>
      </main>
    </div>
  );
}
