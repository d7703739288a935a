import { type SshKeyDto } from '@zpanel/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { CopyButton } from '../../../components/copy-button';
import { Dialog } from '../../../components/dialog';
import { ErrorState } from '../../../components/error-state';
import { Field, bindText } from '../../../components/field';
import { Form } from '../../../components/form';
import { FormFailure } from '../../../components/form-failure';
import { SelectField } from '../../../components/select-field';
import { TextField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import { bytes } from '../../../shared/servers/labels';
import { useCreateServer, useCreateSshKey, useValidateServer } from '../mutations';
import { useServer, useSshKeys } from '../../../shared/servers/queries';
import { ConnectionFields, useConnectionForm } from './connection-fields';
import { ServerStatus } from './server-status';

interface AddServerWizardProps {
  teamId: string;
  onClose: () => void;
}

type KeySource = 'existing' | 'generate' | 'paste';

const STEP_TITLES = ['SSH key', 'Connection', 'Validation'] as const;

/** Key, then connection, then a live validation: the three steps of adding a server. */
export function AddServerWizard({ teamId, onClose }: AddServerWizardProps) {
  const [key, setKey] = useState<SshKeyDto>();
  const [keyConfirmed, setKeyConfirmed] = useState(false);
  const [serverId, setServerId] = useState<string>();
  const step = serverId ? 3 : keyConfirmed && key ? 2 : 1;

  return (
    <Dialog title="Add server" description={`Step ${step} of 3: ${STEP_TITLES[step - 1]}`} onClose={onClose}>
      {step === 1 && <KeyStep teamId={teamId} chosen={key} onChosen={setKey} onNext={() => setKeyConfirmed(true)} />}
      {step === 2 && key && <ConnectionStep teamId={teamId} sshKey={key} onBack={() => setKeyConfirmed(false)} onCreated={setServerId} />}
      {step === 3 && serverId && <ValidateStep teamId={teamId} serverId={serverId} onClose={onClose} />}
    </Dialog>
  );
}

function KeyStep({
  teamId,
  chosen,
  onChosen,
  onNext,
}: {
  teamId: string;
  chosen?: SshKeyDto;
  onChosen: (key: SshKeyDto | undefined) => void;
  onNext: () => void;
}) {
  const keys = useSshKeys(teamId);
  const create = useCreateSshKey(teamId);
  const existing = keys.data?.items ?? [];
  const [source, setSource] = useState<KeySource>();
  const [created, setCreated] = useState<SshKeyDto>();
  const [name, setName] = useState('');
  const [privateKey, setPrivateKey] = useState('');
  const fields = fieldErrors(create.error);
  // Until the user picks, existing keys come first when there are any.
  const effective: KeySource = source ?? (existing.length > 0 ? 'existing' : 'generate');

  if (created) {
    return (
      <div className="form">
        <p>
          Key <strong>{created.name}</strong> created (<code>{created.fingerprint}</code>). Add this public key to{' '}
          <code>~&lt;user&gt;/.ssh/authorized_keys</code> on the server, for the user Zpanel connects as (<code>~root/.ssh/authorized_keys</code> by
          default):
        </p>
        <pre className="servers__public-key" data-testid="new-ssh-public-key">
          {created.publicKey}
        </pre>
        <div className="form__actions">
          <CopyButton text={created.publicKey} label="Copy public key" />
          <button type="button" className="button" onClick={onNext}>
            Next
          </button>
        </div>
      </div>
    );
  }

  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (effective === 'existing') {
      if (chosen) onNext();
      return;
    }
    create.mutate(
      { name: name.trim(), ...(effective === 'paste' ? { privateKey } : {}) },
      {
        onSuccess: (key) => {
          setPrivateKey('');
          create.reset();
          setCreated(key);
          onChosen(key);
        },
      },
    );
  };

  const selected = chosen && existing.some((key) => key.id === chosen.id) ? chosen.id : '';

  return (
    <form className="form" onSubmit={submit} aria-label="SSH key">
      {keys.isError && <ErrorState error={keys.error} />}
      <fieldset className="servers__choices">
        <legend className="field__label">Key</legend>
        {(
          [
            ['existing', 'Use a key of the team', existing.length === 0],
            ['generate', 'Generate a new key (ed25519)', false],
            ['paste', 'Paste a private key', false],
          ] as const
        ).map(([value, label, disabled]) => (
          <label key={value} className="servers__choice">
            <input type="radio" name="key-source" value={value} checked={effective === value} disabled={disabled} onChange={() => setSource(value)} />
            {label}
          </label>
        ))}
      </fieldset>
      {effective === 'existing' && (
        <SelectField label="Team key" value={selected} onChange={(event) => onChosen(existing.find((key) => key.id === event.target.value))}>
          <option value="">Choose a key…</option>
          {existing.map((key) => (
            <option key={key.id} value={key.id}>
              {key.name} ({key.fingerprint})
            </option>
          ))}
        </SelectField>
      )}
      {effective !== 'existing' && (
        <TextField label="Key name" required maxLength={100} placeholder="deploy key" {...bindText(name, setName)} error={fields.name} />
      )}
      {effective === 'paste' && (
        <Field
          label="Private key"
          error={fields.privateKey}
          hint="Stored encrypted; Zpanel never shows it again. A key with a passphrase is not supported."
        >
          {(control) => (
            <textarea
              {...control}
              className="input servers__textarea"
              required
              rows={6}
              spellCheck={false}
              autoComplete="off"
              placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
              {...bindText(privateKey, setPrivateKey)}
            />
          )}
        </Field>
      )}
      <FormFailure error={create.error} fields={['name', 'privateKey']} />
      <div className="form__actions">
        {effective === 'existing' ? (
          <button type="submit" className="button" disabled={!chosen}>
            Next
          </button>
        ) : (
          <button type="submit" className="button" disabled={create.isPending}>
            {create.isPending ? 'Creating key…' : effective === 'paste' ? 'Add key' : 'Generate key'}
          </button>
        )}
      </div>
    </form>
  );
}

function ConnectionStep({
  teamId,
  sshKey,
  onBack,
  onCreated,
}: {
  teamId: string;
  sshKey: SshKeyDto;
  onBack: () => void;
  onCreated: (id: string) => void;
}) {
  const create = useCreateServer(teamId);
  const validate = useValidateServer(teamId);
  const connection = useConnectionForm({ name: '', host: '', port: '22', user: 'root', description: '', checkInterval: '' }, true);
  const fields = fieldErrors(create.error);
  const pending = create.isPending || validate.isPending;

  const submit = () => {
    if (connection.invalid) return;
    const { form, interval } = connection;
    create.mutate(
      {
        name: form.name,
        host: form.host.trim(),
        port: connection.portNumber,
        user: form.user,
        sshKeyId: sshKey.id,
        ...(form.description.trim() ? { description: form.description.trim() } : {}),
        ...(interval.seconds === null ? {} : { checkIntervalSeconds: interval.seconds }),
      },
      {
        onSuccess: (server) => {
          // Validation is queued; even if that request fails, step 3 offers "Try again".
          validate.mutate(server.id, { onSettled: () => onCreated(server.id) });
        },
      },
    );
  };

  return (
    <Form label="Connection" onSubmit={submit}>
      <ConnectionFields connection={connection} errors={fields} keyName={sshKey.name} />
      <FormFailure error={create.error} fields={['name', 'host', 'port', 'user', 'description', 'checkIntervalSeconds']} />
      <div className="form__actions">
        <button type="button" className="button button--secondary" onClick={onBack} disabled={pending}>
          Back
        </button>
        <button type="submit" className="button" disabled={pending || connection.invalid}>
          {pending ? 'Adding…' : 'Add and validate'}
        </button>
      </div>
    </Form>
  );
}

function ValidateStep({ teamId, serverId, onClose }: { teamId: string; serverId: string; onClose: () => void }) {
  const server = useServer(teamId, serverId);
  const validate = useValidateServer(teamId);

  if (server.isPending) return <p role="status">Validating…</p>;
  if (server.isError) return <ErrorState error={server.error} />;
  const s = server.data;

  return (
    <div className="form">
      <p className="servers__progress" role="status" data-testid="validation-status">
        {s.status === 'validating' || validate.isPending
          ? `Connecting to ${s.host}:${s.port} as ${s.user} and checking the OS, Docker and free disk…`
          : s.status === 'ready'
            ? `${s.name} is ready.`
            : s.status === 'pending'
              ? 'Validation has not started.'
              : `Validation failed: ${s.statusReason ?? 'no reason given'}`}
      </p>
      <ServerStatus server={s} />
      {s.status === 'ready' && (
        <dl className="servers__facts" data-testid="validation-result">
          <dt>OS</dt>
          <dd>{s.os ?? '—'}</dd>
          <dt>Docker</dt>
          <dd>{s.dockerVersion ?? '—'}</dd>
          <dt>Free disk</dt>
          <dd>{s.diskFreeBytes === null ? '—' : bytes(s.diskFreeBytes)}</dd>
        </dl>
      )}
      <FormFailure error={validate.error} fields={[]} />
      <div className="form__actions">
        {(s.status === 'unreachable' || s.status === 'invalid' || s.status === 'pending') && (
          <button type="button" className="button button--secondary" disabled={validate.isPending} onClick={() => validate.mutate(s.id)}>
            Try again
          </button>
        )}
        <Link className="button button--secondary" to={`/servers/${s.id}`} onClick={onClose}>
          Open server
        </Link>
        <button type="button" className="button" onClick={onClose}>
          Done
        </button>
      </div>
    </div>
  );
}
