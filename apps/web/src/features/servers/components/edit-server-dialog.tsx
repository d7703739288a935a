import { type ServerDto, type UpdateServerRequest } from '@zpanel/contracts';
import { useState } from 'react';
import { FormDialog } from '../../../components/form-dialog';
import { SelectField } from '../../../components/select-field';
import { fieldErrors } from '../../../lib/api-client';
import { useUpdateServer } from '../mutations';
import { useSshKeys } from '../../../shared/servers/queries';
import { ConnectionFields, useConnectionForm } from './connection-fields';

interface EditServerDialogProps {
  teamId: string;
  server: ServerDto;
  onClose: () => void;
}

const FIELDS = ['name', 'host', 'port', 'user', 'sshKeyId', 'description', 'checkIntervalSeconds'];

export function EditServerDialog({ teamId, server, onClose }: EditServerDialogProps) {
  const update = useUpdateServer(teamId, server.id);
  const keys = useSshKeys(teamId);
  const connection = useConnectionForm(
    {
      name: server.name,
      host: server.host,
      port: String(server.port),
      user: server.user,
      description: server.description,
      checkInterval: String(server.checkIntervalSeconds),
    },
    false,
  );
  const [sshKeyId, setSshKeyId] = useState(server.sshKeyId);
  const fields = fieldErrors(update.error);

  const submit = () => {
    if (connection.invalid) return;
    const { form } = connection;
    const next: Required<UpdateServerRequest> = {
      name: form.name,
      host: form.host.trim(),
      port: connection.portNumber,
      user: form.user,
      sshKeyId,
      description: form.description.trim(),
      // Emptied: back to the instance default.
      checkIntervalSeconds: connection.interval.seconds,
    };
    // Only what changed: changing how to reach the server sends it back to "not validated".
    const changes = Object.fromEntries(
      Object.entries(next).filter(([field, value]) => server[field as keyof ServerDto] !== value),
    ) as UpdateServerRequest;
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    update.mutate(changes, { onSuccess: onClose });
  };

  return (
    <FormDialog
      title={`Edit ${server.name}`}
      description="Changing the host, port, user or key means the server has to be validated again."
      formLabel="Edit server"
      onSubmit={submit}
      onClose={onClose}
      submission={update}
      fields={FIELDS}
      submitLabel="Save"
      pendingLabel="Saving…"
      disabled={connection.invalid}
    >
      <ConnectionFields connection={connection} errors={fields}>
        <SelectField label="SSH key" value={sshKeyId} error={fields.sshKeyId} onChange={(event) => setSshKeyId(event.target.value)}>
          {!keys.data?.items.some((key) => key.id === sshKeyId) && <option value={sshKeyId}>Current key</option>}
          {keys.data?.items.map((key) => (
            <option key={key.id} value={key.id}>
              {key.name} ({key.fingerprint})
            </option>
          ))}
        </SelectField>
      </ConnectionFields>
    </FormDialog>
  );
}
