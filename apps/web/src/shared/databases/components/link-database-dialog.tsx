import { DATABASE_REFERENCE_VARIABLES, type DatabaseDto, type DatabaseReferenceVariable } from '@zpanel/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { ChoicesDialog } from '../../../components/choices-dialog';
import { FormDialog } from '../../../components/form-dialog';
import { SelectField } from '../../../components/select-field';
import { TextField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import type { EnvOwner } from '../../applications/api';
import { useUpsertEnvVar } from '../../applications/mutations';
import { ENGINE_LABELS, REFERENCE_VARIABLE_HINTS, databaseReference, suggestedReferenceKey } from '../labels';
import { DATABASE_CHOICES_PER_PAGE, useDatabases } from '../queries';
import '../databases.css';

interface LinkDatabaseDialogProps {
  teamId: string;
  /** Whose variable is set: an application's own, or its environment's shared ones. */
  owner: EnvOwner;
  /** The environment whose databases may be referenced (an application's own). */
  environmentId: string;
  /** Where the environment's databases are listed and created. */
  projectHref: string;
  /** Keys the owner already has: saving one of them replaces its value, which the dialog says. */
  existingKeys: readonly string[];
  onClose: () => void;
}

const FIELDS = ['key', 'value', 'buildTime', 'runtime'];

/**
 * Sets a variable to a reference to a database of the environment (`${{ main-db.DATABASE_URL }}`),
 * resolved when the application is deployed: the password never passes through the browser, and a
 * rotated password reaches the application with its next deployment.
 */
export function LinkDatabaseDialog({ teamId, owner, environmentId, projectHref, existingKeys, onClose }: LinkDatabaseDialogProps) {
  const databases = useDatabases(teamId, environmentId, 1, DATABASE_CHOICES_PER_PAGE);
  const upsert = useUpsertEnvVar(teamId, owner);
  const [databaseId, setDatabaseId] = useState('');
  const [variable, setVariable] = useState<DatabaseReferenceVariable>('DATABASE_URL');
  /** Undefined until the user types a key: until then it follows the database and variable chosen. */
  const [typedKey, setTypedKey] = useState<string>();

  if (databases.isPending || databases.isError || databases.data.items.length === 0) {
    return (
      <ChoicesDialog title="Link a database" query={databases} lines={3} onClose={onClose}>
        <div className="empty-state" data-testid="link-database-empty">
          This environment has no databases yet. <Link to={projectHref}>Create one on the project page</Link>, then link it here.
        </div>
      </ChoicesDialog>
    );
  }

  const choices: DatabaseDto[] = databases.data.items;
  const database = choices.find((d) => d.id === databaseId) ?? choices[0];
  const key = typedKey ?? suggestedReferenceKey(database.engine, variable);
  const value = databaseReference(database.name, variable);
  const errors = fieldErrors(upsert.error);
  const replaces = existingKeys.includes(key.trim());

  return (
    <FormDialog
      title="Link a database"
      description="Sets a variable to a reference that Zpanel fills in with the database's connection details at each deployment."
      formLabel="Link a database"
      onSubmit={() => upsert.mutate({ key: key.trim(), value, buildTime: false, runtime: true }, { onSuccess: onClose })}
      onClose={onClose}
      submission={upsert}
      fields={FIELDS}
      submitLabel={replaces ? 'Replace variable' : 'Add variable'}
      pendingLabel="Saving…"
    >
      <SelectField label="Database" value={database.id} onChange={(event) => setDatabaseId(event.target.value)}>
        {choices.map((choice) => (
          <option key={choice.id} value={choice.id}>
            {choice.name} ({ENGINE_LABELS[choice.engine]})
          </option>
        ))}
      </SelectField>
      <fieldset className="databases__variables">
        <legend className="field__label">What the variable holds</legend>
        {DATABASE_REFERENCE_VARIABLES.map((choice) => (
          <label key={choice} className="databases__variable">
            <input type="radio" name="reference-variable" value={choice} checked={choice === variable} onChange={() => setVariable(choice)} />
            <code>{choice}</code>
            <span className="muted">{REFERENCE_VARIABLE_HINTS[choice]}</span>
          </label>
        ))}
      </fieldset>
      <TextField
        label="Variable name"
        required
        maxLength={256}
        value={key}
        onChange={(event) => setTypedKey(event.target.value)}
        error={errors.key}
        hint={replaces ? `Replaces the current value of ${key.trim()}.` : 'Letters, digits and _, not starting with a digit.'}
      />
      <div className="field">
        <span className="field__label">Value</span>
        <code className="databases__reference" data-testid="link-database-value">
          {value}
        </code>
        {errors.value && <p className="field__error">{errors.value}</p>}
      </div>
    </FormDialog>
  );
}
