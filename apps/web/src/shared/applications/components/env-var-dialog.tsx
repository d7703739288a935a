import type { EnvVarDto } from '@zpanel/contracts';
import { useState } from 'react';
import { FormDialog } from '../../../components/form-dialog';
import { TextField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import type { EnvOwner } from '../api';
import { ENV_SCOPE_TEXTS } from '../labels';
import { useUpsertEnvVar } from '../mutations';
import { CheckboxField, TextAreaField } from './fields';
import { bindText } from '../../../components/field';

interface EnvVarDialogProps {
  teamId: string;
  owner: EnvOwner;
  /** The variable edited; absent: a new one (`key` may suggest its name, e.g. to override a shared one). */
  editing?: EnvVarDto;
  suggestedKey?: string;
  onClose: () => void;
}

const FIELDS = ['key', 'value', 'buildTime', 'runtime'];

/** Adds or changes one variable. Values are taken byte-exact: quotes, `$`, `#` and line breaks included. */
export function EnvVarDialog({ teamId, owner, editing, suggestedKey = '', onClose }: EnvVarDialogProps) {
  const upsert = useUpsertEnvVar(teamId, owner);
  const [key, setKey] = useState(editing?.key ?? suggestedKey);
  const [value, setValue] = useState(editing?.value ?? '');
  const [buildTime, setBuildTime] = useState(editing?.buildTime ?? false);
  const [runtime, setRuntime] = useState(editing?.runtime ?? true);
  const errors = fieldErrors(upsert.error);
  const neither = !buildTime && !runtime;

  const submit = () => {
    if (neither) return;
    upsert.mutate({ key: key.trim(), value, buildTime, runtime }, { onSuccess: onClose });
  };

  return (
    <FormDialog
      title={editing ? `Edit ${editing.key}` : 'Add variable'}
      description={ENV_SCOPE_TEXTS[owner.scope].ownVariable}
      formLabel={editing ? 'Edit variable' : 'Add variable'}
      onSubmit={submit}
      onClose={onClose}
      submission={upsert}
      fields={FIELDS}
      submitLabel="Save"
      pendingLabel="Saving…"
      disabled={neither}
    >
      <TextField
        label="Key"
        required
        maxLength={256}
        placeholder="DATABASE_URL"
        value={key}
        readOnly={Boolean(editing)}
        onChange={(event) => setKey(event.target.value)}
        error={errors.key}
        hint="Letters, digits and _, not starting with a digit."
      />
      <TextAreaField
        label="Value"
        rows={4}
        {...bindText(value, setValue)}
        error={errors.value}
        hint="Stored encrypted. Quotes, $ and line breaks reach the container as typed."
      />
      <div className="applications__checks">
        <CheckboxField
          label="Available at build time (build argument)"
          checked={buildTime}
          onChange={(event) => setBuildTime(event.target.checked)}
        />
        <CheckboxField label="Available at run time" checked={runtime} onChange={(event) => setRuntime(event.target.checked)} />
      </div>
      {(neither || errors.runtime || errors.buildTime) && (
        <p className="field__error">{errors.runtime ?? errors.buildTime ?? 'A variable must be available at build time, at run time, or both.'}</p>
      )}
    </FormDialog>
  );
}
