import type { BackupDestinationDto, BackupScheduleDto } from '@zpanel/contracts';
import { useState } from 'react';
import { Button } from '../../../components/button';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { DataTable, type TableShape } from '../../../components/data-table';
import { QueryView } from '../../../components/query-view';
import { EditDeleteButtons } from '../../../components/row-actions';
import { StatusBadge } from '../../../components/status-badge';
import { TimeAgo } from '../../../components/time-ago';
import type { BackupSource } from '../api';
import { useDeleteSchedule } from '../mutations';
import { useDestinations, useSchedules } from '../queries';
import { ScheduleDialog } from './schedule-dialog';

const TABLE: TableShape = {
  label: 'Backup schedules',
  testId: 'backup-schedules',
  columns: ['When', 'Destination', 'Next run', 'Keeps', 'Verify', 'State', { title: 'Actions', hidden: true }],
};

function retention(schedule: BackupScheduleDto): string {
  const parts = [
    schedule.retentionCount !== null && `${schedule.retentionCount} ${schedule.retentionCount === 1 ? 'backup' : 'backups'}`,
    schedule.retentionDays !== null && `${schedule.retentionDays} ${schedule.retentionDays === 1 ? 'day' : 'days'}`,
  ].filter(Boolean);
  return parts.length > 0 ? `at most ${parts.join(', ')}` : 'everything';
}

interface SchedulesSectionProps {
  teamId: string;
  source: BackupSource;
  refusal?: string;
}

/** The source's schedules, with a warning for each one that missed its backup; add, edit and delete. */
export function SchedulesSection({ teamId, source, refusal }: SchedulesSectionProps) {
  const schedules = useSchedules(teamId, source);
  const destinations = useDestinations(teamId);
  const remove = useDeleteSchedule(teamId, source);
  const [editing, setEditing] = useState<BackupScheduleDto | 'new' | undefined>();
  const [deleting, setDeleting] = useState<BackupScheduleDto | undefined>();
  const destinationName = (id: string) => destinations.data?.items.find((d: BackupDestinationDto) => d.id === id)?.name ?? '…';

  return (
    <section className="panel" aria-label="Schedules">
      <header className="backups__header">
        <h3 className="applications__heading">Schedules</h3>
        <Button small plus refusal={refusal} onClick={() => setEditing('new')}>
          Add schedule
        </Button>
      </header>
      <QueryView query={schedules} lines={2}>
        {(page) =>
          page.items.length === 0 ? (
            <div className="empty-state" data-testid="backup-schedules-empty">
              No schedules: backups run only when started by hand.
            </div>
          ) : (
            <>
              {page.items
                .filter((schedule) => schedule.missedSince !== null)
                .map((schedule) => (
                  <p key={schedule.id} className="backups__missed" role="alert" data-testid="backup-missed">
                    No verified backup since <TimeAgo iso={schedule.missedSince ?? ''} /> from the schedule “{schedule.description}”: look at the
                    history below for the failed or missing runs.
                  </p>
                ))}
              <DataTable {...TABLE} items={page.items}>
                {(schedule) => (
                  <tr key={schedule.id} data-testid={`backup-schedule-${schedule.id}`}>
                    <td>
                      {schedule.description}
                      <p className="backups__cell-note">
                        <code>{schedule.cron}</code> {schedule.timezone}
                      </p>
                    </td>
                    <td>{destinationName(schedule.destinationId)}</td>
                    <td>{schedule.enabled && schedule.nextRunAt ? <TimeAgo iso={schedule.nextRunAt} /> : <span className="muted">—</span>}</td>
                    <td>{retention(schedule)}</td>
                    <td>{schedule.verifyAfterBackup ? 'each backup' : <span className="muted">no</span>}</td>
                    <td>
                      <StatusBadge tone={schedule.enabled ? 'ok' : 'neutral'}>{schedule.enabled ? 'Enabled' : 'Paused'}</StatusBadge>
                    </td>
                    <td className="backups__actions">
                      <EditDeleteButtons
                        name={`schedule ${schedule.description}`}
                        refusal={refusal}
                        onEdit={() => setEditing(schedule)}
                        onDelete={() => setDeleting(schedule)}
                      />
                    </td>
                  </tr>
                )}
              </DataTable>
            </>
          )
        }
      </QueryView>
      {editing && (
        <ScheduleDialog teamId={teamId} source={source} schedule={editing === 'new' ? undefined : editing} onClose={() => setEditing(undefined)} />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this schedule?"
          description={`“${deleting.description}” stops starting backups. The backups it made stay at the destination and in the history.`}
          confirmLabel="Delete schedule"
          pendingLabel="Deleting…"
          submission={remove}
          onConfirm={() => remove.mutate(deleting.id, { onSuccess: () => setDeleting(undefined) })}
          onClose={() => {
            remove.reset();
            setDeleting(undefined);
          }}
        />
      )}
    </section>
  );
}
