import { DEPLOY_STRATEGIES, type DeployStrategy, type MountDto, VOLUME_LIMITS, type VolumeDto } from '@zpanel/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import type { TableShape } from '../../../components/data-table';
import { useTextForm } from '../../../components/field';
import { Form } from '../../../components/form';
import { FormActions } from '../../../components/form-actions';
import { SelectField } from '../../../components/select-field';
import { TextField } from '../../../components/text-field';
import { fieldMessages } from '../../../shared/applications/application-form';
import { useApplicationOutlet } from '../../../shared/applications/application-outlet';
import { CheckboxField, TextAreaField } from '../../../shared/applications/components/fields';
import { useUpdateApplication } from '../../../shared/applications/mutations';
import { bytes } from '../../../shared/servers/labels';
import { RemovableTable } from '../components/removable-table';
import { useCreateMount, useCreateVolume, useRemoveMount, useRemoveVolume } from '../mutations';
import { useMounts, useVolumeUsage, useVolumes } from '../queries';

const EMPTY_VOLUME = { name: '', mountPath: '' };
const EMPTY_MOUNT = { mountPath: '', hostPath: '', content: '' };

const NAMED_VOLUMES_TABLE: TableShape = { label: 'Named volumes', columns: ['Name', 'Mounted at', 'Size'] };
const MOUNTS_TABLE: TableShape = { label: 'Files and bind mounts', columns: ['In the container', 'What'] };

const STRATEGY_LABELS: Record<DeployStrategy, string> = {
  rolling: 'Rolling: the new container starts beside the old one (no downtime)',
  recreate: 'Recreate: the old container stops first (downtime until the new one is healthy)',
};

/**
 * The application's storage (docs/volumes.md): named volumes with their size on the server, bind
 * mounts and files, and the deploy strategy that decides whether two containers hold them at once.
 * Every change applies from the next deployment on.
 */
export function ApplicationVolumesTab() {
  const { application, teamId, writeRefusal } = useApplicationOutlet();
  return (
    <section className="panel panel--padded" aria-label="Volumes">
      <h2 className="applications__heading">Volumes</h2>
      <p className="muted">Changes here apply from the next deployment on; the running container keeps what it was started with.</p>
      <DeployStrategyForm
        key={application.deployStrategy}
        teamId={teamId}
        applicationId={application.id}
        current={application.deployStrategy}
        refusal={writeRefusal}
      />
      <NamedVolumes teamId={teamId} applicationId={application.id} refusal={writeRefusal} />
      <Mounts teamId={teamId} applicationId={application.id} refusal={writeRefusal} />
    </section>
  );
}

function DeployStrategyForm({
  teamId,
  applicationId,
  current,
  refusal,
}: {
  teamId: string;
  applicationId: string;
  current: DeployStrategy;
  refusal?: string;
}) {
  const update = useUpdateApplication(teamId, applicationId);
  const [strategy, setStrategy] = useState<DeployStrategy>(current);
  return (
    <Form className="applications__form" label="Deploy strategy" onSubmit={() => update.mutate({ deployStrategy: strategy })}>
      <fieldset className="applications__group" disabled={Boolean(refusal)}>
        <SelectField
          label="Deploy strategy"
          value={strategy}
          onChange={(event) => setStrategy(event.target.value as DeployStrategy)}
          error={fieldMessages(update.error).deployStrategy}
          hint={
            strategy === 'rolling'
              ? 'Both containers mount the same volumes for a moment while the new one starts: choose Recreate for data that must not be opened twice (SQLite, an embedded database).'
              : 'The application is down from the moment the old container stops until the new one passes its health check; if it fails, nothing serves until the next deployment or a rollback.'
          }
        >
          {DEPLOY_STRATEGIES.map((value) => (
            <option key={value} value={value}>
              {STRATEGY_LABELS[value]}
            </option>
          ))}
        </SelectField>
      </fieldset>
      <FormActions
        submission={update}
        fields={['deployStrategy']}
        savedMessage="Saved."
        submitLabel="Save strategy"
        refusal={refusal}
        disabled={strategy === current}
      />
    </Form>
  );
}

function NamedVolumes({ teamId, applicationId, refusal }: { teamId: string; applicationId: string; refusal?: string }) {
  const volumes = useVolumes(teamId, applicationId);
  const usage = useVolumeUsage(teamId, applicationId, (volumes.data?.length ?? 0) > 0);
  const create = useCreateVolume(teamId, applicationId);
  const remove = useRemoveVolume(teamId, applicationId);
  const form = useTextForm(EMPTY_VOLUME);
  const errors = fieldMessages(create.error);

  const sizeOf = (volume: VolumeDto): string => {
    if (usage.isPending) return '…';
    if (usage.isError) return 'unknown (the server did not answer)';
    const found = usage.data.find((u) => u.dockerName === volume.dockerName);
    if (!found?.exists) return 'not created yet';
    return found.sizeBytes === null ? 'unknown' : bytes(found.sizeBytes);
  };

  return (
    <>
      <h3 className="applications__heading">Named volumes</h3>
      <p className="muted">Kept across redeploys, rollbacks and restarts. Deleting the application keeps them unless you ask for them to go.</p>
      <RemovableTable
        query={volumes}
        table={NAMED_VOLUMES_TABLE}
        empty={{ text: 'No named volumes.', testId: 'volumes-empty' }}
        rowKey={(volume) => volume.id}
        cells={(volume) => (
          <>
            <td>
              {volume.name}
              <div className="muted">{volume.dockerName}</div>
              <Link to={`/applications/${applicationId}/volumes/${volume.id}/backups`} aria-label={`Backups of ${volume.name}`}>
                Backups
              </Link>
            </td>
            <td>{volume.mountPath}</td>
            <td>{sizeOf(volume)}</td>
          </>
        )}
        refusal={refusal}
        confirmation={(volume) => ({
          title: `Stop mounting ${volume.name}?`,
          description: `From the next deployment on, ${volume.mountPath} is no longer a volume. Its data stays on the server (${volume.dockerName}), listed among the server's orphaned volumes until removed there.`,
          confirmLabel: 'Stop mounting',
        })}
        removal={remove}
        onRemove={(volume, done) => remove.mutate(volume.id, { onSuccess: done })}
      />
      <Form
        className="applications__form"
        label="Add a named volume"
        onSubmit={() =>
          create.mutate({ name: form.form.name.trim(), mountPath: form.form.mountPath.trim() }, { onSuccess: () => form.setForm(EMPTY_VOLUME) })
        }
      >
        <fieldset className="applications__group" disabled={Boolean(refusal)}>
          <TextField
            label="Volume name"
            placeholder="data"
            {...form.bind('name')}
            error={errors.name}
            hint="1-40 lower-case letters, digits or dashes."
          />
          <TextField
            label="Mounted at"
            placeholder="/var/lib/app"
            {...form.bind('mountPath')}
            error={errors.mountPath}
            hint="An absolute path in the container."
          />
        </fieldset>
        <FormActions submission={create} fields={['name', 'mountPath']} submitLabel="Add volume" pendingLabel="Adding…" refusal={refusal} />
      </Form>
    </>
  );
}

function describeMount(mount: MountDto): string {
  if (mount.kind === 'bind') return `Host path ${mount.hostPath ?? ''}${mount.readOnly ? ', read-only' : ''}`;
  return mount.secret ? 'File (secret: its content is never shown again)' : `File, ${new TextEncoder().encode(mount.content ?? '').length} bytes`;
}

function Mounts({ teamId, applicationId, refusal }: { teamId: string; applicationId: string; refusal?: string }) {
  const mounts = useMounts(teamId, applicationId);
  const create = useCreateMount(teamId, applicationId);
  const remove = useRemoveMount(teamId, applicationId);
  const [kind, setKind] = useState<'file' | 'bind'>('file');
  const form = useTextForm(EMPTY_MOUNT);
  const [flag, setFlag] = useState(false);
  const errors = fieldMessages(create.error);

  const submit = () => {
    const mountPath = form.form.mountPath.trim();
    const body =
      kind === 'file'
        ? { kind, mountPath, content: form.form.content, secret: flag }
        : { kind, mountPath, hostPath: form.form.hostPath.trim(), readOnly: flag };
    create.mutate(body, {
      onSuccess: () => {
        form.setForm(EMPTY_MOUNT);
        setFlag(false);
      },
    });
  };

  return (
    <>
      <h3 className="applications__heading">Files and bind mounts</h3>
      <RemovableTable
        query={mounts}
        table={MOUNTS_TABLE}
        empty={{ text: 'No files or bind mounts.', testId: 'mounts-empty' }}
        rowKey={(mount) => mount.id}
        cells={(mount) => (
          <>
            <td>{mount.mountPath}</td>
            <td>{describeMount(mount)}</td>
          </>
        )}
        refusal={refusal}
        confirmation={(mount) => ({
          title: `Remove ${mount.mountPath}?`,
          description: 'From the next deployment on the container no longer gets it. Nothing on the server is touched.',
          confirmLabel: 'Remove',
        })}
        removal={remove}
        onRemove={(mount, done) => remove.mutate(mount.id, { onSuccess: done })}
      />
      <Form className="applications__form" label="Add a file or a bind mount" onSubmit={submit}>
        <fieldset className="applications__group" disabled={Boolean(refusal)}>
          <SelectField label="Kind" value={kind} onChange={(event) => setKind(event.target.value as 'file' | 'bind')}>
            <option value="file">A file whose text you write here</option>
            <option value="bind">A directory or file of the server (bind mount)</option>
          </SelectField>
          <TextField
            label="Path in the container"
            placeholder={kind === 'file' ? '/etc/app/config.yml' : '/srv/uploads'}
            {...form.bind('mountPath')}
            error={errors.mountPath}
          />
          {kind === 'file' ? (
            <>
              <TextAreaField
                label="Content"
                rows={6}
                {...form.bind('content')}
                errors={errors.content ? [errors.content] : []}
                hint={`At most ${VOLUME_LIMITS.fileContentBytes / 1024} KiB of text; the container reads it, it cannot change it.`}
              />
              <CheckboxField
                label="Secret (sealed, never shown again, hidden from deployment logs)"
                checked={flag}
                onChange={(event) => setFlag(event.target.checked)}
              />
            </>
          ) : (
            <>
              <TextField
                label="Host path"
                placeholder="/srv/zpanel-data/shop/uploads"
                {...form.bind('hostPath')}
                error={errors.hostPath}
                hint="Under one of the directories the team's owners allowed on the server; links are followed on the server at each deployment and must stay inside."
              />
              <CheckboxField label="Read-only in the container" checked={flag} onChange={(event) => setFlag(event.target.checked)} />
            </>
          )}
        </fieldset>
        <FormActions
          submission={create}
          fields={['mountPath', 'hostPath', 'content']}
          submitLabel={kind === 'file' ? 'Add file' : 'Add bind mount'}
          pendingLabel="Adding…"
          refusal={refusal}
        />
      </Form>
    </>
  );
}
