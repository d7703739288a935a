import { randomUUID } from 'node:crypto';
import { APPLICATION_DEFAULTS } from '@zpanel/contracts';
import {
  ApplicationEntity,
  EnvironmentsRepository,
  ProjectsRepository,
  ServerEntity,
  SshKeyEntity,
  TeamEntity,
  type TeamScope,
  teamScope,
} from '@zpanel/database';
import type { DataSource } from 'typeorm';

/** What an application needs around it, seeded straight into the database (no API, no stack). */
export interface TeamWorkspace {
  team: TeamScope;
  teamId: string;
  keyId: string;
  serverId: string;
  projectId: string;
  environmentId: string;
  /** Adds an application on the workspace's server and environment: the test base image on 8080 unless overridden. */
  addApplication(name: string, overrides?: Partial<ApplicationEntity>): Promise<ApplicationEntity>;
}

export interface TeamWorkspaceOptions {
  team: string;
  server: Pick<ServerEntity, 'name' | 'host' | 'port' | 'user'> & Partial<Pick<ServerEntity, 'hostKeyFingerprint'>>;
  /** The stored (sealed) private key of the server's SSH key, given the key's id it is bound to; a placeholder when no SSH is made. */
  privateKey?: (keyId: string) => string;
}

/** A team with an SSH key, a `ready` server and a project with its `production` environment, for int-specs of the worker. */
export async function seedTeamWorkspace(dataSource: DataSource, options: TeamWorkspaceOptions): Promise<TeamWorkspace> {
  const teamId = (await dataSource.getRepository(TeamEntity).save({ name: options.team })).id;
  const team = teamScope(teamId);
  const keyId = randomUUID();
  await dataSource.getRepository(SshKeyEntity).insert({
    id: keyId,
    teamId,
    name: 'k',
    type: 'ssh-ed25519',
    privateKey: options.privateKey?.(keyId) ?? 'sealed',
    publicKey: 'x',
    fingerprint: 'x',
  });
  const serverId = (
    await dataSource.getRepository(ServerEntity).save({ teamId, ...options.server, sshKeyId: keyId, description: '', status: 'ready' as const })
  ).id;
  const projectId = (await new ProjectsRepository(dataSource.manager).add(team, { name: 'p', description: '' })).id;
  const environmentId = (await new EnvironmentsRepository(dataSource.manager).add(team, projectId, 'production')).id;
  const addApplication = (name: string, overrides: Partial<ApplicationEntity> = {}) =>
    dataSource.getRepository(ApplicationEntity).save({
      teamId,
      projectId,
      environmentId,
      serverId,
      name,
      description: '',
      buildPack: 'image' as const,
      gitUrl: null,
      gitBranch: null,
      deployKeyId: null,
      dockerfilePath: 'Dockerfile',
      buildTarget: null,
      baseDirectory: '.',
      imageReference: 'zpanel-test/busybox',
      port: 8080,
      healthCheck: APPLICATION_DEFAULTS.healthCheck,
      restartPolicy: 'unless-stopped' as const,
      cpuLimit: null,
      memoryLimitMb: null,
      stopGraceSeconds: 1,
      keepImages: 3,
      ...overrides,
    });
  return { team, teamId, keyId, serverId, projectId, environmentId, addApplication };
}
