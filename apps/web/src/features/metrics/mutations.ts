import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateAlertRuleRequest, UpdateAlertRuleRequest } from '@zpanel/contracts';
import { createAlertRule, deleteAlertRule, updateAlertRule } from '../../shared/metrics/api';
import { metricsKeys } from '../../shared/metrics/queries';

function useRefreshRules(teamId: string, serverId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: metricsKeys.rules(teamId, serverId) });
}

export function useCreateAlertRule(teamId: string, serverId: string) {
  const refresh = useRefreshRules(teamId, serverId);
  return useMutation({ mutationFn: (body: CreateAlertRuleRequest) => createAlertRule(serverId, body), onSuccess: refresh });
}

export function useUpdateAlertRule(teamId: string, serverId: string) {
  const refresh = useRefreshRules(teamId, serverId);
  return useMutation({
    mutationFn: ({ ruleId, changes }: { ruleId: string; changes: UpdateAlertRuleRequest }) => updateAlertRule(serverId, ruleId, changes),
    onSuccess: refresh,
  });
}

export function useDeleteAlertRule(teamId: string, serverId: string) {
  const refresh = useRefreshRules(teamId, serverId);
  // Settled, not success: a 404 means another tab deleted it already, and the list should say so.
  return useMutation({ mutationFn: (ruleId: string) => deleteAlertRule(serverId, ruleId), onSettled: refresh });
}
