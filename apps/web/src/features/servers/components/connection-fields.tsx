import { CHECK_INTERVAL_LIMITS, POSIX_USER_PATTERN, SERVER_NAME_PATTERN } from '@zpanel/contracts';
import { useTextForm } from '../../../components/field';
import { TextField } from '../../../components/text-field';
import { CHECK_INTERVAL_HINT, parseCheckInterval } from '../../../shared/servers/labels';

export interface ConnectionForm {
  name: string;
  host: string;
  port: string;
  user: string;
  description: string;
  checkInterval: string;
}

/**
 * How to reach a server and how often to check it, with the problems the form sees before the
 * API does. `adding`: a new server, whose empty name and user are not problems yet.
 */
export function useConnectionForm(initial: ConnectionForm, adding: boolean) {
  const { form, setForm, bind } = useTextForm(initial);
  const { name, user, port } = form;
  const portNumber = Number(port);
  const interval = parseCheckInterval(form.checkInterval);
  const hints = {
    name:
      (!adding || name) && !SERVER_NAME_PATTERN.test(name)
        ? 'Lowercase letters, digits and dashes, starting with a letter or digit (at most 63).'
        : undefined,
    user:
      (!adding || user) && !POSIX_USER_PATTERN.test(user)
        ? 'A POSIX user name: lowercase letters, digits, _ and -, starting with a letter or _.'
        : undefined,
    port: Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65_535 ? undefined : 'A port from 1 to 65535.',
    checkInterval: interval.error,
  };
  const invalid = Boolean(hints.name || hints.user || hints.port || hints.checkInterval);
  const setName = (value: string) => setForm((current) => ({ ...current, name: value.toLowerCase() }));
  return { form, bind, setName, hints, invalid, portNumber, interval, adding };
}

interface ConnectionFieldsProps {
  connection: ReturnType<typeof useConnectionForm>;
  /** The API's problems, by field. */
  errors: Partial<Record<string, string>>;
  /** Adding a server: the key whose public half the user must install. */
  keyName?: string;
  /** Between the user and the description, e.g. the key to connect with. */
  children?: React.ReactNode;
}

/** Name, host, port, user, description and check interval of a server. */
export function ConnectionFields({ connection, errors, keyName, children }: ConnectionFieldsProps) {
  const { form, bind, setName, hints, adding } = connection;
  const optional = adding ? ', optional' : '';
  return (
    <>
      <TextField
        label="Name"
        required
        maxLength={63}
        placeholder={adding ? 'web-1' : undefined}
        value={form.name}
        onChange={(event) => setName(event.target.value)}
        error={errors.name ?? hints.name}
        hint={adding ? 'Lowercase letters, digits and dashes.' : undefined}
      />
      <TextField
        label="Host"
        required
        maxLength={253}
        placeholder={adding ? '203.0.113.10 or web-1.example.com' : undefined}
        {...bind('host')}
        error={errors.host}
      />
      <TextField
        label="Port"
        required
        type="number"
        min={1}
        max={65_535}
        {...bind('port')}
        error={errors.port ?? (adding && !form.port ? undefined : hints.port)}
      />
      <TextField
        label="User"
        required
        maxLength={32}
        {...bind('user')}
        error={errors.user ?? hints.user}
        hint={keyName && `Add the public key of ${keyName} to ~${form.user || 'root'}/.ssh/authorized_keys on the server.`}
      />
      {children}
      <TextField label={adding ? 'Description (optional)' : 'Description'} maxLength={500} {...bind('description')} error={errors.description} />
      <TextField
        label={`Check interval (seconds${optional})`}
        type="number"
        min={CHECK_INTERVAL_LIMITS.min}
        max={CHECK_INTERVAL_LIMITS.max}
        placeholder={adding ? '60' : undefined}
        {...bind('checkInterval')}
        error={errors.checkIntervalSeconds ?? hints.checkInterval}
        hint={CHECK_INTERVAL_HINT}
      />
    </>
  );
}
