import { BACKUP_LIMITS, type BackupDestinationDto, type BackupDestinationKind, type UpdateBackupDestinationRequest } from '@zpanel/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { ChoicesDialog } from '../../../components/choices-dialog';
import { useTextForm } from '../../../components/field';
import { FormDialog } from '../../../components/form-dialog';
import { TextField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import { useServerChoices } from '../../../shared/applications/queries';
import { CheckboxField } from '../../../shared/applications/components/fields';
import { ServerSelectField } from '../../../shared/servers/components/server-select-field';
import { useCreateDestination, useUpdateDestination } from '../mutations';

interface DestinationDialogProps {
  teamId: string;
  /** The destination edited; absent: a new one. */
  destination?: BackupDestinationDto;
  onClose: () => void;
}

const FIELDS = ['kind', 'name', 'endpoint', 'region', 'bucket', 'prefix', 'forcePathStyle', 'accessKeyId', 'secretAccessKey', 'serverId', 'path'];

/**
 * Adds or edits where backups go: an S3-compatible bucket (checked by the API with a small object
 * written, read and deleted before it is saved) or a directory on one of the team's servers.
 */
export function DestinationDialog({ teamId, destination, onClose }: DestinationDialogProps) {
  const [kind, setKind] = useState<BackupDestinationKind>(destination?.kind ?? 's3');
  const create = useCreateDestination(teamId);
  const update = useUpdateDestination(teamId);
  const submission = destination ? update : create;
  const servers = useServerChoices(teamId);
  const form = useTextForm({
    name: destination?.name ?? '',
    endpoint: destination?.endpoint ?? '',
    region: destination?.region ?? 'us-east-1',
    bucket: destination?.bucket ?? '',
    prefix: destination?.prefix ?? '',
    accessKeyId: destination?.accessKeyId ?? '',
    secretAccessKey: '',
    serverId: destination?.serverId ?? '',
    path: destination?.path ?? '',
  });
  const [forcePathStyle, setForcePathStyle] = useState(destination?.forcePathStyle ?? true);
  const errors = fieldErrors(submission.error);
  const title = destination ? `Edit ${destination.name}` : 'Add a backup destination';

  if (kind === 'server' && (!servers.isSuccess || servers.data.items.length === 0)) {
    return (
      <ChoicesDialog title={title} query={servers} onClose={onClose}>
        <div className="empty-state">
          A server destination is a directory on one of the team&apos;s servers, and the team has none yet. <Link to="/servers">Add a server</Link> or{' '}
          <button type="button" className="link-button" onClick={() => setKind('s3')}>
            use S3
          </button>
          .
        </div>
      </ChoicesDialog>
    );
  }

  const { form: values } = form;
  const submit = () => {
    const trimmed = (key: keyof typeof values) => values[key].trim();
    if (destination) {
      const body: UpdateBackupDestinationRequest =
        kind === 's3'
          ? {
              name: trimmed('name'),
              endpoint: trimmed('endpoint'),
              region: trimmed('region'),
              bucket: trimmed('bucket'),
              prefix: trimmed('prefix'),
              forcePathStyle,
              accessKeyId: trimmed('accessKeyId'),
              // Left blank: the stored secret is kept.
              ...(values.secretAccessKey === '' ? {} : { secretAccessKey: values.secretAccessKey }),
            }
          : { name: trimmed('name'), path: trimmed('path') };
      update.mutate({ id: destination.id, body }, { onSuccess: onClose });
      return;
    }
    create.mutate(
      kind === 's3'
        ? {
            kind,
            name: trimmed('name'),
            endpoint: trimmed('endpoint'),
            region: trimmed('region'),
            bucket: trimmed('bucket'),
            ...(trimmed('prefix') === '' ? {} : { prefix: trimmed('prefix') }),
            forcePathStyle,
            accessKeyId: trimmed('accessKeyId'),
            secretAccessKey: values.secretAccessKey,
          }
        : { kind, name: trimmed('name'), serverId: values.serverId, path: trimmed('path') },
      { onSuccess: onClose },
    );
  };

  return (
    <FormDialog
      title={title}
      description={
        kind === 's3'
          ? 'Zpanel writes, reads and deletes a small object there before saving, and says what the storage answered if that fails.'
          : 'A directory on the server, under one of the directories its owners allowed (the server’s Volumes tab); created when missing.'
      }
      formLabel={title}
      wide
      submission={submission}
      fields={FIELDS}
      submitLabel={destination ? 'Save' : 'Add destination'}
      pendingLabel={kind === 's3' ? 'Checking the bucket…' : 'Saving…'}
      onSubmit={submit}
      onClose={onClose}
    >
      {!destination && (
        <fieldset className="backups__choices">
          <legend className="field__label">Kind</legend>
          <label className="applications__check">
            <input type="radio" name="destination-kind" checked={kind === 's3'} onChange={() => setKind('s3')} />
            S3-compatible storage (AWS S3, MinIO, Backblaze B2, Cloudflare R2…)
          </label>
          <label className="applications__check">
            <input type="radio" name="destination-kind" checked={kind === 'server'} onChange={() => setKind('server')} />A directory on a server
          </label>
        </fieldset>
      )}
      <TextField label="Name" required {...form.bind('name')} error={errors.name} />
      {kind === 's3' ? (
        <>
          <TextField
            label="Endpoint"
            required
            type="url"
            placeholder="https://s3.eu-west-1.amazonaws.com"
            {...form.bind('endpoint')}
            error={errors.endpoint}
          />
          <TextField label="Region" required {...form.bind('region')} error={errors.region} />
          <TextField
            label="Bucket"
            required
            {...form.bind('bucket')}
            error={errors.bucket}
            hint="3-63 lower-case letters, digits, dots and dashes."
          />
          <TextField
            label="Prefix"
            placeholder="zpanel/production"
            maxLength={BACKUP_LIMITS.prefixLength}
            {...form.bind('prefix')}
            error={errors.prefix}
            hint="Optional: a folder in the bucket, e.g. zpanel/production."
          />
          <CheckboxField
            label="Path-style addressing (endpoint/bucket/key: MinIO and most self-hosted servers)"
            checked={forcePathStyle}
            onChange={(event) => setForcePathStyle(event.target.checked)}
          />
          <TextField label="Access key ID" required autoComplete="off" {...form.bind('accessKeyId')} error={errors.accessKeyId} />
          <TextField
            label="Secret access key"
            type="password"
            autoComplete="new-password"
            required={!destination}
            {...form.bind('secretAccessKey')}
            error={errors.secretAccessKey}
            hint={destination ? 'Leave blank to keep the stored secret.' : 'Sealed with the instance key; never shown again.'}
          />
        </>
      ) : (
        <>
          {destination ? null : <ServerSelectField servers={servers.data?.items ?? []} {...form.bind('serverId')} error={errors.serverId} />}
          <TextField
            label="Directory"
            required
            placeholder="/srv/backups"
            {...form.bind('path')}
            error={errors.path}
            hint="An absolute path on the server."
          />
        </>
      )}
    </FormDialog>
  );
}
