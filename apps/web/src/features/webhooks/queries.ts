import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchWebhookDeliveries, fetchWebhookSettings } from './api';

export const WEBHOOK_DELIVERIES_PER_PAGE = 20;
/** The log is asked again this often while the tab is open, so a test delivery shows up by itself. */
export const DELIVERIES_POLL_MS = 5_000;

export const webhookKeys = {
  all: ['webhooks'] as const,
  application: (teamId: string, applicationId: string) => [...webhookKeys.all, teamId, applicationId] as const,
  settings: (teamId: string, applicationId: string) => [...webhookKeys.application(teamId, applicationId), 'settings'] as const,
  deliveries: (teamId: string, applicationId: string, page: number) =>
    [...webhookKeys.application(teamId, applicationId), 'deliveries', page] as const,
};

export function useWebhookSettings(teamId: string, applicationId: string) {
  return useQuery({ queryKey: webhookKeys.settings(teamId, applicationId), queryFn: ({ signal }) => fetchWebhookSettings(applicationId, signal) });
}

export function useWebhookDeliveries(teamId: string, applicationId: string, page: number) {
  return useQuery({
    queryKey: webhookKeys.deliveries(teamId, applicationId, page),
    queryFn: ({ signal }) => fetchWebhookDeliveries(applicationId, { page, perPage: WEBHOOK_DELIVERIES_PER_PAGE }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: DELIVERIES_POLL_MS,
  });
}
