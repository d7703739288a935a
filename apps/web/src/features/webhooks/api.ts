import type { PageQuery, Paginated, WebhookDeliveryDto, WebhookSecretDto, WebhookSettingsDto } from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';

const applicationPath = (id: string) => `/api/v1/applications/${encodeURIComponent(id)}`;

export function fetchWebhookSettings(applicationId: string, signal?: AbortSignal): Promise<WebhookSettingsDto> {
  return apiRequest<WebhookSettingsDto>(`${applicationPath(applicationId)}/webhook`, { signal });
}

export function rotateWebhookSecret(applicationId: string): Promise<WebhookSecretDto> {
  return apiRequest<WebhookSecretDto>(`${applicationPath(applicationId)}/webhook-secret`, { method: 'POST' });
}

export function fetchWebhookDeliveries(applicationId: string, query: PageQuery, signal?: AbortSignal): Promise<Paginated<WebhookDeliveryDto>> {
  return apiRequest<Paginated<WebhookDeliveryDto>>(`${applicationPath(applicationId)}/webhook-deliveries`, {
    signal,
    query: { page: query.page, perPage: query.perPage },
  });
}
