import { ReasonError, type SecretBox, tagRef } from '@zpanel/core';
import {
  type ApplicationEntity,
  type ApplicationsRepository,
  type DeploymentEntity,
  type DeploymentsRepository,
  type EnvVarsRepository,
  type SshKeysRepository,
  type TeamScope,
  envVarAad,
  gitTokenAad,
  sshKeyAad,
  teamScope,
} from '@zpanel/database';
import type { PipelineInput } from './deployment-pipeline';
import { effectiveVariables } from './deployment-variables';

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
    private readonly box: SecretBox,
  ) {}

  async load(deployment: DeploymentEntity): Promise<DeploymentInput> {
    const team = teamScope(deployment.teamId);
    const deployed = await this.settingsFor(team, deployment);
    const { app, settings } = deployed;
    const { buildArgs, runtimeEnv, secrets } = await this.openVariables(team, deployed);
    const { deployKey, gitToken } = await this.openGitCredentials(team, settings, deployment);
    for (const secret of [deployKey, gitToken]) if (secret !== null) secrets.push(secret);
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
      },
    };
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
   * the environment's), opened: as build arguments and runtime environment where each is marked so.
   */
  private async openVariables(
    team: TeamScope,
    { app, settings }: DeployedApplication,
  ): Promise<{ buildArgs: Record<string, string>; runtimeEnv: [string, string][]; secrets: string[] }> {
    const variables = await this.variables.forDeployment(team, settings, app.previewOfId !== null);
    const buildArgs: Record<string, string> = {};
    const runtimeEnv: [string, string][] = [];
    const secrets: string[] = [];
    for (const variable of effectiveVariables(variables)) {
      const value = this.box.open(variable.value, envVarAad(variable, variable.key));
      secrets.push(value);
      if (variable.buildTime) buildArgs[variable.key] = value;
      if (variable.runtime) runtimeEnv.push([variable.key, value]);
    }
    return { buildArgs, runtimeEnv, secrets };
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
  };
}
