import { BACKUP_LIMITS, type BackupScheduleDto } from '@zpanel/contracts';
import { useId, useState } from 'react';
import { ChoicesDialog } from '../../../components/choices-dialog';
import { useTextForm } from '../../../components/field';
import { FormDialog } from '../../../components/form-dialog';
import { TextField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import { CheckboxField } from '../../applications/components/fields';
import type { BackupSource, ScheduleFields } from '../api';
import { describeCron } from '../cron';
import { useCreateSchedule, useUpdateSchedule } from '../mutations';
import { useDestinations } from '../queries';
import { DestinationSelectField, NoDestinations } from './destination-select-field';

interface ScheduleDialogProps {
  teamId: string;
  source: BackupSource;
  /** The schedule edited; absent: a new one. */
  schedule?: BackupScheduleDto;
  onClose: () => void;
}

const FIELDS = ['destinationId', 'cron', 'timezone', 'retentionCount', 'retentionDays', 'timeoutMinutes', 'verifyAfterBackup', 'enabled'];

/** The browser's zone, as a sensible first choice; the API reads `UTC` when none is sent. */
function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Every IANA zone the browser knows, for the zone field's suggestions. */
function timeZones(): string[] {
  return typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
}

/** Empty: no limit (null); anything else is sent as typed, for the API to judge. */
const optionalNumber = (value: string): number | null => (value.trim() === '' ? null : Number(value));

/** Adds or edits a schedule: when (cron in a zone), where to, how many to keep, and whether each is verified. */
export function ScheduleDialog({ teamId, source, schedule, onClose }: ScheduleDialogProps) {
  const destinations = useDestinations(teamId);
  const create = useCreateSchedule(teamId, source);
  const update = useUpdateSchedule(teamId, source);
  const submission = schedule ? update : create;
  const zonesId = useId();
  const form = useTextForm({
    destinationId: schedule?.destinationId ?? '',
    cron: schedule?.cron ?? '0 3 * * *',
    timezone: schedule?.timezone ?? localTimeZone(),
    retentionCount: schedule ? String(schedule.retentionCount ?? '') : '7',
    retentionDays: schedule ? String(schedule.retentionDays ?? '') : '',
    timeoutMinutes: String(schedule?.timeoutMinutes ?? 60),
  });
  const [verifyAfterBackup, setVerify] = useState(schedule?.verifyAfterBackup ?? true);
  const [enabled, setEnabled] = useState(schedule?.enabled ?? true);
  const errors = fieldErrors(submission.error);
  const title = schedule ? 'Edit schedule' : 'Add a schedule';

  if (!destinations.isSuccess || destinations.data.items.length === 0) {
    return (
      <ChoicesDialog title={title} query={destinations} onClose={onClose}>
        <NoDestinations />
      </ChoicesDialog>
    );
  }

  const submit = () => {
    const body: ScheduleFields = {
      destinationId: form.form.destinationId,
      cron: form.form.cron.trim(),
      timezone: form.form.timezone.trim() || 'UTC',
      retentionCount: optionalNumber(form.form.retentionCount),
      retentionDays: optionalNumber(form.form.retentionDays),
      verifyAfterBackup,
      timeoutMinutes: Number(form.form.timeoutMinutes),
      enabled,
    };
    if (schedule) update.mutate({ id: schedule.id, body }, { onSuccess: onClose });
    else create.mutate(body, { onSuccess: onClose });
  };

  const preview = describeCron(form.form.cron, form.form.timezone);
  return (
    <FormDialog
      title={title}
      description="Backups start at the times the expression names, read in the time zone; retention removes the oldest at the destination."
      formLabel={title}
      wide
      submission={submission}
      fields={FIELDS}
      submitLabel={schedule ? 'Save schedule' : 'Add schedule'}
      pendingLabel="Saving…"
      onSubmit={submit}
      onClose={onClose}
    >
      <DestinationSelectField destinations={destinations.data.items} {...form.bind('destinationId')} error={errors.destinationId} />
      <TextField
        label="When (cron)"
        className="mono"
        required
        {...form.bind('cron')}
        error={errors.cron}
        hint={preview ?? 'Five fields (minute hour day-of-month month weekday), or @daily, @weekly…'}
      />
      <TextField
        label="Time zone"
        required
        list={zonesId}
        {...form.bind('timezone')}
        error={errors.timezone}
        hint="An IANA zone, e.g. Europe/Paris or UTC."
      />
      <datalist id={zonesId}>
        {timeZones().map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      <TextField
        label="Keep at most (backups)"
        type="number"
        inputMode="numeric"
        min={BACKUP_LIMITS.retentionCount.min}
        max={BACKUP_LIMITS.retentionCount.max}
        {...form.bind('retentionCount')}
        error={errors.retentionCount}
        hint="Empty: no count limit."
      />
      <TextField
        label="Keep for at most (days)"
        type="number"
        inputMode="numeric"
        min={BACKUP_LIMITS.retentionDays.min}
        max={BACKUP_LIMITS.retentionDays.max}
        {...form.bind('retentionDays')}
        error={errors.retentionDays}
        hint="Empty: no age limit. At least one of the two limits is needed."
      />
      <TextField
        label="Time limit (minutes)"
        type="number"
        inputMode="numeric"
        required
        min={BACKUP_LIMITS.timeoutMinutes.min}
        max={BACKUP_LIMITS.timeoutMinutes.max}
        {...form.bind('timeoutMinutes')}
        error={errors.timeoutMinutes}
        hint="A run taking longer fails with a reason."
      />
      <CheckboxField
        label="Verify each backup by restoring it into a throwaway container"
        checked={verifyAfterBackup}
        onChange={(event) => setVerify(event.target.checked)}
      />
      <CheckboxField label="Enabled" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />
    </FormDialog>
  );
}
