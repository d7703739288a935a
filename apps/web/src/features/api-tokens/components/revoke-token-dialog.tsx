import type { ApiTokenDto } from '@zpanel/contracts';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { useRevokeApiToken } from '../mutations';

interface RevokeTokenDialogProps {
  teamId: string;
  token: ApiTokenDto;
  onClose: () => void;
}

export function RevokeTokenDialog({ teamId, token, onClose }: RevokeTokenDialogProps) {
  const revoke = useRevokeApiToken(teamId);
  return (
    <ConfirmDialog
      title="Revoke API token"
      description={`Requests with “${token.name}” (${token.tokenPrefix}…) are refused from now on. This cannot be undone.`}
      confirmLabel="Revoke token"
      pendingLabel="Revoking…"
      submission={revoke}
      onConfirm={() => revoke.mutate(token.id, { onSuccess: onClose })}
      onClose={onClose}
    />
  );
}
