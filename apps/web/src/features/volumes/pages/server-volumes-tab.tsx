import { Role, VOLUME_LIMITS } from '@zpanel/contracts';
import { useState } from 'react';
import type { TableShape } from '../../../components/data-table';
import { bindText } from '../../../components/field';
import { Form } from '../../../components/form';
import { FormActions } from '../../../components/form-actions';
import { TimeAgo } from '../../../components/time-ago';
import { errorsByField } from '../../../shared/applications/application-form';
import { TextAreaField } from '../../../shared/applications/components/fields';
import { whyCannotWrite } from '../../../shared/applications/labels';
import { bytes } from '../../../shared/servers/labels';
import { useServerOutlet } from '../../../shared/servers/server-outlet';
import { RemovableTable } from '../components/removable-table';
import { useRemoveOrphanedVolume, useSetAllowedBindRoots } from '../mutations';
import { useOrphanedVolumes } from '../queries';

const ORPHANS_TABLE: TableShape = { label: 'Orphaned volumes', columns: ['Volume', 'Size', 'Created'] };

const parseRoots = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/**
 * A server's storage (docs/volumes.md): the host directories its applications may bind-mount, which
 * only the team's owners change, and the team's volumes on it that no application mounts any more.
 */
export function ServerVolumesTab() {
  const { server, teamId, role } = useServerOutlet();
  const rootsRefusal = role === Role.Owner ? undefined : `Your role (${role}) cannot allow bind roots: only an owner of the team can`;
  const setRoots = useSetAllowedBindRoots(teamId, server.id);
  const [text, setText] = useState(server.allowedBindRoots.join('\n'));
  const roots = parseRoots(text);
  const rootErrors = Object.entries(errorsByField(setRoots.error)).flatMap(([field, messages]) =>
    field.startsWith('allowedBindRoots') ? messages : [],
  );

  return (
    <section className="panel panel--padded" aria-label="Volumes">
      <h2 className="applications__heading">Allowed bind roots</h2>
      <p className="muted">
        Directories of this server its applications may bind-mount (at or below them). Links are followed on the server at each deployment and must
        stay inside; the system&apos;s directories, the Docker socket and Zpanel&apos;s own data are always refused.
      </p>
      <Form
        className="applications__form"
        label="Allowed bind roots"
        onSubmit={() => setRoots.mutate(roots, { onSuccess: (saved) => setText(saved.allowedBindRoots.join('\n')) })}
      >
        <fieldset className="applications__group" disabled={Boolean(rootsRefusal)}>
          <TextAreaField
            label="Allowed bind roots"
            rows={4}
            placeholder="/srv/zpanel-data"
            {...bindText(text, setText)}
            errors={rootErrors}
            hint={`One absolute path per line, at most ${VOLUME_LIMITS.bindRootsPerServer}. Empty: no bind mounts on this server.`}
          />
        </fieldset>
        <FormActions
          submission={setRoots}
          fields={roots.map((_, i) => `allowedBindRoots.${i}`).concat('allowedBindRoots')}
          savedMessage="Saved."
          submitLabel="Save bind roots"
          refusal={rootsRefusal}
        />
      </Form>
      <OrphanedVolumes teamId={teamId} serverId={server.id} refusal={whyCannotWrite(role)} />
    </section>
  );
}

function OrphanedVolumes({ teamId, serverId, refusal }: { teamId: string; serverId: string; refusal?: string }) {
  const orphans = useOrphanedVolumes(teamId, serverId);
  const remove = useRemoveOrphanedVolume(teamId, serverId);
  return (
    <>
      <h2 className="applications__heading">Orphaned volumes</h2>
      <p className="muted">
        The team&apos;s volumes on this server that no application mounts any more: its application was deleted, or the volume removed from it.
      </p>
      <RemovableTable
        query={orphans}
        table={ORPHANS_TABLE}
        empty={{ text: 'No orphaned volumes.', testId: 'orphans-empty' }}
        rowKey={(volume) => volume.dockerName}
        cells={(volume) => (
          <>
            <td>
              {volume.name}
              <div className="muted">{volume.dockerName}</div>
            </td>
            <td>{volume.sizeBytes === null ? 'unknown' : bytes(volume.sizeBytes)}</td>
            <td>{volume.createdAt ? <TimeAgo iso={volume.createdAt} /> : '—'}</td>
          </>
        )}
        refusal={refusal}
        removeTone="danger"
        confirmation={(volume) => ({
          title: `Remove ${volume.name}?`,
          description: `The volume ${volume.dockerName} and every file in it are deleted from the server. This cannot be undone.`,
          confirmLabel: 'Remove volume',
        })}
        removal={remove}
        onRemove={(volume, done) => remove.mutate(volume.dockerName, { onSuccess: done })}
      />
    </>
  );
}
