import {
  APPLICATION_DEFAULTS,
  type ApplicationDto,
  type BuildPack,
  type CreateApplicationRequest,
  type HealthCheckSettings,
  type HealthCheckType,
  type RestartPolicy,
} from '@zpanel/contracts';
import { ApiError } from '../../lib/api-client';

/**
 * Form state of an application's settings. Numbers stay the text typed until submitted, so a
 * half-typed value is not rewritten under the cursor; the API validates and names the field.
 */
export interface SourceForm {
  buildPack: BuildPack;
  gitUrl: string;
  gitBranch: string;
  /** '' for none. */
  deployKeyId: string;
  dockerfilePath: string;
  buildTarget: string;
  baseDirectory: string;
  imageReference: string;
}

export interface HealthCheckForm {
  type: HealthCheckType;
  path: string;
  startPeriodSeconds: string;
  intervalSeconds: string;
  timeoutSeconds: string;
  retries: string;
}

export interface RuntimeForm {
  restartPolicy: RestartPolicy;
  /** '' for no limit. */
  cpuLimit: string;
  memoryLimitMb: string;
  stopGraceSeconds: string;
  keepImages: string;
}

export const EMPTY_SOURCE: SourceForm = {
  buildPack: 'dockerfile',
  gitUrl: '',
  gitBranch: 'main',
  deployKeyId: '',
  dockerfilePath: APPLICATION_DEFAULTS.dockerfilePath,
  buildTarget: '',
  baseDirectory: APPLICATION_DEFAULTS.baseDirectory,
  imageReference: '',
};

export function healthCheckForm(settings: HealthCheckSettings = APPLICATION_DEFAULTS.healthCheck): HealthCheckForm {
  return {
    type: settings.type,
    path: settings.path ?? '',
    startPeriodSeconds: String(settings.startPeriodSeconds),
    intervalSeconds: String(settings.intervalSeconds),
    timeoutSeconds: String(settings.timeoutSeconds),
    retries: String(settings.retries),
  };
}

export function runtimeForm(application?: ApplicationDto): RuntimeForm {
  return {
    restartPolicy: application?.restartPolicy ?? APPLICATION_DEFAULTS.restartPolicy,
    cpuLimit: application?.cpuLimit === null || application?.cpuLimit === undefined ? '' : String(application.cpuLimit),
    memoryLimitMb: application?.memoryLimitMb === null || application?.memoryLimitMb === undefined ? '' : String(application.memoryLimitMb),
    stopGraceSeconds: String(application?.stopGraceSeconds ?? APPLICATION_DEFAULTS.stopGraceSeconds),
    keepImages: String(application?.keepImages ?? APPLICATION_DEFAULTS.keepImages),
  };
}

export function sourceForm(application: ApplicationDto): SourceForm {
  return {
    buildPack: application.buildPack,
    gitUrl: application.gitUrl ?? '',
    gitBranch: application.gitBranch ?? '',
    deployKeyId: application.deployKeyId ?? '',
    dockerfilePath: application.dockerfilePath,
    buildTarget: application.buildTarget ?? '',
    baseDirectory: application.baseDirectory,
    imageReference: application.imageReference ?? '',
  };
}

/**
 * A typed number as the API should get it: a number when it is one; otherwise the text itself, so
 * the API's message ("port must be a whole number") lands on the field instead of a silent default.
 */
export function numberField(text: string): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  return (trimmed !== '' && Number.isFinite(value) ? value : trimmed) as number;
}

/** An optional limit: empty is `null` (no limit). */
export const optionalNumber = (text: string): number | null => (text.trim() === '' ? null : numberField(text));

/** The source settings of the chosen build pack only; the other pack's fields are not sent. */
export function sourceRequest(
  form: SourceForm,
): Pick<
  CreateApplicationRequest,
  'buildPack' | 'gitUrl' | 'gitBranch' | 'deployKeyId' | 'dockerfilePath' | 'buildTarget' | 'baseDirectory' | 'imageReference'
> {
  if (form.buildPack === 'image') return { buildPack: 'image', imageReference: form.imageReference.trim() };
  return {
    buildPack: 'dockerfile',
    gitUrl: form.gitUrl.trim(),
    gitBranch: form.gitBranch.trim(),
    deployKeyId: form.deployKeyId || null,
    dockerfilePath: form.dockerfilePath.trim() || APPLICATION_DEFAULTS.dockerfilePath,
    buildTarget: form.buildTarget.trim() || null,
    baseDirectory: form.baseDirectory.trim() || APPLICATION_DEFAULTS.baseDirectory,
  };
}

export function healthCheckRequest(form: HealthCheckForm): HealthCheckSettings {
  return {
    type: form.type,
    path: form.type === 'http' ? form.path.trim() : null,
    startPeriodSeconds: numberField(form.startPeriodSeconds),
    intervalSeconds: numberField(form.intervalSeconds),
    timeoutSeconds: numberField(form.timeoutSeconds),
    retries: numberField(form.retries),
  };
}

export function runtimeRequest(
  form: RuntimeForm,
): Pick<CreateApplicationRequest, 'restartPolicy' | 'cpuLimit' | 'memoryLimitMb' | 'stopGraceSeconds' | 'keepImages'> {
  return {
    restartPolicy: form.restartPolicy,
    cpuLimit: optionalNumber(form.cpuLimit),
    memoryLimitMb: optionalNumber(form.memoryLimitMb),
    stopGraceSeconds: numberField(form.stopGraceSeconds),
    keepImages: numberField(form.keepImages),
  };
}

/** Domains typed one per line (or separated by spaces or commas), without blanks. */
export function parseDomains(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((domain) => domain.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * Every message of a failed request, by field. The API names an element of a list by its index
 * (`domains.1`): those are listed under the list's field, saying which entry.
 */
export function errorsByField(error: unknown, domains: readonly string[] = []): Record<string, string[]> {
  if (!(error instanceof ApiError)) return {};
  const byField: Record<string, string[]> = {};
  for (const { field, message } of error.errors) {
    const element = /^domains\.(\d+)$/.exec(field);
    const key = element ? 'domains' : field;
    const text = element ? `${domains[Number(element[1])] ?? `Domain ${Number(element[1]) + 1}`}: ${message}` : message;
    (byField[key] ??= []).push(text);
  }
  return byField;
}

/** One line of text per field: its messages joined. */
export function fieldMessages(error: unknown, domains: readonly string[] = []): Record<string, string> {
  return Object.fromEntries(Object.entries(errorsByField(error, domains)).map(([field, messages]) => [field, messages.join(' ')]));
}

/** The fields of `error` a form shows next to an input (`domains.1` is shown under `domains`), for FormFailure. */
export function shownFields(error: unknown, fields: readonly string[]): string[] {
  if (!(error instanceof ApiError)) return [...fields];
  const elements = fields.includes('domains') ? error.errors.map((e) => e.field).filter((field) => /^domains\.\d+$/.test(field)) : [];
  return [...fields, ...elements];
}

export const SOURCE_FIELDS = [
  'buildPack',
  'gitUrl',
  'gitBranch',
  'deployKeyId',
  'dockerfilePath',
  'buildTarget',
  'baseDirectory',
  'imageReference',
] as const;
export const HEALTH_CHECK_FIELDS = [
  'healthCheck',
  'healthCheck.type',
  'healthCheck.path',
  'healthCheck.startPeriodSeconds',
  'healthCheck.intervalSeconds',
  'healthCheck.timeoutSeconds',
  'healthCheck.retries',
] as const;
export const RUNTIME_FIELDS = ['restartPolicy', 'cpuLimit', 'memoryLimitMb', 'stopGraceSeconds', 'keepImages'] as const;
