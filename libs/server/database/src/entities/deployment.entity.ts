import type { DeploymentStatus, DeploymentStep, DeploymentTrigger, ReasonCode } from '@zpanel/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** One deployment of an application; the API creates it `queued`, the worker runs it. */
@Entity({ name: 'deployments' })
export class DeploymentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'team_id' })
  teamId: string;

  @Column('uuid', { name: 'application_id' })
  applicationId: string;

  @Column('text')
  status: DeploymentStatus;

  @Column('text')
  trigger: DeploymentTrigger;

  @Column('text', { name: 'commit_sha', nullable: true })
  commitSha: string | null;

  /** A tag push: the tag whose ref the worker fetches instead of cloning the branch. */
  @Column('text', { name: 'git_tag', nullable: true })
  gitTag: string | null;

  @Column('uuid', { name: 'source_deployment_id', nullable: true })
  sourceDeploymentId: string | null;

  @Column('text', { name: 'image_tag', nullable: true })
  imageTag: string | null;

  /** The image tag asked for (image build pack): run the application's reference with this tag. */
  @Column('text', { name: 'requested_image_tag', nullable: true })
  requestedImageTag: string | null;

  @Column('text', { name: 'container_name', nullable: true })
  containerName: string | null;

  @Column('text')
  step: DeploymentStep;

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('text', { name: 'reason_code', nullable: true })
  reasonCode: ReasonCode | null;

  /** The person, or the creator of the API token that asked. */
  @Column('uuid', { name: 'user_id', nullable: true })
  userId: string | null;

  @Column('uuid', { name: 'token_id', nullable: true })
  tokenId: string | null;

  @Column('text', { name: 'actor_name' })
  actorName: string;

  /** Set by the API; the worker polls it and stops the build or removes the new container. */
  @Column('timestamptz', { name: 'cancel_requested_at', nullable: true })
  cancelRequestedAt: Date | null;

  /** The image was removed by pruning: this deployment can no longer be rolled back to. */
  @Column('timestamptz', { name: 'image_pruned_at', nullable: true })
  imagePrunedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column('timestamptz', { name: 'heartbeat_at', nullable: true })
  heartbeatAt: Date | null;

  @Column('text', { name: 'worker_id', nullable: true })
  workerId: string | null;
}

/** One line of a deployment's log. */
@Entity({ name: 'deployment_logs' })
export class DeploymentLogEntity {
  @PrimaryColumn('uuid', { name: 'deployment_id' })
  deploymentId: string;

  /** bigint comes back from pg as a string. */
  @PrimaryColumn('bigint')
  seq: string;

  @Column('timestamptz')
  ts: Date;

  @Column('text')
  stream: string;

  @Column('text')
  line: string;
}
