import { APPLICATION_LIMITS, BUILD_PACKS, HEALTH_CHECK_TYPES, RESTART_POLICIES, type SshKeyDto } from '@zpanel/contracts';
import { TextField } from '../../../components/text-field';
import type { HealthCheckForm, RuntimeForm, SourceForm } from '../../../shared/applications/application-form';
import { BUILD_PACK_LABELS, RESTART_POLICY_LABELS } from '../../../shared/applications/labels';
import { SelectField } from '../../../components/select-field';

type Errors = Record<string, string | undefined>;

interface GroupProps<T> {
  value: T;
  onChange: (next: T) => void;
  errors: Errors;
  disabled?: boolean;
}

/** Build pack, and what it needs: a repository to build, or an image to run. */
export function SourceFields({ value, onChange, errors, disabled, sshKeys }: GroupProps<SourceForm> & { sshKeys: readonly SshKeyDto[] }) {
  const set = <K extends keyof SourceForm>(field: K, next: SourceForm[K]) => onChange({ ...value, [field]: next });
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
            value={value.gitUrl}
            onChange={(event) => set('gitUrl', event.target.value)}
            error={errors.gitUrl}
            hint="https://, http://, ssh:// or user@host:path, without credentials."
          />
          <TextField
            label="Branch"
            required
            placeholder="main"
            value={value.gitBranch}
            onChange={(event) => set('gitBranch', event.target.value)}
            error={errors.gitBranch}
          />
          <SelectField
            label="Deploy key"
            value={value.deployKeyId}
            onChange={(event) => set('deployKeyId', event.target.value)}
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
            <TextField
              label="Dockerfile path"
              value={value.dockerfilePath}
              onChange={(event) => set('dockerfilePath', event.target.value)}
              error={errors.dockerfilePath}
              hint="Relative to the base directory."
            />
            <TextField
              label="Build target (optional)"
              placeholder="runtime"
              value={value.buildTarget}
              onChange={(event) => set('buildTarget', event.target.value)}
              error={errors.buildTarget}
              hint="A stage of a multi-stage Dockerfile."
            />
            <TextField
              label="Base directory"
              value={value.baseDirectory}
              onChange={(event) => set('baseDirectory', event.target.value)}
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
          value={value.imageReference}
          onChange={(event) => set('imageReference', event.target.value)}
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
  const set = <K extends keyof HealthCheckForm>(field: K, next: HealthCheckForm[K]) => onChange({ ...value, [field]: next });
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
      {value.type === 'http' && (
        <TextField
          label="Path"
          required
          placeholder="/healthz"
          value={value.path}
          onChange={(event) => set('path', event.target.value)}
          error={errors['healthCheck.path']}
        />
      )}
      <div className="applications__row">
        <TextField
          label="Start period (s)"
          type="number"
          min={hc.startPeriodSeconds.min}
          max={hc.startPeriodSeconds.max}
          value={value.startPeriodSeconds}
          onChange={(event) => set('startPeriodSeconds', event.target.value)}
          error={errors['healthCheck.startPeriodSeconds']}
          hint="Wait before the first try."
        />
        <TextField
          label="Interval (s)"
          type="number"
          min={hc.intervalSeconds.min}
          max={hc.intervalSeconds.max}
          value={value.intervalSeconds}
          onChange={(event) => set('intervalSeconds', event.target.value)}
          error={errors['healthCheck.intervalSeconds']}
        />
        <TextField
          label="Timeout (s)"
          type="number"
          min={hc.timeoutSeconds.min}
          max={hc.timeoutSeconds.max}
          value={value.timeoutSeconds}
          onChange={(event) => set('timeoutSeconds', event.target.value)}
          error={errors['healthCheck.timeoutSeconds']}
        />
        <TextField
          label="Retries"
          type="number"
          min={hc.retries.min}
          max={hc.retries.max}
          value={value.retries}
          onChange={(event) => set('retries', event.target.value)}
          error={errors['healthCheck.retries']}
        />
      </div>
    </fieldset>
  );
}

const { cpuLimit, memoryLimitMb, stopGraceSeconds, keepImages } = APPLICATION_LIMITS;

/** Restart policy, limits, stop grace period and how many images are kept for rollback. */
export function RuntimeFields({ value, onChange, errors, disabled }: GroupProps<RuntimeForm>) {
  const set = <K extends keyof RuntimeForm>(field: K, next: RuntimeForm[K]) => onChange({ ...value, [field]: next });
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
        <TextField
          label="CPU limit (CPUs)"
          type="number"
          step="0.01"
          min={cpuLimit.min}
          max={cpuLimit.max}
          placeholder="No limit"
          value={value.cpuLimit}
          onChange={(event) => set('cpuLimit', event.target.value)}
          error={errors.cpuLimit}
        />
        <TextField
          label="Memory limit (MiB)"
          type="number"
          min={memoryLimitMb.min}
          max={memoryLimitMb.max}
          placeholder="No limit"
          value={value.memoryLimitMb}
          onChange={(event) => set('memoryLimitMb', event.target.value)}
          error={errors.memoryLimitMb}
        />
      </div>
      <div className="applications__row">
        <TextField
          label="Stop grace period (s)"
          type="number"
          min={stopGraceSeconds.min}
          max={stopGraceSeconds.max}
          value={value.stopGraceSeconds}
          onChange={(event) => set('stopGraceSeconds', event.target.value)}
          error={errors.stopGraceSeconds}
          hint="How long the old container may finish its requests when it is stopped."
        />
        <TextField
          label="Images kept"
          type="number"
          min={keepImages.min}
          max={keepImages.max}
          value={value.keepImages}
          onChange={(event) => set('keepImages', event.target.value)}
          error={errors.keepImages}
          hint="Previous images kept on the server for an instant rollback."
        />
      </div>
    </fieldset>
  );
}
