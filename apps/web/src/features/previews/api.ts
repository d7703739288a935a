import type { PageQuery, Paginated, PreviewDto } from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';

const previewsPath = (applicationId: string) => `/api/v1/applications/${encodeURIComponent(applicationId)}/previews`;

/** The previews of an application, one per open pull request, newest first. */
export function fetchPreviews(applicationId: string, query: PageQuery, signal?: AbortSignal): Promise<Paginated<PreviewDto>> {
  return apiRequest<Paginated<PreviewDto>>(previewsPath(applicationId), { signal, query: { page: query.page, perPage: query.perPage } });
}

/** Removes a preview's container, route and images; its pull request is not touched. */
export function removePreview(applicationId: string, previewId: string): Promise<void> {
  return apiRequest<void>(`${previewsPath(applicationId)}/${encodeURIComponent(previewId)}`, { method: 'DELETE' });
}
