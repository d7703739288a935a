import {
  DATABASE_INTERNAL_PORTS,
  type DatabaseReference,
  type DatabaseReferenceVariable,
  REDIS_DATABASE_NAME,
  REDIS_USER_NAME,
} from '@zpanel/contracts';
import {
  ReasonError,
  type SecretBox,
  type ValuePart,
  type ZpanelDockerNames,
  connectionVariables,
  formatReference,
  parseValueReferences,
  substituteReferences,
  tagRef,
} from '@zpanel/core';
import {
  type ApplicationEntity,
  type ApplicationMountsRepository,
  type ApplicationsRepository,
  type DatabaseEntity,
  type DatabasesRepository,
  type DeploymentEntity,
  type DeploymentsRepository,
  type EnvVarsRepository,
  type SshKeysRepository,
  type TeamScope,
  databasePasswordAad,
  envVarAad,
  gitTokenAad,
  mountContentAad,
  sshKeyAad,
  teamScope,
} from '@zpanel/database';
import type { PipelineInput, PipelineMount } from './deployment-pipeline';
import { effectiveVariables } from './deployment-variables';

/**
 * A variable whose database reference does not resolve now (the database was deleted or moved to
 * another server since the value was saved), or a value saved before references were read that
 * holds a malformed one. The deployment fails at `source`, before anything runs on the server.
 */
export class UnresolvedReferenceError extends ReasonError {
  constructor(reason: string) {
    super('variables.reference_unresolved', reason);
    this.name = 'UnresolvedReferenceError';
  }
}

/** What a database answers that is no secret on its own: a value that is exactly one reference to one of these is not redacted from the log. */
const PUBLIC_REFERENCE_VARIABLES: ReadonlySet<DatabaseReferenceVariable> = new Set(['HOST', 'PORT', 'USER', 'NAME']);

/** A database of the environment as its references resolve: what each variable answers, or why it cannot answer. */
type Linked = { values: Record<DatabaseReferenceVariable, string>; password: string } | { problem: string };

/** What one deployment runs with: the pipeline's input, the server it runs on, and every secret opened for it (to redact from its log). */
export interface DeploymentInput {
  pipeline: PipelineInput;
  serverId: string;
  secrets: string[];
  /** The application whose settings it deploys with (for a preview, the application it previews). */
  settingsId: string;
}

/** The application deployed, and the one whose settings, variables and credentials it deploys with. */
interface DeployedApplication {
  app: ApplicationEntity;
  settings: ApplicationEntity;
}

/**
 * Reads and opens what a deployment runs with. The preview rules live here: a preview takes its
 * settings, variables, deploy key and git token from the application it previews, read at run
 * time (so a preview follows its application's changes), plus that application's preview
 * overrides, which win over its own variables; only its name, images kept, server and pull request
 * ref are the preview's own.
 */
export class DeploymentInputs {
  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly deployments: DeploymentsRepository,
    private readonly variables: EnvVarsRepository,
    private readonly sshKeys: SshKeysRepository,
    private readonly databases: DatabasesRepository,
    private readonly names: ZpanelDockerNames,
    private readonly box: SecretBox,
    private readonly mounts: ApplicationMountsRepository,
  ) {}

  async load(deployment: DeploymentEntity): Promise<DeploymentInput> {
    const team = teamScope(deployment.teamId);
    const deployed = await this.settingsFor(team, deployment);
    const { app, settings } = deployed;
    const { buildArgs, runtimeEnv, secrets } = await this.openVariables(team, deployed);
    const { deployKey, gitToken } = await this.openGitCredentials(team, settings, deployment);
    for (const secret of [deployKey, gitToken]) if (secret !== null) secrets.push(secret);
    const mounts = await this.openMounts(team, deployed, secrets);
    return {
      serverId: app.serverId,
      secrets,
      settingsId: settings.id,
      pipeline: {
        deploymentId: deployment.id,
        application: pipelineApplication(deployed, deployment),
        commit: deployment.commitSha,
        imageTag: deployment.requestedImageTag,
        rollbackImage: deployment.trigger === 'rollback' ? deployment.imageTag : null,
        buildArgs,
        runtimeEnv,
        deployKey,
        gitHostKey: settings.gitHostKey,
        gitToken,
        liveHistory: await this.deployments.liveHistory(deployment),
        mounts,
        // The server's, filled in once the server is loaded.
        allowedBindRoots: [],
      },
    };
  }

  /**
   * The settings application's mounts, secret files opened (and added to what the log redacts).
   * A preview gets volumes of its own (named from its id: fresh, removed with it) and the files, but
   * no bind mount: pull request code does not reach the host's directories.
   */
  private async openMounts(team: TeamScope, { app, settings }: DeployedApplication, secrets: string[]): Promise<PipelineMount[]> {
    const rows = await this.mounts.ofApplication(team, settings.id);
    const mounts: PipelineMount[] = [];
    for (const row of rows) {
      if (row.kind === 'volume') mounts.push({ kind: 'volume', name: row.name as string, mountPath: row.mountPath });
      else if (row.kind === 'bind') {
        if (app.previewOfId === null)
          mounts.push({ kind: 'bind', hostPath: row.hostPath as string, mountPath: row.mountPath, readOnly: row.readOnly });
      } else {
        const content = row.secret ? this.box.open(row.content as string, mountContentAad(row.id)) : (row.content as string);
        if (row.secret) secrets.push(content);
        mounts.push({ kind: 'file', mountPath: row.mountPath, content });
      }
    }
    return mounts;
  }

  /** The deployed application and its settings application: itself, or the application a preview previews. */
  private async settingsFor(team: TeamScope, deployment: DeploymentEntity): Promise<DeployedApplication> {
    const app = await this.applications.find(team, deployment.applicationId);
    if (!app) throw new ReasonError('deployment.application_gone', 'The application no longer exists.');
    const settings = app.previewOfId ? await this.applications.find(team, app.previewOfId) : app;
    if (!settings) throw new ReasonError('deployment.application_gone', 'The application this preview belongs to no longer exists.');
    return { app, settings };
  }

  /**
   * The settings application's variables (a preview's overrides win over its own, which win over
   * the environment's), opened, their database references resolved: as build arguments and runtime
   * environment where each is marked so. Every value is a secret for the log, and so is the password
   * of every database referenced; a resolved value only exists here and in the container's environment.
   */
  private async openVariables(
    team: TeamScope,
    { app, settings }: DeployedApplication,
  ): Promise<{ buildArgs: Record<string, string>; runtimeEnv: [string, string][]; secrets: string[] }> {
    const variables = await this.variables.forDeployment(team, settings, app.previewOfId !== null);
    const opened = effectiveVariables(variables).map((variable) => {
      const parsed = parseValueReferences(this.box.open(variable.value, envVarAad(variable, variable.key)));
      if (!parsed.ok) throw new UnresolvedReferenceError(`The variable ${variable.key} holds a malformed reference: ${parsed.problem}.`);
      return { variable, parts: parsed.parts, references: parsed.references };
    });
    const linked = await this.linkedDatabases(
      team,
      settings.environmentId,
      app.serverId,
      opened.flatMap((o) => o.references),
    );
    const buildArgs: Record<string, string> = {};
    const runtimeEnv: [string, string][] = [];
    const secrets: string[] = [];
    for (const { variable, parts } of opened) {
      const value = substituteReferences(parts, (reference) => {
        const database = linked.get(reference.database) as Linked;
        if ('problem' in database)
          throw new UnresolvedReferenceError(`The variable ${variable.key} references ${formatReference(reference)}, but ${database.problem}.`);
        secrets.push(database.password);
        return database.values[reference.variable];
      });
      if (!isOnePublicReference(parts)) secrets.push(value);
      if (variable.buildTime) buildArgs[variable.key] = value;
      if (variable.runtime) runtimeEnv.push([variable.key, value]);
    }
    return { buildArgs, runtimeEnv, secrets };
  }

  /**
   * The environment's databases these references name, each with what its variables answer: the
   * internal host (its alias on the server's Zpanel network) and port, and its password opened.
   * A database the application cannot reach has the reason instead: none of that name, one being
   * deleted, one on another server (the Zpanel network is per server).
   */
  private async linkedDatabases(
    team: TeamScope,
    environmentId: string,
    serverId: string,
    references: readonly DatabaseReference[],
  ): Promise<Map<string, Linked>> {
    const names = [...new Set(references.map((r) => r.database))];
    const found = new Map((await this.databases.findByNamesInEnvironment(team, environmentId, names)).map((d) => [d.name, d]));
    const linked = new Map<string, Linked>();
    for (const name of names) {
      const database = found.get(name);
      if (!database || database.status === 'deleting') linked.set(name, { problem: `the environment has no database ${name} (deleted or renamed?)` });
      else if (database.serverId !== serverId)
        linked.set(name, { problem: `${name} runs on another server than the application (a database is reached on its own server's network)` });
      else linked.set(name, await this.openDatabase(team, database));
    }
    return linked;
  }

  private async openDatabase(team: TeamScope, database: DatabaseEntity): Promise<Linked> {
    const sealed = await this.databases.sealedPassword(team, database.id);
    if (sealed === null) return { problem: `the environment has no database ${database.name} (deleted meanwhile?)` };
    const password = this.box.open(sealed, databasePasswordAad(database.id));
    const values = connectionVariables(
      database.engine,
      { host: this.names.databaseAlias(database.id), port: DATABASE_INTERNAL_PORTS[database.engine] },
      { databaseName: database.databaseName ?? REDIS_DATABASE_NAME, userName: database.userName ?? REDIS_USER_NAME, password },
    );
    return { values, password };
  }

  /** The deploy key and git token a build from the repository uses, opened; none for a rollback (it builds nothing) or an image. */
  private async openGitCredentials(
    team: TeamScope,
    settings: ApplicationEntity,
    deployment: DeploymentEntity,
  ): Promise<{ deployKey: string | null; gitToken: string | null }> {
    if (settings.buildPack !== 'dockerfile' || deployment.trigger === 'rollback') return { deployKey: null, gitToken: null };
    let deployKey: string | null = null;
    if (settings.deployKeyId) {
      const key = await this.sshKeys.get(team, settings.deployKeyId);
      deployKey = this.box.open(key.privateKey, sshKeyAad(key.id));
    }
    const sealed = await this.applications.sealedGitToken(team, settings.id);
    const gitToken = sealed ? this.box.open(sealed, gitTokenAad(settings.id)) : null;
    return { deployKey, gitToken };
  }
}

/** A value that is exactly one reference to a host, port, user or database name: nothing secret to redact (a port would otherwise hide every `5432` in the log). */
function isOnePublicReference(parts: readonly ValuePart[]): boolean {
  const [only] = parts;
  return parts.length === 1 && typeof only !== 'string' && PUBLIC_REFERENCE_VARIABLES.has(only.variable);
}

/** The application as the pipeline deploys it: the settings application's settings under the deployed application's name. */
function pipelineApplication({ app, settings }: DeployedApplication, deployment: DeploymentEntity): PipelineInput['application'] {
  return {
    id: app.id,
    name: app.name,
    buildPack: settings.buildPack,
    gitUrl: settings.gitUrl,
    gitBranch: settings.gitBranch,
    gitRef: deployment.gitTag ? tagRef(deployment.gitTag) : app.previewRef,
    dockerfilePath: settings.dockerfilePath,
    buildTarget: settings.buildTarget,
    baseDirectory: settings.baseDirectory,
    imageReference: settings.imageReference,
    port: settings.port,
    healthCheck: settings.healthCheck,
    restartPolicy: settings.restartPolicy,
    cpuLimit: settings.cpuLimit === null ? null : Number(settings.cpuLimit),
    memoryLimitMb: settings.memoryLimitMb,
    stopGraceSeconds: settings.stopGraceSeconds,
    keepImages: app.keepImages,
    deployStrategy: settings.deployStrategy,
  };
}
