import { APPLICATION_DEFAULTS, type ApplicationDto, type EnvVarDto, type EnvironmentDto, type ProjectDto } from '@zpanel/contracts';
import { fixture } from './fixture';

/** Test data for the projects and applications specs. */
export const aProject = fixture<ProjectDto>(() => ({
  id: 'project-1',
  teamId: 'team-1',
  name: 'Shop',
  description: 'Storefront and its workers',
  environmentCount: 1,
  applicationCount: 1,
  createdAt: '2026-01-05T10:00:00.000Z',
  updatedAt: '2026-01-05T10:00:00.000Z',
}));

export function anEnvironment(overrides: Partial<EnvironmentDto> = {}): EnvironmentDto {
  return { id: 'env-1', projectId: 'project-1', name: 'production', applicationCount: 1, createdAt: '2026-01-05T10:00:00.000Z', ...overrides };
}

export const anApplication = fixture<ApplicationDto>(() => ({
  id: 'app-1',
  teamId: 'team-1',
  projectId: 'project-1',
  environmentId: 'env-1',
  serverId: 'server-1',
  name: 'shop-web',
  description: '',
  buildPack: 'dockerfile',
  gitUrl: 'https://git.example.com/shop.git',
  gitBranch: 'main',
  deployKeyId: null,
  dockerfilePath: 'Dockerfile',
  buildTarget: null,
  baseDirectory: '.',
  imageReference: null,
  port: 3000,
  domains: ['shop.example.com'],
  healthCheck: APPLICATION_DEFAULTS.healthCheck,
  restartPolicy: 'unless-stopped',
  cpuLimit: null,
  memoryLimitMb: null,
  stopGraceSeconds: 10,
  keepImages: 3,
  deployStrategy: 'rolling',
  watchPaths: [],
  deployTags: null,
  gitHostKeyFingerprints: null,
  gitTokenSet: false,
  previewsEnabled: false,
  previewDomain: null,
  previewForks: false,
  previewOf: null,
  pendingRedeploy: null,
  createdAt: '2026-01-05T10:00:00.000Z',
  updatedAt: '2026-01-05T10:00:00.000Z',
}));

export const anEnvVar = fixture<EnvVarDto>(() => ({
  id: 'var-1',
  scope: 'application',
  key: 'DATABASE_URL',
  value: 'postgres://shop@db/shop',
  masked: false,
  buildTime: false,
  runtime: true,
  references: [],
  updatedAt: '2026-01-05T10:00:00.000Z',
}));
