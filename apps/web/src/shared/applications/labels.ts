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
  preview: 'preview',
};

/** How the variables editor and its dialogs speak of each scope's variables. */
export const ENV_SCOPE_TEXTS: Record<EnvVarScope, { title: string; description: string; ownVariable: string; replaced: string; deleted: string }> = {
  environment: {
    title: 'Shared variables',
    description: 'Every application of this environment gets these, unless it sets the same key itself.',
    ownVariable: 'Shared by every application of the environment, unless one sets the same key itself.',
    replaced: 'the environment’s shared variables',
    deleted: 'Applications of this environment no longer get it (unless they set it themselves) from their next deployment on.',
  },
  application: {
    title: 'Environment variables',
    description: 'What the application gets: its own variables, and its environment’s shared ones it does not override.',
    ownVariable: 'This application’s own: it wins over a shared variable of the same key.',
    replaced: 'the application’s own variables',
    deleted: 'The application no longer gets it from its next deployment on (a shared variable of the same key then applies).',
  },
  preview: {
    title: 'Preview variables',
    description:
      'They override the application’s and the environment’s variables of the same key, in previews only (e.g. a staging database instead of production’s).',
    ownVariable: 'Previews only: it wins over the application’s and the environment’s variable of the same key.',
    replaced: 'the preview variables',
    deleted: 'Previews get the application’s (or the environment’s) value again from their next deployment on.',
  },
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
