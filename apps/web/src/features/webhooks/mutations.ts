import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { WebhookSecretDto } from '@zpanel/contracts';
import { rotateWebhookSecret } from './api';
import { webhookKeys } from './queries';

/** The answer carries the secret: it stays in the mutation's state (shown once), never in the query cache. */
export function useRotateWebhookSecret(teamId: string, applicationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => rotateWebhookSecret(applicationId),
    onSuccess: ({ applicationId: id, urls, secretSet }: WebhookSecretDto) => {
      queryClient.setQueryData(webhookKeys.settings(teamId, applicationId), { applicationId: id, urls, secretSet });
    },
  });
}
