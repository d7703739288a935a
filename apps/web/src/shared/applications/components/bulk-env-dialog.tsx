import type { EnvVarDto } from '@zpanel/contracts';
import { useState } from 'react';
import { FormDialog } from '../../../components/form-dialog';
import type { EnvOwner } from '../api';
import { errorsByField } from '../application-form';
import { formatDotenv, lineOfProblem } from '../dotenv';
import { ENV_SCOPE_TEXTS } from '../labels';
import { useReplaceEnvVars } from '../mutations';
import { CheckboxField, TextAreaField } from './fields';
import { bindText } from '../../../components/field';

interface BulkEnvDialogProps {
  teamId: string;
  owner: EnvOwner;
  /** The owner's own variables now (values readable: only writers get here, and they may read them). */
  current: readonly EnvVarDto[];
  onClose: () => void;
}

/**
 * Edits the owner's variables as one `.env` text. Saving replaces them all: keys left out are
 * deleted. Any problem refuses the whole text and each is listed, with its line.
 */
export function BulkEnvDialog({ teamId, owner, current, onClose }: BulkEnvDialogProps) {
  const replace = useReplaceEnvVars(teamId, owner);
  const [text, setText] = useState(() => formatDotenv(current));
  // A new text has one set of flags; start from what most variables have now.
  const [buildTime, setBuildTime] = useState(() => current.length > 0 && current.every((v) => v.buildTime));
  const [runtime, setRuntime] = useState(() => current.length === 0 || current.some((v) => v.runtime));
  const problems = errorsByField(replace.error);
  const lines = text.split(/\r\n?|\n/);
  const dotenvProblems = (problems.dotenv ?? []).map((message) => {
    const located = lineOfProblem(message);
    if (!located) return message;
    const shown = (lines[located.line - 1] ?? '').trim();
    return `Line ${located.line}${shown ? ` (${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown})` : ''}: ${located.message}`;
  });
  const neither = !buildTime && !runtime;

  const submit = () => {
    if (neither) return;
    replace.mutate({ dotenv: text, buildTime, runtime }, { onSuccess: onClose });
  };

  return (
    <FormDialog
      title="Edit as .env"
      description={`One KEY=value per line; # starts a comment; quote values with spaces or line breaks. Saving replaces ${ENV_SCOPE_TEXTS[owner.scope].replaced}: a key you remove is deleted.`}
      formLabel="Edit as .env"
      onSubmit={submit}
      onClose={onClose}
      submission={replace}
      fields={['dotenv', 'runtime', 'buildTime']}
      submitLabel="Replace variables"
      pendingLabel="Saving…"
      disabled={neither}
    >
      <TextAreaField label=".env" rows={14} {...bindText(text, setText)} errors={dotenvProblems} />
      <div className="applications__checks">
        <CheckboxField label="Available at build time" checked={buildTime} onChange={(event) => setBuildTime(event.target.checked)} />
        <CheckboxField label="Available at run time" checked={runtime} onChange={(event) => setRuntime(event.target.checked)} />
      </div>
      <p className={neither || problems.runtime ? 'field__error' : 'field__hint'}>
        {problems.runtime?.[0] ??
          (neither ? 'A variable must be available at build time, at run time, or both.' : 'These apply to every variable of the text.')}
      </p>
    </FormDialog>
  );
}
