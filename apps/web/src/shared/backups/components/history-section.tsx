import type { BackupDownloadDto, BackupDto } from '@zpanel/contracts';
import { useState } from 'react';
import { Button } from '../../../components/button';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { CopyButton } from '../../../components/copy-button';
import { PagedTable, type TableShape } from '../../../components/data-table';
import { Dialog } from '../../../components/dialog';
import { ErrorState } from '../../../components/error-state';
import { DoneActions } from '../../../components/form-actions';
import { EmptyPage, usePageParam } from '../../../components/pagination';
import { StatusBadge } from '../../../components/status-badge';
import { TimeAgo } from '../../../components/time-ago';
import { dateTime } from '../../../lib/format';
import { deploymentDuration } from '../../deployments/labels';
import { bytes } from '../../servers/labels';
import type { BackupSource } from '../api';
import {
  BACKUP_STATUS_LABELS,
  BACKUP_STATUS_TONES,
  DECRYPT_DOCS,
  TRIGGER_LABELS,
  VERIFICATION_LABELS,
  VERIFICATION_TONES,
  describeInventory,
  shortChecksum,
} from '../labels';
import { useCancelBackup, useDeleteBackup, useDownloadBackup, useVerifyBackup } from '../mutations';
import { BACKUPS_PER_PAGE, type RunRef, isBackupActive, useBackups } from '../queries';
import { RestoreDialog } from './restore-dialog';

const TABLE: TableShape = {
  label: 'Backups',
  testId: 'backups',
  columns: ['Status', 'Trigger', 'Started', 'Duration', { title: 'Size', numeric: true }, 'Checksum', 'Verified', { title: 'Actions', hidden: true }],
};

function duration(backup: BackupDto): string | null {
  if (backup.durationMs !== null)
    return deploymentDuration({ startedAt: new Date(0).toISOString(), finishedAt: new Date(backup.durationMs).toISOString() });
  return deploymentDuration(backup);
}

interface HistorySectionProps {
  teamId: string;
  source: BackupSource;
  refusal?: string;
  downloadRefusal?: string;
  selected?: RunRef;
  onSelect: (run: RunRef) => void;
}

/**
 * Every backup of the source, newest first, with what can be done with each. The instance's have no
 * verify, restore (a fresh install restores one, README), cancel or delete routes.
 */
export function HistorySection({ teamId, source, refusal, downloadRefusal, selected, onSelect }: HistorySectionProps) {
  const [page, setPage] = usePageParam();
  const backups = useBackups(teamId, source, page);
  const cancel = useCancelBackup(teamId, source);
  const verify = useVerifyBackup(teamId, source);
  const download = useDownloadBackup(source);
  const remove = useDeleteBackup(teamId, source);
  const [restoring, setRestoring] = useState<BackupDto | undefined>();
  const [deleting, setDeleting] = useState<BackupDto | undefined>();
  const [link, setLink] = useState<BackupDownloadDto | undefined>();
  const actionError = cancel.error ?? verify.error ?? download.error;

  return (
    <>
      {actionError ? <ErrorState error={actionError} /> : null}
      <PagedTable
        query={backups}
        table={TABLE}
        paging={{ page, onPageChange: setPage, perPage: BACKUPS_PER_PAGE, label: 'Backup pages' }}
        empty={
          <div className="empty-state" data-testid="backups-empty">
            No backups yet.
          </div>
        }
        emptyPage={<EmptyPage onPageChange={setPage} />}
      >
        {(backup) => {
          const isSelected = selected?.kind === 'backup' && selected.id === backup.id;
          const stored = backup.status === 'succeeded';
          const label = dateTime(backup.createdAt);
          const checked = describeInventory(backup.inventory, bytes);
          return (
            <tr
              key={backup.id}
              aria-current={isSelected ? 'true' : undefined}
              className={isSelected ? 'backups__row--selected' : undefined}
              data-testid={`backup-${backup.id}`}
            >
              <td>
                <StatusBadge tone={BACKUP_STATUS_TONES[backup.status]}>{BACKUP_STATUS_LABELS[backup.status]}</StatusBadge>
                {backup.status === 'failed' && backup.reason && (
                  <p className="backups__reason" data-testid="backup-reason">
                    {backup.reason}
                  </p>
                )}
              </td>
              <td>{TRIGGER_LABELS[backup.trigger]}</td>
              <td>{backup.startedAt ? <TimeAgo iso={backup.startedAt} /> : <span className="muted">not yet</span>}</td>
              <td>{duration(backup) ?? <span className="muted">—</span>}</td>
              <td className="num">{backup.sizeBytes !== null ? bytes(backup.sizeBytes) : <span className="muted">—</span>}</td>
              <td>
                {backup.sha256 ? (
                  <span className="backups__checksum">
                    <code title={`SHA-256 ${backup.sha256}`}>{shortChecksum(backup.sha256)}</code>
                    <CopyButton text={backup.sha256} label="Copy" className="link-button" />
                  </span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td data-testid="backup-verification">
                <StatusBadge tone={VERIFICATION_TONES[backup.verification]}>{VERIFICATION_LABELS[backup.verification]}</StatusBadge>
                {backup.verifiedAt && (
                  <p className="backups__cell-note">
                    <TimeAgo iso={backup.verifiedAt} />
                  </p>
                )}
                {(backup.verificationDetail ?? (backup.verification === 'verified' ? checked : null)) && (
                  <p className="backups__cell-note" data-testid="backup-verification-detail">
                    {backup.verificationDetail ?? checked}
                  </p>
                )}
              </td>
              <td className="backups__actions">
                <Button
                  tone="secondary"
                  small
                  aria-label={`Log of the backup of ${label}`}
                  onClick={() => onSelect({ kind: 'backup', id: backup.id })}
                >
                  Log
                </Button>
                {isBackupActive(backup.status) ? (
                  source.kind !== 'instance' && (
                    <Button
                      tone="secondary"
                      small
                      refusal={refusal}
                      aria-label={`Cancel the backup of ${label}`}
                      onClick={() => cancel.mutate(backup.id)}
                    >
                      Cancel
                    </Button>
                  )
                ) : (
                  <>
                    {stored && source.kind !== 'instance' && (
                      <Button
                        tone="secondary"
                        small
                        refusal={refusal}
                        disabled={backup.verification === 'pending'}
                        aria-label={`Verify the backup of ${label}`}
                        onClick={() => verify.mutate(backup.id, { onSuccess: (restore) => onSelect({ kind: 'restore', id: restore.id }) })}
                      >
                        Verify
                      </Button>
                    )}
                    {stored && source.kind !== 'instance' && (
                      <Button
                        tone="secondary"
                        small
                        refusal={refusal}
                        aria-label={`Restore the backup of ${label}`}
                        onClick={() => setRestoring(backup)}
                      >
                        Restore
                      </Button>
                    )}
                    {stored && (
                      <Button
                        tone="secondary"
                        small
                        refusal={downloadRefusal}
                        aria-label={`Download the backup of ${label}`}
                        disabled={download.isPending}
                        onClick={() => download.mutate(backup.id, { onSuccess: setLink })}
                      >
                        Download
                      </Button>
                    )}
                    {source.kind !== 'instance' && (
                      <Button
                        tone="secondary"
                        small
                        refusal={refusal}
                        aria-label={`Delete the backup of ${label}`}
                        onClick={() => setDeleting(backup)}
                      >
                        Delete
                      </Button>
                    )}
                  </>
                )}
              </td>
            </tr>
          );
        }}
      </PagedTable>
      {restoring && source.kind !== 'instance' && (
        <RestoreDialog
          teamId={teamId}
          source={source}
          backup={restoring}
          onStarted={(id) => onSelect({ kind: 'restore', id })}
          onClose={() => setRestoring(undefined)}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this backup?"
          description={`The backup of ${dateTime(deleting.createdAt)} is removed from its destination; the history keeps a line for it.`}
          confirmLabel="Delete backup"
          pendingLabel="Deleting…"
          submission={remove}
          onConfirm={() => remove.mutate(deleting.id, { onSuccess: () => setDeleting(undefined) })}
          onClose={() => {
            remove.reset();
            setDeleting(undefined);
          }}
        />
      )}
      {link && (
        <Dialog title="Download the backup" onClose={() => setLink(undefined)}>
          <p>
            <a href={link.url} download={link.fileName} data-testid="backup-download-link">
              {link.fileName}
            </a>
          </p>
          <p className="muted">
            The link works until <TimeAgo iso={link.expiresAt} />. The file is encrypted: decrypt it with the destination’s key ({DECRYPT_DOCS}).
          </p>
          <DoneActions onDone={() => setLink(undefined)} />
        </Dialog>
      )}
    </>
  );
}
