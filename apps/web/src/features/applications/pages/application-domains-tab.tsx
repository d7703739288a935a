import { APPLICATION_LIMITS } from '@zpanel/contracts';
import { useState } from 'react';
import { FormActions } from '../../../components/form-actions';
import { DomainLinks } from '../components/domain-links';
import { Form } from '../../../components/form';
import { errorsByField, parseDomains, shownFields } from '../../../shared/applications/application-form';
import { useApplicationOutlet } from '../../../shared/applications/application-outlet';
import { TextAreaField } from '../../../shared/applications/components/fields';
import { useUpdateApplication } from '../../../shared/applications/mutations';
import { bindText } from '../../../components/field';

/** The names the proxy routes to the application; each unique on the whole instance. */
export function ApplicationDomainsTab() {
  const { application, teamId, writeRefusal } = useApplicationOutlet();
  const update = useUpdateApplication(teamId, application.id);
  const [text, setText] = useState(application.domains.join('\n'));
  const domains = parseDomains(text);

  const submit = () => {
    update.mutate({ domains }, { onSuccess: (saved) => setText(saved.domains.join('\n')) });
  };

  return (
    <section className="panel panel--padded" aria-label="Domains">
      <h2 className="applications__heading">Domains</h2>
      <p className="muted">
        Point each name&apos;s DNS at the server; its proxy sends the requests to port {application.port} of the application. The application keeps
        serving while the proxy is updated.
      </p>
      {application.domains.length > 0 && <DomainLinks domains={application.domains} />}
      <Form className="applications__form" label="Domains" onSubmit={submit}>
        <fieldset className="applications__group" disabled={Boolean(writeRefusal)}>
          <TextAreaField
            label="Domains"
            rows={5}
            placeholder={'shop.example.com\nwww.shop.example.com'}
            {...bindText(text, setText)}
            errors={errorsByField(update.error, domains).domains}
            hint={`One per line, at most ${APPLICATION_LIMITS.domains.max}. An empty list removes every route.`}
          />
        </fieldset>
        <FormActions
          submission={update}
          fields={shownFields(update.error, ['domains'])}
          savedMessage="Saved."
          submitLabel="Save domains"
          refusal={writeRefusal}
        />
      </Form>
    </section>
  );
}
