import { useState } from 'react';
import { FormActions } from '../../../components/form-actions';
import { Form } from '../../../components/form';
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

  const submit = () => {
    update.mutate({ healthCheck: healthCheckRequest(form) });
  };

  return (
    <section className="panel panel--padded" aria-label="Health check">
      <p className="muted">
        Each deployment starts the new container beside the old one and checks it until it passes (then traffic moves) or the retries run out (then
        the old one keeps serving). There is no way to turn it off: a TCP check on the port is the least.
      </p>
      <Form className="applications__form" label="Health check" onSubmit={submit}>
        <HealthCheckFields value={form} onChange={setForm} errors={errors} disabled={Boolean(writeRefusal)} />
        <FormActions
          submission={update}
          fields={HEALTH_CHECK_FIELDS}
          savedMessage="Saved. It applies from the next deployment."
          submitLabel="Save health check"
          refusal={writeRefusal}
        />
      </Form>
    </section>
  );
}
