import type { ApiTokenDto } from '@zpanel/contracts';
import { useState } from 'react';
import { ErrorState } from '../../../components/error-state';
import { Pagination } from '../../../components/pagination';
import { Skeleton } from '../../../components/skeleton';
import { dateTime, timeAgo } from '../../../lib/format';
import { ABILITY_LABELS } from '../labels';
import { API_TOKENS_PER_PAGE, useApiTokens } from '../queries';
import { RevokeTokenDialog } from './revoke-token-dialog';
import { TokenStatus } from './token-status';

/** Expiry is chosen as a day; its time (the end of that day) is in the cell's title. */
const day = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });

interface ApiTokenListProps {
  teamId: string;
  page: number;
  onPageChange: (page: number) => void;
}

export function ApiTokenList({ teamId, page, onPageChange }: ApiTokenListProps) {
  const tokens = useApiTokens(teamId, page);
  const [revoking, setRevoking] = useState<ApiTokenDto>();

  if (tokens.isPending) return <Skeleton lines={3} />;
  if (tokens.isError) return <ErrorState error={tokens.error} />;
  const { items, total, perPage } = tokens.data;
  if (total === 0) {
    return <div className="empty-state">No API tokens yet. Create one to call the Zpanel API from scripts and CI.</div>;
  }
  if (items.length === 0) {
    return (
      <div className="empty-state">
        This page is empty.{' '}
        <button type="button" className="link-button" onClick={() => onPageChange(1)}>
          Go to the first page
        </button>
      </div>
    );
  }

  return (
    <>
      <div className="table-scroll">
        <table className="table" data-testid="api-tokens-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Abilities</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th>Status</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {items.map((token) => (
              <tr key={token.id} className={token.revokedAt ? 'api-tokens__row--revoked' : undefined}>
                <td>
                  <span className="api-tokens__name truncate" title={token.name}>
                    {token.name}
                  </span>
                  <span className="api-tokens__sub mono" title="The token's first characters">
                    {token.tokenPrefix}…
                  </span>
                </td>
                <td className="api-tokens__abilities">
                  {token.abilities.map((ability) => (
                    <span key={ability} className="tag" title={ability}>
                      {ABILITY_LABELS[ability] ?? ability}
                    </span>
                  ))}
                </td>
                <td>
                  <span title={dateTime(token.createdAt)}>{timeAgo(token.createdAt)}</span>
                  <span className="api-tokens__sub">by {token.createdBy?.name ?? 'a former member'}</span>
                </td>
                <td title={token.lastUsedAt ? dateTime(token.lastUsedAt) : undefined}>
                  {token.lastUsedAt ? timeAgo(token.lastUsedAt) : <span className="muted">Never</span>}
                </td>
                <td title={token.expiresAt ? dateTime(token.expiresAt) : undefined}>
                  {token.expiresAt ? day.format(new Date(token.expiresAt)) : <span className="muted">Never</span>}
                </td>
                <td>
                  <TokenStatus token={token} />
                </td>
                <td className="api-tokens__actions">
                  {!token.revokedAt && (
                    <button
                      type="button"
                      className="button button--secondary button--small"
                      aria-label={`Revoke ${token.name}`}
                      onClick={() => setRevoking(token)}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pagination page={page} perPage={perPage ?? API_TOKENS_PER_PAGE} total={total} onPageChange={onPageChange} label="API token pages" />
      {revoking && <RevokeTokenDialog teamId={teamId} token={revoking} onClose={() => setRevoking(undefined)} />}
    </>
  );
}
