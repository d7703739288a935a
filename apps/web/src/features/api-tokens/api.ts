import type { ApiTokenDto, CreateApiTokenRequest, CreatedApiTokenResponse, PageQuery, Paginated } from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';

const tokensPath = (teamId: string) => `/api/v1/teams/${encodeURIComponent(teamId)}/api-tokens`;

/** Admins get every token of the team, others the ones they created. */
export function fetchApiTokens(teamId: string, { page, perPage }: PageQuery, signal?: AbortSignal): Promise<Paginated<ApiTokenDto>> {
  return apiRequest<Paginated<ApiTokenDto>>(tokensPath(teamId), { signal, query: { page, perPage } });
}

/** The answer carries the secret token, which no endpoint returns again. */
export function createApiToken(teamId: string, body: CreateApiTokenRequest): Promise<CreatedApiTokenResponse> {
  return apiRequest<CreatedApiTokenResponse>(tokensPath(teamId), { method: 'POST', body });
}

export function revokeApiToken(teamId: string, tokenId: string): Promise<void> {
  return apiRequest<void>(`${tokensPath(teamId)}/${encodeURIComponent(tokenId)}`, { method: 'DELETE' });
}
