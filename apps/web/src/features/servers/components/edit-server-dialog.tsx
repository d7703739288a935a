import { CHECK_INTERVAL_LIMITS, POSIX_USER_PATTERN, SERVER_NAME_PATTERN, type ServerDto, type UpdateServerRequest } from '@zpanel/contracts';
import { useState } from 'react';
import { FormDialog } from '../../../components/form-dialog';
import { SelectField } from '../../../components/select-field';
import { TextField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import { CHECK_INTERVAL_HINT, parseCheckInterval } from '../../../shared/servers/labels';
import { useUpdateServer } from '../mutations';
import { useSshKeys } from '../../../shared/servers/queries';

interface EditServerDialogProps {
  teamId: string;
  server: ServerDto;
  onClose: () => void;
}

const FIELDS = ['name', 'host', 'port', 'user', 'sshKeyId', 'description', 'checkIntervalSeconds'];

export function EditServerDialog({ teamId, server, onClose }: EditServerDialogProps) {
  const update = useUpdateServer(teamId, server.id);
  const keys = useSshKeys(teamId);
  const [name, setName] = useState(server.name);
  const [host, setHost] = useState(server.host);
  const [port, setPort] = useState(String(server.port));
  const [user, setUser] = useState(server.user);
  const [sshKeyId, setSshKeyId] = useState(server.sshKeyId);
  const [description, setDescription] = useState(server.description);
  const [checkInterval, setCheckInterval] = useState(String(server.checkIntervalSeconds));
  const fields = fieldErrors(update.error);
  const nameHint = SERVER_NAME_PATTERN.test(name) ? undefined : 'Lowercase letters, digits and dashes, starting with a letter or digit (at most 63).';
  const userHint = POSIX_USER_PATTERN.test(user) ? undefined : 'A POSIX user name: lowercase letters, digits, _ and -, starting with a letter or _.';
  const portNumber = Number(port);
  const portHint = Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65_535 ? undefined : 'A port from 1 to 65535.';
  const interval = parseCheckInterval(checkInterval);

  const invalid = Boolean(nameHint || userHint || portHint || interval.error);

  const submit = () => {
    if (nameHint || userHint || portHint || interval.error) return;
    const next: Required<UpdateServerRequest> = {
      name,
      host: host.trim(),
      port: portNumber,
      user,
      sshKeyId,
      description: description.trim(),
      // Emptied: back to the instance default.
      checkIntervalSeconds: interval.seconds,
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
      disabled={invalid}
    >
      <TextField
        label="Name"
        required
        maxLength={63}
        value={name}
        onChange={(event) => setName(event.target.value.toLowerCase())}
        error={fields.name ?? nameHint}
      />
      <TextField label="Host" required maxLength={253} value={host} onChange={(event) => setHost(event.target.value)} error={fields.host} />
      <TextField
        label="Port"
        required
        type="number"
        min={1}
        max={65_535}
        value={port}
        onChange={(event) => setPort(event.target.value)}
        error={fields.port ?? portHint}
      />
      <TextField
        label="User"
        required
        maxLength={32}
        value={user}
        onChange={(event) => setUser(event.target.value)}
        error={fields.user ?? userHint}
      />
      <SelectField label="SSH key" value={sshKeyId} error={fields.sshKeyId} onChange={(event) => setSshKeyId(event.target.value)}>
        {!keys.data?.items.some((key) => key.id === sshKeyId) && <option value={sshKeyId}>Current key</option>}
        {keys.data?.items.map((key) => (
          <option key={key.id} value={key.id}>
            {key.name} ({key.fingerprint})
          </option>
        ))}
      </SelectField>
      <TextField
        label="Description"
        maxLength={500}
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        error={fields.description}
      />
      <TextField
        label="Check interval (seconds)"
        type="number"
        min={CHECK_INTERVAL_LIMITS.min}
        max={CHECK_INTERVAL_LIMITS.max}
        value={checkInterval}
        onChange={(event) => setCheckInterval(event.target.value)}
        error={fields.checkIntervalSeconds ?? interval.error}
        hint={CHECK_INTERVAL_HINT}
      />
    </FormDialog>
  );
}
