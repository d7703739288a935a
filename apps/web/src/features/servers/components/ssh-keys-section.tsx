import type { SshKeyDto } from '@zpanel/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { CopyButton } from '../../../components/copy-button';
import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { timeAgo } from '../../../lib/format';
import { useDeleteSshKey } from '../mutations';
import { useSshKeys } from '../../../shared/servers/queries';
import { Button } from '../../../components/button';

interface SshKeysSectionProps {
  teamId: string;
  /** Why the user cannot delete keys, if they cannot. */
  refusal?: string;
}

export function SshKeysSection({ teamId, refusal }: SshKeysSectionProps) {
  const keys = useSshKeys(teamId);
  const [deleting, setDeleting] = useState<SshKeyDto>();
  const remove = useDeleteSshKey(teamId);

  return (
    <section className="panel servers__keys" aria-label="SSH keys">
      <h2 className="servers__heading">SSH keys</h2>
      <p className="servers__muted">Zpanel signs in to your servers with these keys. Their private halves never leave Zpanel.</p>
      {keys.isPending && <Skeleton lines={2} />}
      {keys.isError && <ErrorState error={keys.error} />}
      {keys.isSuccess && keys.data.items.length === 0 && <div className="empty-state">No SSH keys yet: the Add server wizard creates one.</div>}
      {keys.isSuccess && keys.data.items.length > 0 && (
        <ul className="servers__key-list">
          {keys.data.items.map((key) => (
            <li key={key.id} className="servers__key" data-testid={`ssh-key-${key.name}`}>
              <div>
                <strong>{key.name}</strong> <span className="servers__muted">{key.type}</span>
                <div>
                  <code>{key.fingerprint}</code>
                </div>
                <div className="servers__muted">
                  Added {timeAgo(key.createdAt)} · used by {key.serverCount} {key.serverCount === 1 ? 'server' : 'servers'}
                </div>
              </div>
              <div className="servers__key-actions">
                <CopyButton text={key.publicKey} label="Copy public key" />
                <Button
                  tone="secondary"
                  small
                  refusal={refusal}
                  aria-label={`Delete ${key.name}`}
                  onClick={() => {
                    remove.reset();
                    setDeleting(key);
                  }}
                >
                  Delete
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete the key ${deleting.name}?`}
          description="Zpanel forgets the key pair. Servers that trust it keep its public half in authorized_keys until you remove it."
          confirmLabel="Delete key"
          pendingLabel="Deleting…"
          submission={remove}
          onConfirm={() => remove.mutate(deleting.id, { onSuccess: () => setDeleting(undefined) })}
          onClose={() => setDeleting(undefined)}
        />
      )}
    </section>
  );
}
