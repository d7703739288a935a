import { APPLICATION_LIMITS, BUILD_PACKS, HEALTH_CHECK_TYPES, RESTART_POLICIES, type SshKeyDto } from '@zpanel/contracts';
import { TextField, type TextFieldProps } from '../../../components/text-field';
import type { HealthCheckForm, RuntimeForm, SourceForm } from '../../../shared/applications/application-form';
import { BUILD_PACK_LABELS, RESTART_POLICY_LABELS } from '../../../shared/applications/labels';
import { SelectField } from '../../../components/select-field';

type Errors = Record<string, string | undefined>;

type TextKeys<T> = { [K in keyof T]: T[K] extends string ? K : never }[keyof T];

/** `set(field, value)` of a group's form, and `bind(field)` for the text inputs of its string fields. */
function groupForm<T>(value: T, onChange: (next: T) => void) {
  const set = <K extends keyof T>(field: K, next: T[K]) => onChange({ ...value, [field]: next });
  const bind = (field: TextKeys<T>) => ({
    value: value[field] as string,
    onChange: (event: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => set(field, event.target.value as T[typeof field]),
  });
  return { set, bind };
}

/** A number input within limits the API enforces too. */
function LimitField({ limits, ...input }: Omit<TextFieldProps, 'type' | 'min' | 'max'> & { limits: { min: number; max: number } }) {
  return <TextField type="number" min={limits.min} max={limits.max} {...input} />;
}

/** The port the container listens on. */
export function PortField(input: Omit<TextFieldProps, 'label'>) {
  return <LimitField label="Port" required limits={APPLICATION_LIMITS.port} hint="The port the container listens on." {...input} />;
}

interface GroupProps<T> {
  value: T;
  onChange: (next: T) => void;
  errors: Errors;
  disabled?: boolean;
}

/** Build pack, and what it needs: a repository to build, or an image to run. */
export function SourceFields({ value, onChange, errors, disabled, sshKeys }: GroupProps<SourceForm> & { sshKeys: readonly SshKeyDto[] }) {
  const { set, bind } = groupForm(value, onChange);
  return (
    <fieldset className="applications__group" disabled={disabled}>
      <legend className="applications__legend">Source</legend>
      <div className="applications__choices" role="radiogroup" aria-label="Build pack">
        {BUILD_PACKS.map((pack) => (
          <label key={pack} className="applications__check">
            <input type="radio" name="build-pack" value={pack} checked={value.buildPack === pack} onChange={() => set('buildPack', pack)} />
            {BUILD_PACK_LABELS[pack]}
          </label>
        ))}
      </div>
      {errors.buildPack && <p className="field__error">{errors.buildPack}</p>}
      {value.buildPack === 'dockerfile' ? (
        <>
          <TextField
            label="Git repository URL"
            required
            placeholder="https://github.com/acme/shop.git"
            {...bind('gitUrl')}
            error={errors.gitUrl}
            hint="https://, http://, ssh:// or user@host:path, without credentials."
          />
          <TextField label="Branch" required placeholder="main" {...bind('gitBranch')} error={errors.gitBranch} />
          <SelectField
            label="Deploy key"
            {...bind('deployKeyId')}
            error={errors.deployKeyId}
            hint="For a private repository: an SSH key of the team whose public key the repository accepts."
          >
            <option value="">None (public repository)</option>
            {sshKeys.map((key) => (
              <option key={key.id} value={key.id}>
                {key.name} ({key.fingerprint})
              </option>
            ))}
          </SelectField>
          <div className="applications__row">
            <TextField label="Dockerfile path" {...bind('dockerfilePath')} error={errors.dockerfilePath} hint="Relative to the base directory." />
            <TextField
              label="Build target (optional)"
              placeholder="runtime"
              {...bind('buildTarget')}
              error={errors.buildTarget}
              hint="A stage of a multi-stage Dockerfile."
            />
            <TextField
              label="Base directory"
              {...bind('baseDirectory')}
              error={errors.baseDirectory}
              hint="The build context inside the repository."
            />
          </div>
        </>
      ) : (
        <TextField
          label="Image reference"
          required
          placeholder="ghcr.io/acme/shop:1.4.2"
          {...bind('imageReference')}
          error={errors.imageReference}
          hint="Pulled by the server when it does not have it yet."
        />
      )}
    </fieldset>
  );
}

const { healthCheck: hc } = APPLICATION_LIMITS;

/** How a new container proves it is ready before traffic moves to it; there is no "off". */
export function HealthCheckFields({ value, onChange, errors, disabled }: GroupProps<HealthCheckForm>) {
  const { set, bind } = groupForm(value, onChange);
  return (
    <fieldset className="applications__group" disabled={disabled}>
      <legend className="applications__legend">Health check</legend>
      <div className="applications__choices" role="radiogroup" aria-label="Health check type">
        {HEALTH_CHECK_TYPES.map((type) => (
          <label key={type} className="applications__check">
            <input type="radio" name="health-check-type" value={type} checked={value.type === type} onChange={() => set('type', type)} />
            {type === 'tcp' ? 'TCP: the port accepts connections' : 'HTTP: a path answers 2xx or 3xx'}
          </label>
        ))}
      </div>
      {errors['healthCheck.type'] && <p className="field__error">{errors['healthCheck.type']}</p>}
      {value.type === 'http' && <TextField label="Path" required placeholder="/healthz" {...bind('path')} error={errors['healthCheck.path']} />}
      <div className="applications__row">
        <LimitField
          label="Start period (s)"
          limits={hc.startPeriodSeconds}
          {...bind('startPeriodSeconds')}
          error={errors['healthCheck.startPeriodSeconds']}
          hint="Wait before the first try."
        />
        <LimitField label="Interval (s)" limits={hc.intervalSeconds} {...bind('intervalSeconds')} error={errors['healthCheck.intervalSeconds']} />
        <LimitField label="Timeout (s)" limits={hc.timeoutSeconds} {...bind('timeoutSeconds')} error={errors['healthCheck.timeoutSeconds']} />
        <LimitField label="Retries" limits={hc.retries} {...bind('retries')} error={errors['healthCheck.retries']} />
      </div>
    </fieldset>
  );
}

const { cpuLimit, memoryLimitMb, stopGraceSeconds, keepImages } = APPLICATION_LIMITS;

/** Restart policy, limits, stop grace period and how many images are kept for rollback. */
export function RuntimeFields({ value, onChange, errors, disabled }: GroupProps<RuntimeForm>) {
  const { set, bind } = groupForm(value, onChange);
  return (
    <fieldset className="applications__group" disabled={disabled}>
      <legend className="applications__legend">Runtime</legend>
      <SelectField
        label="Restart policy"
        value={value.restartPolicy}
        onChange={(event) => set('restartPolicy', event.target.value as RuntimeForm['restartPolicy'])}
        error={errors.restartPolicy}
      >
        {RESTART_POLICIES.map((policy) => (
          <option key={policy} value={policy}>
            {RESTART_POLICY_LABELS[policy]}
          </option>
        ))}
      </SelectField>
      <div className="applications__row">
        <LimitField label="CPU limit (CPUs)" step="0.01" limits={cpuLimit} placeholder="No limit" {...bind('cpuLimit')} error={errors.cpuLimit} />
        <LimitField
          label="Memory limit (MiB)"
          limits={memoryLimitMb}
          placeholder="No limit"
          {...bind('memoryLimitMb')}
          error={errors.memoryLimitMb}
        />
      </div>
      <div className="applications__row">
        <LimitField
          label="Stop grace period (s)"
          limits={stopGraceSeconds}
          {...bind('stopGraceSeconds')}
          error={errors.stopGraceSeconds}
          hint="How long the old container may finish its requests when it is stopped."
        />
        <LimitField
          label="Images kept"
          limits={keepImages}
          {...bind('keepImages')}
          error={errors.keepImages}
          hint="Previous images kept on the server for an instant rollback."
        />
      </div>
    </fieldset>
  );
}
