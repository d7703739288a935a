import type { DeploymentStatus, DeploymentStep, DeploymentTrigger, ReasonCode } from '@zpanel/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { RunEntity } from './run';

/** One deployment of an application; the API creates it `queued`, the worker runs it (a cancel stops the build or removes the new container). */
@Entity({ name: 'deployments' })
export class DeploymentEntity extends RunEntity {
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

  /** The image was removed by pruning: this deployment can no longer be rolled back to. */
  @Column('timestamptz', { name: 'image_pruned_at', nullable: true })
  imagePrunedAt: Date | null;

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
