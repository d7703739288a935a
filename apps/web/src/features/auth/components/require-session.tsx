import { Navigate, useLocation } from 'react-router';
import { useSessionStore } from '../../../lib/session-store';
import { loginPath } from '../../../shared/session/next-path';
import { useSetupStatus } from '../../../shared/session/queries';
import { useProactiveRefresh } from '../use-proactive-refresh';
import { AuthLayout } from '../../../components/auth-layout';
import { SessionLoading } from './session-root';
import { RetryError } from '../../../components/retry-error';

/** Renders `children` for a signed-in user; anyone else goes to set-up or to sign in. */
export function RequireSession({ children }: { children: React.ReactNode }) {
  const status = useSessionStore((state) => state.status);
  useProactiveRefresh();
  return status === 'signedIn' ? children : <SignedOutRedirect />;
}

function SignedOutRedirect() {
  const location = useLocation();
  const reason = useSessionStore((state) => state.signOutReason);
  const setup = useSetupStatus();

  if (setup.isPending) return <SessionLoading />;
  if (setup.isError) {
    return (
      <AuthLayout title="Cannot load Zpanel">
        <RetryError query={setup} />
      </AuthLayout>
    );
  }
  if (setup.data.needsOwner) return <Navigate to="/setup" replace />;
  // After "Sign out" the next user should start at the Overview, not on the last user's page.
  const next = reason === 'signedOut' ? undefined : `${location.pathname}${location.search}${location.hash}`;
  return <Navigate to={loginPath(next)} replace />;
}
