import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '../../../components/button';
import type { BackupSource } from '../api';
import { type RunRef, backupKeys, firedSlots, useSchedules } from '../queries';
import { BackUpNowDialog } from './back-up-now-dialog';
import { HistorySection } from './history-section';
import { RunLog } from './run-log';
import { SchedulesSection } from './schedules-section';
import { UploadRestoreDialog } from './upload-restore-dialog';
import '../backups.css';

interface BackupsPanelProps {
  teamId: string;
  source: BackupSource;
  /** Why the caller cannot back up, restore or change schedules (undefined: they can). */
  refusal?: string;
  /** Why the caller cannot download a backup (undefined: they can). */
  downloadRefusal?: string;
}

/** The run whose log is shown, in the URL (`?backup=` or `?restore=`) so it survives a reload. */
function useSelectedRun(): [RunRef | undefined, (run: RunRef) => void] {
  const [params, setParams] = useSearchParams();
  const backup = params.get('backup');
  const restore = params.get('restore');
  const selected: RunRef | undefined = restore ? { kind: 'restore', id: restore } : backup ? { kind: 'backup', id: backup } : undefined;
  const select = (run: RunRef) =>
    setParams((current) => {
      const updated = new URLSearchParams(current);
      updated.delete('backup');
      updated.delete('restore');
      updated.set(run.kind, run.id);
      return updated;
    });
  return [selected, select];
}

/**
 * Asks for the history again when a schedule fired (its `lastRunAt` moved): the backup it queued is
 * then in the list, which follows it until it is stored and verified. Nothing else tells the page
 * that a backup started by itself.
 */
function useHistoryFollowsSchedules(teamId: string, source: BackupSource, fired: string | undefined) {
  const queryClient = useQueryClient();
  const seen = useRef<string | undefined>(undefined);
  const histories = backupKeys.histories(teamId, source);
  useEffect(() => {
    if (fired === undefined) return;
    if (seen.current !== undefined && seen.current !== fired) void queryClient.invalidateQueries({ queryKey: histories });
    seen.current = fired;
  });
}

/**
 * Backups of one database, volume or of the instance (docs/backups.md): its schedules (and a warning
 * for one that missed), "Back up now", the history with each backup's checks, and the log of the run
 * or restore chosen.
 */
export function BackupsPanel({ teamId, source, refusal, downloadRefusal }: BackupsPanelProps) {
  const schedules = useSchedules(teamId, source);
  const [selected, select] = useSelectedRun();
  useHistoryFollowsSchedules(teamId, source, schedules.data ? firedSlots(schedules.data.items) : undefined);
  const [dialog, setDialog] = useState<'now' | 'upload' | undefined>();

  return (
    <div className="backups" data-testid="backups-panel">
      <SchedulesSection teamId={teamId} source={source} refusal={refusal} />
      <section className="panel" aria-label="Backup history">
        <header className="backups__header">
          <h3 className="applications__heading">History</h3>
          <div className="backups__actions">
            {source.kind === 'database' && (
              <Button tone="secondary" small refusal={refusal} onClick={() => setDialog('upload')}>
                Restore from a file
              </Button>
            )}
            <Button small refusal={refusal} onClick={() => setDialog('now')}>
              Back up now
            </Button>
          </div>
        </header>
        <HistorySection teamId={teamId} source={source} refusal={refusal} downloadRefusal={downloadRefusal} selected={selected} onSelect={select} />
      </section>
      {selected && (
        <section className="panel panel--padded" aria-label={selected.kind === 'backup' ? 'Backup log' : 'Restore log'}>
          <RunLog key={`${selected.kind}:${selected.id}`} teamId={teamId} source={source} run={selected} />
        </section>
      )}
      {dialog === 'now' && (
        <BackUpNowDialog
          teamId={teamId}
          source={source}
          preferredDestinationId={schedules.data?.items[0]?.destinationId}
          onStarted={(id) => select({ kind: 'backup', id })}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog === 'upload' && source.kind === 'database' && (
        <UploadRestoreDialog
          teamId={teamId}
          source={source}
          onStarted={(id) => select({ kind: 'restore', id })}
          onClose={() => setDialog(undefined)}
        />
      )}
    </div>
  );
}
