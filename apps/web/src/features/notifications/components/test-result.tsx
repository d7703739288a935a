import type { NotificationTestResultDto } from '@zpanel/contracts';
import { ErrorState } from '../../../components/error-state';
import { StatusBadge } from '../../../components/status-badge';
import { testResultText } from '../labels';

/** "Send test"'s answer in words: delivered with the receiver's status, or why not; a request the API refused shows as its problem. */
export function TestResult({ pending, result, error }: { pending: boolean; result?: NotificationTestResultDto; error?: unknown }) {
  if (pending) return <p className="muted channels__result">Sending a test message…</p>;
  if (error) return <ErrorState error={error} />;
  if (!result) return null;
  return (
    <p className="channels__result" role="status" data-testid="test-result">
      <StatusBadge tone={result.ok ? 'ok' : 'down'}>{result.ok ? 'Test sent' : 'Test failed'}</StatusBadge> {testResultText(result)}
    </p>
  );
}
