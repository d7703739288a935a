import { COMMAND_MAX_LENGTH, COMMAND_TIMEOUT_SECONDS, type CreateCommandRunRequest } from '@zpanel/contracts';
import { useId, useState } from 'react';
import { FormFailure } from '../../../components/form-failure';
import { ApiError } from '../../../lib/api-client';

interface CommandFormProps {
  /** Why the caller may not run commands; the form is shown switched off with this reason. */
  refusal?: string;
  pending: boolean;
  error: unknown;
  onRun: (request: CreateCommandRunRequest, done: () => void) => void;
}

function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.errors.find((e) => e.field === field)?.message : undefined;
}

/** What the admin types: Enter runs it, Shift+Enter starts a new line; the timeout is optional. */
export function CommandForm({ refusal, pending, error, onRun }: CommandFormProps) {
  const [command, setCommand] = useState('');
  const [timeout, setTimeoutSeconds] = useState(String(COMMAND_TIMEOUT_SECONDS.default));
  const [problem, setProblem] = useState<{ field: 'command' | 'timeoutSeconds'; message: string }>();
  const commandId = useId();
  const timeoutId = useId();
  const disabled = Boolean(refusal) || pending;

  const submit = () => {
    if (disabled) return;
    const seconds = Number(timeout);
    if (command.trim() === '') return setProblem({ field: 'command', message: 'Type a command to run' });
    if ([...command].length > COMMAND_MAX_LENGTH) return setProblem({ field: 'command', message: `At most ${COMMAND_MAX_LENGTH} characters` });
    if (!Number.isInteger(seconds) || seconds < COMMAND_TIMEOUT_SECONDS.min || seconds > COMMAND_TIMEOUT_SECONDS.max) {
      return setProblem({
        field: 'timeoutSeconds',
        message: `A whole number of seconds from ${COMMAND_TIMEOUT_SECONDS.min} to ${COMMAND_TIMEOUT_SECONDS.max}`,
      });
    }
    setProblem(undefined);
    onRun({ command, timeoutSeconds: seconds }, () => setCommand(''));
  };

  const commandError = problem?.field === 'command' ? problem.message : fieldError(error, 'command');
  const timeoutError = problem?.field === 'timeoutSeconds' ? problem.message : fieldError(error, 'timeoutSeconds');

  return (
    <form
      className="command-form"
      aria-label="Run a command"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <div className="field command-form__command">
        <label className="field__label" htmlFor={commandId}>
          Command
        </label>
        <textarea
          id={commandId}
          className="input command-form__input"
          rows={2}
          spellCheck={false}
          autoComplete="off"
          placeholder={refusal ? undefined : 'df -h /'}
          value={command}
          disabled={Boolean(refusal)}
          title={refusal}
          aria-invalid={commandError ? true : undefined}
          aria-describedby={`${commandId}-note`}
          onChange={(event) => setCommand(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              submit();
            }
          }}
        />
        <p id={`${commandId}-note`} className={commandError ? 'field__error' : 'field__hint'}>
          {commandError ?? (refusal ? `${refusal}.` : 'Runs with sh -c as the server’s SSH user. Enter runs it, Shift+Enter adds a line.')}
        </p>
      </div>
      <div className="field command-form__timeout">
        <label className="field__label" htmlFor={timeoutId}>
          Timeout (seconds)
        </label>
        <input
          id={timeoutId}
          className="input"
          type="number"
          inputMode="numeric"
          min={COMMAND_TIMEOUT_SECONDS.min}
          max={COMMAND_TIMEOUT_SECONDS.max}
          value={timeout}
          disabled={Boolean(refusal)}
          aria-invalid={timeoutError ? true : undefined}
          aria-describedby={timeoutError ? `${timeoutId}-note` : undefined}
          onChange={(event) => setTimeoutSeconds(event.target.value)}
        />
        {timeoutError && (
          <p id={`${timeoutId}-note`} className="field__error">
            {timeoutError}
          </p>
        )}
      </div>
      <button type="submit" className="button command-form__run" disabled={disabled} title={refusal}>
        {pending ? 'Starting…' : 'Run'}
      </button>
      <div className="command-form__failure">
        <FormFailure error={error} fields={['command', 'timeoutSeconds']} />
      </div>
    </form>
  );
}
