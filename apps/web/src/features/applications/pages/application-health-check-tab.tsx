import { useState } from 'react';
import { FormFailure } from '../../../components/form-failure';
import {
  HEALTH_CHECK_FIELDS,
  type HealthCheckForm,
  fieldMessages,
  healthCheckForm,
  healthCheckRequest,
} from '../../../shared/applications/application-form';
import { useApplicationOutlet } from '../../../shared/applications/application-outlet';
import { HealthCheckFields } from '../components/settings-fields';
import { useUpdateApplication } from '../../../shared/applications/mutations';

/** How a new version proves it is ready; traffic moves to it only then. Applies from the next deployment. */
export function ApplicationHealthCheckTab() {
  const { application, teamId, writeRefusal } = useApplicationOutlet();
  const update = useUpdateApplication(teamId, application.id);
  const [form, setForm] = useState<HealthCheckForm>(() => healthCheckForm(application.healthCheck));
  const errors = fieldMessages(update.error);

  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update.mutate({ healthCheck: healthCheckRequest(form) });
  };

  return (
    <section className="panel panel--padded" aria-label="Health check">
      <p className="muted">
        Each deployment starts the new container beside the old one and checks it until it passes (then traffic moves) or the retries run out (then
        the old one keeps serving). There is no way to turn it off: a TCP check on the port is the least.
      </p>
      <form className="form applications__form" onSubmit={submit} aria-label="Health check">
        <HealthCheckFields value={form} onChange={setForm} errors={errors} disabled={Boolean(writeRefusal)} />
        <FormFailure error={update.error} fields={HEALTH_CHECK_FIELDS} />
        {update.isSuccess && !update.isPending && <p className="form__success">Saved. It applies from the next deployment.</p>}
        <div className="form__actions">
          <button type="submit" className="button" disabled={Boolean(writeRefusal) || update.isPending} title={writeRefusal}>
            {update.isPending ? 'Saving…' : 'Save health check'}
          </button>
        </div>
      </form>
    </section>
  );
}
