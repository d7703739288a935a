import type { ApiTokenDto } from '@zpanel/contracts';
import { useState } from 'react';
import { PagedTable, type TableShape } from '../../../components/data-table';
import { EmptyPage } from '../../../components/pagination';
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

const TABLE: TableShape = {
  testId: 'api-tokens-table',
  columns: ['Name', 'Abilities', 'Created', 'Last used', 'Expires', 'Status', { title: 'Actions', hidden: true }],
};

export function ApiTokenList({ teamId, page, onPageChange }: ApiTokenListProps) {
  const [revoking, setRevoking] = useState<ApiTokenDto>();

  return (
    <>
      <PagedTable
        query={useApiTokens(teamId, page)}
        table={TABLE}
        paging={{ page, onPageChange, perPage: API_TOKENS_PER_PAGE, label: 'API token pages' }}
        empty={<div className="empty-state">No API tokens yet. Create one to call the Zpanel API from scripts and CI.</div>}
        emptyPage={<EmptyPage onPageChange={onPageChange} />}
      >
        {(token) => (
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
        )}
      </PagedTable>
      {revoking && <RevokeTokenDialog teamId={teamId} token={revoking} onClose={() => setRevoking(undefined)} />}
    </>
  );
}
