import type { BuildPack, DeployStrategy, HealthCheckSettings, PreviewProvider, RestartPolicy } from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { CpuLimitColumn, EnvironmentResourceEntity, MemoryLimitMbColumn } from './columns';

@Entity({ name: 'applications' })
export class ApplicationEntity extends EnvironmentResourceEntity {
  @Column('uuid', { name: 'project_id' })
  projectId: string;

  @Column('text')
  description: string;

  @Column('text', { name: 'build_pack' })
  buildPack: BuildPack;

  @Column('text', { name: 'git_url', nullable: true })
  gitUrl: string | null;

  @Column('text', { name: 'git_branch', nullable: true })
  gitBranch: string | null;

  @Column('uuid', { name: 'deploy_key_id', nullable: true })
  deployKeyId: string | null;

  @Column('text', { name: 'dockerfile_path' })
  dockerfilePath: string;

  @Column('text', { name: 'build_target', nullable: true })
  buildTarget: string | null;

  @Column('text', { name: 'base_directory' })
  baseDirectory: string;

  @Column('text', { name: 'image_reference', nullable: true })
  imageReference: string | null;

  @Column('integer')
  port: number;

  @Column('jsonb', { name: 'health_check' })
  healthCheck: HealthCheckSettings;

  @Column('text', { name: 'restart_policy' })
  restartPolicy: RestartPolicy;

  @CpuLimitColumn()
  cpuLimit: string | null;

  @MemoryLimitMbColumn()
  memoryLimitMb: number | null;

  @Column('integer', { name: 'stop_grace_seconds' })
  stopGraceSeconds: number;

  @Column('integer', { name: 'keep_images' })
  keepImages: number;

  /** rolling: the new container starts beside the old one; recreate: the old ones stop first (docs/volumes.md). */
  @Column('text', { name: 'deploy_strategy', default: 'rolling' })
  deployStrategy: DeployStrategy;

  /** Sealed (see webhookSecretAad); null until generated. */
  @Column('text', { name: 'webhook_secret', nullable: true, select: false })
  webhookSecret: string | null;

  /** Globs: a push deploys only when a changed file matches one (empty: every push). */
  @Column('text', { name: 'watch_paths', array: true, default: () => "'{}'" })
  watchPaths: string[];

  /** known_hosts lines of the git host, learned at the first ssh clone; later clones accept only these. */
  @Column('text', { name: 'git_host_key', nullable: true })
  gitHostKey: string | null;

  /** Sealed (see gitTokenAad): the token for an HTTPS repository; null: none. Only whether it is set is shown. */
  @Column('text', { name: 'git_token', nullable: true, select: false })
  gitToken: string | null;

  /** Glob over tag names: a pushed tag that matches deploys the tagged commit; null: tags do not deploy. */
  @Column('text', { name: 'deploy_tags', nullable: true })
  deployTags: string | null;

  /** Pull requests against gitBranch deploy previews at `pr-<n>.<previewDomain>`. */
  @Column('boolean', { name: 'previews_enabled', default: false })
  previewsEnabled: boolean;

  @Column('text', { name: 'preview_domain', nullable: true })
  previewDomain: string | null;

  /** Pull requests from other repositories (forks) deploy previews too. */
  @Column('boolean', { name: 'preview_forks', default: false })
  previewForks: boolean;

  /** On a preview: the application it previews (its settings are read from there at each deployment). */
  @Column('uuid', { name: 'preview_of_id', nullable: true })
  previewOfId: string | null;

  @Column('integer', { name: 'preview_number', nullable: true })
  previewNumber: number | null;

  @Column('text', { name: 'preview_provider', nullable: true })
  previewProvider: PreviewProvider | null;

  /** The pull request's head ref on the application's repository (`refs/pull/<n>/head`, `refs/merge-requests/<n>/head`). */
  @Column('text', { name: 'preview_ref', nullable: true })
  previewRef: string | null;

  @Column('text', { name: 'preview_title', nullable: true })
  previewTitle: string | null;

  @Column('text', { name: 'preview_link', nullable: true })
  previewLink: string | null;

  @Column('text', { name: 'preview_head_branch', nullable: true })
  previewHeadBranch: string | null;

  @Column('boolean', { name: 'preview_fork', nullable: true })
  previewFork: boolean | null;

  /** The pull request's head commit last asked for. */
  @Column('text', { name: 'preview_commit', nullable: true })
  previewCommit: string | null;

  /**
   * Why the running version is behind what the application would now deploy with (a database it
   * references had its password rotated); null: nothing pending. Set with `redeployRequestedAt`, cleared by
   * a successful deployment that started after it.
   */
  @Column('text', { name: 'redeploy_reason', nullable: true })
  redeployReason: string | null;

  @Column('timestamptz', { name: 'redeploy_requested_at', nullable: true })
  redeployRequestedAt: Date | null;
}

/** The HTTPS git token is sealed bound to the application id: pasted onto another application, it does not open. */
export function gitTokenAad(applicationId: string): string {
  return `application-git-token:${applicationId}`;
}
