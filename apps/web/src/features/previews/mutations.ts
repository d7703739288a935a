import { useMutation, useQueryClient } from '@tanstack/react-query';
import { applicationKeys } from '../../shared/applications/queries';
import { removePreview } from './api';
import { previewKeys } from './queries';

/** The preview is an application of its own: its cached page goes with it. */
export function useRemovePreview(teamId: string, applicationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (previewId: string) => removePreview(applicationId, previewId),
    onSuccess: (_, previewId) => queryClient.removeQueries({ queryKey: applicationKeys.detail(teamId, previewId) }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: previewKeys.application(teamId, applicationId) }),
  });
}
