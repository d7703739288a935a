import { APPLICATION_LIMITS, type ApplicationDto } from '@zpanel/contracts';
import { useState } from 'react';
import { Form } from '../../../components/form';
import { FormActions } from '../../../components/form-actions';
import { TextField } from '../../../components/text-field';
import { fieldMessages } from '../../../shared/applications/application-form';
import { CheckboxField } from '../../../shared/applications/components/fields';
import { useUpdateApplication } from '../../../shared/applications/mutations';
import { previewHost } from '../labels';
import { bindText } from '../../../components/field';

interface PreviewSettingsFormProps {
  application: ApplicationDto;
  teamId: string;
  /** Why the caller cannot change the application (undefined: they can). */
  writeRefusal?: string;
}

const FIELDS = ['previewsEnabled', 'previewDomain', 'previewForks'];

/** A domain as the API should get it: trimmed, lower-case; empty is none. */
const domainOrNull = (text: string) => text.trim().toLowerCase() || null;

/** Whether pull requests deploy previews, where they answer, and whether forks may. */
export function PreviewSettingsForm({ application, teamId, writeRefusal }: PreviewSettingsFormProps) {
  const update = useUpdateApplication(teamId, application.id);
  const [enabled, setEnabled] = useState(application.previewsEnabled);
  const [domain, setDomain] = useState(application.previewDomain ?? '');
  const [forks, setForks] = useState(application.previewForks);
  const errors = fieldMessages(update.error);
  const disabled = Boolean(writeRefusal);
  const shownDomain = domainOrNull(domain) ?? 'preview.example.com';

  const submit = () => {
    update.mutate(
      { previewsEnabled: enabled, previewDomain: domainOrNull(domain), previewForks: forks },
      {
        onSuccess: (saved) => {
          setEnabled(saved.previewsEnabled);
          setDomain(saved.previewDomain ?? '');
          setForks(saved.previewForks);
        },
      },
    );
  };

  return (
    <Form className="applications__form" label="Preview settings" onSubmit={submit}>
      <fieldset className="applications__group" disabled={disabled}>
        <div className="field">
          <CheckboxField
            label="Deploy previews of pull requests"
            checked={enabled}
            onChange={(event) => setEnabled(event.target.checked)}
            aria-invalid={errors.previewsEnabled ? true : undefined}
          />
          {errors.previewsEnabled ? (
            <p className="field__error">{errors.previewsEnabled}</p>
          ) : (
            <p className="field__hint">
              A pull request opened or updated against {application.gitBranch ?? 'the application’s branch'} deploys its own copy of the application;
              closing or merging it removes the preview (at most {APPLICATION_LIMITS.previews.max} at a time). Turning previews off removes the open
              ones; a new preview domain moves them.
            </p>
          )}
        </div>
        <TextField
          label="Preview domain"
          placeholder="preview.example.com"
          maxLength={253}
          autoCapitalize="off"
          spellCheck={false}
          {...bindText(domain, setDomain)}
          error={errors.previewDomain}
          hint={`A wildcard DNS record *.${shownDomain} must point at the server. Pull request #12 then answers at ${previewHost(12, shownDomain)}.`}
        />
        <div className="field">
          <CheckboxField
            label="Also deploy pull requests from forks"
            checked={forks}
            onChange={(event) => setForks(event.target.checked)}
            aria-invalid={errors.previewForks ? true : undefined}
          />
          {errors.previewForks ? (
            <p className="field__error">{errors.previewForks}</p>
          ) : (
            <p className={forks ? 'previews__warning' : 'field__hint'} data-testid="preview-forks-warning">
              Anyone who can fork the repository then runs their code on your server, with the preview variables below (and the application’s and
              environment’s variables they do not override). Leave it off unless you trust every contributor, or those variables hold nothing secret.
            </p>
          )}
        </div>
      </fieldset>
      <FormActions submission={update} fields={FIELDS} savedMessage="Saved." submitLabel="Save preview settings" refusal={writeRefusal} />
    </Form>
  );
}
