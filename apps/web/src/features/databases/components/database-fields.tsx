import { DATABASE_LIMITS } from '@zpanel/contracts';
import { TextField } from '../../../components/text-field';
import { CheckboxField } from '../../../shared/applications/components/fields';

const { publicPort: port, cpuLimit, memoryLimitMb } = DATABASE_LIMITS;

interface TextBinding {
  value: string;
  onChange: (event: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => void;
}

interface PublicPortFieldsProps {
  published: boolean;
  onPublishedChange: (published: boolean) => void;
  port: string;
  onPortChange: (port: string) => void;
  /** The engine's port inside the container, suggested for the public one. */
  internalPort: number;
  error?: string;
  disabled?: boolean;
}

/**
 * Whether the engine is published on the server's public interfaces, and on which port. Off by
 * default, and said plainly when on: the database is then reachable from the internet.
 */
export function PublicPortFields({ published, onPublishedChange, port: value, onPortChange, internalPort, error, disabled }: PublicPortFieldsProps) {
  return (
    <fieldset className="databases__public" disabled={disabled}>
      <legend className="field__label">Public access</legend>
      <CheckboxField
        label="Reachable from the internet on a port of the server"
        checked={published}
        onChange={(event) => {
          onPublishedChange(event.target.checked);
          if (event.target.checked && value === '') onPortChange(String(internalPort));
        }}
      />
      {published && (
        <>
          <p className="databases__warning" role="note" data-testid="public-port-warning">
            Anyone on the internet can then try to connect to this port of the server; only the generated password protects the database. Leave it off
            unless something outside the server must connect, and prefer a firewall rule that lets in only the addresses that need it.
          </p>
          <TextField
            label="Public port"
            type="number"
            required
            min={port.min}
            max={port.max}
            value={value}
            onChange={(event) => onPortChange(event.target.value)}
            error={error}
            hint="A port free on the server; one per database."
          />
        </>
      )}
      {!published && error && <p className="field__error">{error}</p>}
    </fieldset>
  );
}

interface LimitFieldsProps {
  memoryLimitMb: TextBinding;
  cpuLimit: TextBinding;
  errors: Record<string, string>;
}

/** Memory and CPU limits of the container; empty is no limit. */
export function LimitFields({ memoryLimitMb: memory, cpuLimit: cpu, errors }: LimitFieldsProps) {
  return (
    <div className="applications__row">
      <TextField
        label="Memory limit (MiB)"
        type="number"
        min={memoryLimitMb.min}
        max={memoryLimitMb.max}
        placeholder="No limit"
        {...memory}
        error={errors.memoryLimitMb}
      />
      <TextField
        label="CPU limit (CPUs)"
        type="number"
        step="0.01"
        min={cpuLimit.min}
        max={cpuLimit.max}
        placeholder="No limit"
        {...cpu}
        error={errors.cpuLimit}
      />
    </div>
  );
}
