import { DATABASE_INTERNAL_PORTS, type DatabaseDto, type UpdateDatabaseRequest } from '@zpanel/contracts';
import { useState } from 'react';
import { bindText } from '../../../components/field';
import { Form } from '../../../components/form';
import { FormActions } from '../../../components/form-actions';
import { TextField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import { numberField, optionalNumber } from '../../../shared/applications/application-form';
import { useDatabaseOutlet } from '../../../shared/databases/database-outlet';
import { LimitFields, PublicPortFields } from '../components/database-fields';
import { useUpdateDatabase } from '../mutations';

const FIELDS = ['name', 'image', 'publicPort', 'memoryLimitMb', 'cpuLimit'];

const text = (value: number | null) => (value === null ? '' : String(value));

interface SettingsForm {
  name: string;
  image: string;
  published: boolean;
  publicPort: string;
  memoryLimitMb: string;
  cpuLimit: string;
}

function settingsForm(database: DatabaseDto): SettingsForm {
  return {
    name: database.name,
    image: database.image,
    published: database.publicPort !== null,
    publicPort: text(database.publicPort),
    memoryLimitMb: text(database.memoryLimitMb),
    cpuLimit: text(database.cpuLimit),
  };
}

/** Only what changed is sent: a rename alone changes nothing on the server, the rest recreates the container. */
function changes(form: SettingsForm, database: DatabaseDto): UpdateDatabaseRequest {
  const body: UpdateDatabaseRequest = {};
  if (form.name.trim() !== database.name) body.name = form.name.trim();
  if (form.image.trim() !== database.image) body.image = form.image.trim();
  const publicPort = form.published ? numberField(form.publicPort) : null;
  if (publicPort !== database.publicPort) body.publicPort = publicPort;
  const memoryLimitMb = optionalNumber(form.memoryLimitMb);
  if (memoryLimitMb !== database.memoryLimitMb) body.memoryLimitMb = memoryLimitMb;
  const cpuLimit = optionalNumber(form.cpuLimit);
  if (cpuLimit !== database.cpuLimit) body.cpuLimit = cpuLimit;
  return body;
}

/** The name, image tag, limits and public port; saving one that needs the container recreated queues an operation. */
export function DatabaseSettingsTab() {
  const { database, teamId, writeRefusal } = useDatabaseOutlet();
  const update = useUpdateDatabase(teamId, database.id);
  const [form, setForm] = useState(() => settingsForm(database));
  const set =
    <K extends keyof SettingsForm>(key: K) =>
    (value: SettingsForm[K]) =>
      setForm((current) => ({ ...current, [key]: value }));
  const errors = fieldErrors(update.error);
  const body = changes(form, database);
  const unchanged = Object.keys(body).length === 0;
  const recreated = update.data?.operation !== null && update.data?.operation !== undefined;

  return (
    <section className="panel applications__form-panel" aria-label="Settings">
      <Form label="Database settings" className="applications__form" onSubmit={() => update.mutate(body)}>
        <fieldset className="applications__group" disabled={Boolean(writeRefusal)}>
          <TextField
            label="Name"
            required
            maxLength={40}
            value={form.name}
            onChange={(event) => set('name')(event.target.value.toLowerCase())}
            error={errors.name}
            hint="References use it: renaming breaks ${{ old-name.… }} in applications' variables until they are changed too."
          />
          <TextField
            label="Image"
            required
            maxLength={255}
            {...bindText(form.image, set('image'))}
            error={errors.image}
            hint="Another tag within the same major version (17 → 17.2): the container is recreated on the same data. Major upgrades need a dump and restore."
          />
          <PublicPortFields
            published={form.published}
            onPublishedChange={set('published')}
            port={form.publicPort}
            onPortChange={set('publicPort')}
            internalPort={DATABASE_INTERNAL_PORTS[database.engine]}
            error={errors.publicPort}
          />
          <LimitFields
            memoryLimitMb={bindText(form.memoryLimitMb, set('memoryLimitMb'))}
            cpuLimit={bindText(form.cpuLimit, set('cpuLimit'))}
            errors={errors}
          />
        </fieldset>
        <FormActions
          submission={update}
          fields={FIELDS}
          savedMessage={recreated ? 'Saved. The container is being recreated with the new settings.' : 'Saved.'}
          submitLabel="Save settings"
          refusal={writeRefusal}
          disabled={unchanged}
        />
      </Form>
    </section>
  );
}
