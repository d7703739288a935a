import type { ApiTokenDto } from '@zpanel/contracts';
import { StatusBadge } from '../../../components/status-badge';
import { dateTime } from '../../../lib/format';

export function isUsable(token: Pick<ApiTokenDto, 'revokedAt' | 'expiresAt'>, now = Date.now()): boolean {
  return !token.revokedAt && !(token.expiresAt && new Date(token.expiresAt).getTime() <= now);
}

/** Revoked beats expired: it is the stronger, deliberate state. */
export function TokenStatus({ token }: { token: ApiTokenDto }) {
  if (token.revokedAt) {
    return (
      <span title={`Revoked ${dateTime(token.revokedAt)}`}>
        <StatusBadge tone="down">Revoked</StatusBadge>
      </span>
    );
  }
  if (!isUsable(token)) {
    return (
      <span title={`Expired ${dateTime(token.expiresAt as string)}`}>
        <StatusBadge tone="warn">Expired</StatusBadge>
      </span>
    );
  }
  return <StatusBadge tone="ok">Active</StatusBadge>;
}
