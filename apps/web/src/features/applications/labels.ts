import { Ability, type ApplicationDto, type BuildPack, type EnvVarScope, ROLE_ABILITIES, type RestartPolicy, type Role } from '@zpanel/contracts';

const can = (role: Role, ability: Ability) => ROLE_ABILITIES[role].includes(ability);

/** `undefined` when the role may change applications, projects and variables; else why not. */
export function whyCannotWrite(role: Role): string | undefined {
  return can(role, Ability.Write) ? undefined : `Your role (${role}) cannot change projects or applications: ask a member, admin or owner`;
}

/** `undefined` when the role may deploy, cancel and roll back; else why not. */
export function whyCannotDeploy(role: Role): string | undefined {
  return can(role, Ability.Deploy) ? undefined : `Your role (${role}) cannot deploy: ask a member, admin or owner`;
}

/** Whether the API shows this role the values of variables (`read:sensitive`). */
export function seesSecrets(role: Role): boolean {
  return can(role, Ability.ReadSensitive);
}

export const BUILD_PACK_LABELS: Record<BuildPack, string> = {
  dockerfile: 'Dockerfile from a git repository',
  image: 'Prebuilt image',
};

export const RESTART_POLICY_LABELS: Record<RestartPolicy, string> = {
  'unless-stopped': 'Unless stopped',
  always: 'Always',
  'on-failure': 'On failure',
  no: 'Never',
};

export const SCOPE_LABELS: Record<EnvVarScope, string> = {
  environment: 'shared',
  application: 'app',
};

/**
 * The address a domain answers on. Plain HTTP always reaches the application: with HTTPS enabled
 * on the instance the proxy redirects it, and without it HTTPS would not answer at all.
 */
export const domainUrl = (domain: string) => `http://${domain}`;

/** What the application runs, in a few words: the repository and branch, or the image. */
export function sourceSummary(application: ApplicationDto): string {
  return application.buildPack === 'image' ? (application.imageReference ?? '—') : `${application.gitUrl ?? '—'} @ ${application.gitBranch ?? '—'}`;
}
