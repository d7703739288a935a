import { type ApplicationDto, type UpdateApplicationRequest } from '@zpanel/contracts';
import { useState } from 'react';
import { FormActions } from '../../../components/form-actions';
import { Form } from '../../../components/form';
import { TextField } from '../../../components/text-field';
import { useSshKeys } from '../../../shared/servers/queries';
import {
  RUNTIME_FIELDS,
  type RuntimeForm,
  SOURCE_FIELDS,
  type SourceForm,
  fieldMessages,
  numberField,
  runtimeForm,
  runtimeRequest,
  sourceForm,
  sourceRequest,
} from '../../../shared/applications/application-form';
import { useApplicationOutlet } from '../../../shared/applications/application-outlet';
import { PrivateRepository } from '../components/private-repository';
import { PortField, RuntimeFields, SourceFields } from '../components/settings-fields';
import { useUpdateApplication } from '../../../shared/applications/mutations';
import { bindText } from '../../../components/field';

const FIELDS = ['name', 'description', 'port', ...SOURCE_FIELDS, ...RUNTIME_FIELDS];

/** Only the settings that differ from the application's, so an untouched field is never rewritten. */
function changesOf(application: ApplicationDto, next: UpdateApplicationRequest): UpdateApplicationRequest {
  const current = application as unknown as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(next).filter(([field, value]) => JSON.stringify(current[field] ?? null) !== JSON.stringify(value ?? null)),
  );
}

/** Name, source, port and runtime settings; they apply from the next deployment. */
export function ApplicationSettingsTab() {
  const { application, teamId, writeRefusal } = useApplicationOutlet();
  const update = useUpdateApplication(teamId, application.id);
  const sshKeys = useSshKeys(teamId);
  const [name, setName] = useState(application.name);
  const [description, setDescription] = useState(application.description);
  const [source, setSource] = useState<SourceForm>(() => sourceForm(application));
  const [port, setPort] = useState(String(application.port));
  const [runtime, setRuntime] = useState<RuntimeForm>(() => runtimeForm(application));
  const [unchanged, setUnchanged] = useState(false);
  const errors = fieldMessages(update.error);
  const disabled = Boolean(writeRefusal);

  const submit = () => {
    const changes = changesOf(application, {
      name: name.trim(),
      description: description.trim(),
      ...sourceRequest(source),
      port: numberField(port),
      ...runtimeRequest(runtime),
    });
    setUnchanged(Object.keys(changes).length === 0);
    if (Object.keys(changes).length > 0) update.mutate(changes);
  };

  return (
    <>
      <section className="panel panel--padded" aria-label="Settings">
        <Form className="applications__form" label="Settings" onSubmit={submit}>
          <fieldset className="applications__group" disabled={disabled}>
            <legend className="applications__legend">General</legend>
            <TextField
              label="Name"
              required
              maxLength={63}
              value={name}
              onChange={(event) => setName(event.target.value.toLowerCase())}
              error={errors.name}
              hint="Renaming changes the container and network alias from the next deployment."
            />
            <TextField label="Description" maxLength={500} {...bindText(description, setDescription)} error={errors.description} />
            <PortField {...bindText(port, setPort)} error={errors.port} />
          </fieldset>
          <SourceFields value={source} onChange={setSource} errors={errors} sshKeys={sshKeys.data?.items ?? []} disabled={disabled} />
          <RuntimeFields value={runtime} onChange={setRuntime} errors={errors} disabled={disabled} />
          <FormActions
            submission={update}
            fields={FIELDS}
            savedMessage={unchanged ? undefined : 'Saved. Changes apply from the next deployment.'}
            submitLabel="Save settings"
            refusal={writeRefusal}
          >
            {unchanged && <p className="field__hint">Nothing changed.</p>}
          </FormActions>
        </Form>
      </section>
      {application.buildPack === 'dockerfile' && (
        <PrivateRepository application={application} teamId={teamId} sshKeys={sshKeys.data?.items ?? []} writeRefusal={writeRefusal} />
      )}
    </>
  );
}
