import type { ReasonCode } from './reasons';

/** Deployments of an application; the pipeline is described in docs/architecture.md. */

/**
 * `queued -> running -> success | failed | cancelled`; `superseded`: a queued deployment replaced by a
 * newer request for the same application before it started.
 */
export type DeploymentStatus = 'queued' | 'running' | 'success' | 'failed' | 'cancelled' | 'superseded';
export const DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = ['queued', 'running', 'success', 'failed', 'cancelled', 'superseded'];
/** Statuses a deployment never leaves. */
export const FINISHED_DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = ['success', 'failed', 'cancelled', 'superseded'];

export function isDeploymentFinished(status: DeploymentStatus): boolean {
  return FINISHED_DEPLOYMENT_STATUSES.includes(status);
}

/** What asked for the deployment. */
export type DeploymentTrigger = 'manual' | 'api' | 'webhook' | 'rollback' | 'redeploy';
export const DEPLOYMENT_TRIGGERS: readonly DeploymentTrigger[] = ['manual', 'api', 'webhook', 'rollback', 'redeploy'];

/** The pipeline's steps, in order; a rollback skips `source` and `build`. */
export type DeploymentStep = 'queued' | 'source' | 'build' | 'start' | 'health' | 'promote' | 'retire' | 'prune' | 'done';
export const DEPLOYMENT_STEPS: readonly DeploymentStep[] = ['queued', 'source', 'build', 'start', 'health', 'promote', 'retire', 'prune', 'done'];

/** Who asked: a person, or an API token acting for its creator (the name is a snapshot). */
export interface DeploymentActorDto {
  type: 'user' | 'token';
  userId: string | null;
  tokenId: string | null;
  name: string;
}

export interface DeploymentDto {
  id: string;
  teamId: string;
  applicationId: string;
  status: DeploymentStatus;
  trigger: DeploymentTrigger;
  /** The commit built (dockerfile build pack): the requested one, or the branch head resolved at clone time. */
  commitSha: string | null;
  /** A tag push deployed this tag's commit (the worker fetched the tag instead of the branch); null otherwise. */
  gitTag: string | null;
  /** Rollback: the deployment whose image is run again. */
  sourceDeploymentId: string | null;
  /** The image this deployment runs (set once built or, for the image build pack, the reference pulled). */
  imageTag: string | null;
  /**
   * The image tag asked for (image build pack, e.g. from CI): the deployment runs the application's
   * image reference with this tag in place of its own; null: the reference as configured.
   */
  requestedImageTag: string | null;
  containerName: string | null;
  /** Where it is (or where it stopped, for a failure). */
  step: DeploymentStep;
  /** Why it failed, was cancelled or superseded, in words for a person. */
  reason: string | null;
  /** What `reason` is, as a stable code to react to (the text may change); null with a null reason. */
  reasonCode: ReasonCode | null;
  /** A cancel was asked for and the worker has not stopped yet. */
  cancelRequested: boolean;
  /** True while this deployment's image is still kept on the server (a successful one can then be rolled back to). */
  imageKept: boolean;
  actor: DeploymentActorDto;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** `POST /api/v1/applications/{applicationId}/deployments` */
export interface CreateDeploymentRequest {
  /** Build exactly this commit (7-40 hex digits) instead of the branch head; dockerfile build pack only. */
  commit?: string;
  /**
   * Run the application's image reference with this tag instead of its own tag or digest
   * (`ghcr.io/acme/web:latest` + `v1.4.2` runs `ghcr.io/acme/web:v1.4.2`); image build pack only,
   * not together with `commit`. Docker's tag grammar: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
   */
  imageTag?: string;
}

export type DeploymentLogStream = 'stdout' | 'stderr' | 'system';
export const DEPLOYMENT_LOG_STREAMS: readonly DeploymentLogStream[] = ['stdout', 'stderr', 'system'];

/** One stored log line; `seq` grows by one per line of a deployment, from 1. */
export interface DeploymentLogLine {
  seq: number;
  ts: string;
  stream: DeploymentLogStream;
  line: string;
}

/** `GET /api/v1/deployments/{deploymentId}/logs?afterSeq&limit` */
export interface DeploymentLogPage {
  lines: DeploymentLogLine[];
  /** Pass as `afterSeq` for the next page; equal to the request's when there is nothing newer. */
  lastSeq: number;
  /** More lines are stored after this page. */
  hasMore: boolean;
}

export const DEPLOYMENT_LOG_PAGE = { defaultLimit: 1_000, maxLimit: 5_000 } as const;
/** Longest stored log line; longer ones are cut with a marker. */
export const DEPLOYMENT_LOG_LINE_MAX_CHARS = 16_384;
