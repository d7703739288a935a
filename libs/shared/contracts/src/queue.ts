import type { BackupStatus, RestoreStatus } from './backups';
import type { CommandRunStatus } from './command-runs';
import type { DatabaseOperationStatus } from './databases';
import type { DeploymentStatus } from './deployments';
import type { MailSendJob, NotificationDeliveryStatus, NotificationTestJob, NotificationTestResultDto } from './notifications';
import type { ContainerAction, ContainerDetailsDto, ContainerDto, ContainerLogsDto, ServerStatus } from './servers';

/** Parameters are validated by the API before the job is queued, and again by the worker's Docker layer. */
export type ContainerOperation =
  | { serverId: string; op: 'list'; all: boolean; managedOnly: boolean }
  | { serverId: string; op: 'inspect'; containerId: string }
  | { serverId: string; op: 'logs'; containerId: string; tail: number; since?: number }
  | { serverId: string; op: 'action'; containerId: string; action: ContainerAction; timeoutSeconds: number; force: boolean };

/** Volume operations on a server for the API: sizes, a team's volumes, removing an orphaned one (labels checked by the worker again). */
export type VolumeOperation =
  | { serverId: string; op: 'usage'; dockerNames: string[] }
  | { serverId: string; op: 'list-team'; teamId: string }
  | { serverId: string; op: 'remove'; teamId: string; dockerName: string };

export interface ServerVolumeDto {
  dockerName: string;
  applicationId: string | null;
  name: string | null;
  sizeBytes: number | null;
  createdAt: string | null;
}

/**
 * A backup's stored object, for the API (which never reaches a bucket or a server): a presigned URL
 * (S3), or its removal. Answered to the waiting request; the worker reads the backup and its
 * destination from Postgres and checks the team again (`teamId` null: an instance backup).
 */
export type BackupObjectOperation =
  { op: 'presign'; teamId: string | null; backupId: string; ttlSeconds: number } | { op: 'delete'; teamId: string | null; backupId: string };

export type BackupObjectResult = { ok: true; url?: string } | { ok: false; status: 404 | 409 | 503; message: string };

/**
 * Streams a backup's object between the API and its destination through a `BytePipes` pipe
 * (`pipeId`, also the job id): `upload` stores what the API writes (an uploaded dump, already
 * encrypted by the API) at the backup's `location`; `download` writes the stored object for the API
 * to send on. Answered with what was stored or sent.
 */
export interface BackupTransferOperation {
  op: 'upload' | 'download';
  /** The backup's team; null for an instance backup (Zpanel's own PostgreSQL, `team_id` null). */
  teamId: string | null;
  backupId: string;
  pipeId: string;
}

export type BackupTransferResult = { ok: true; sizeBytes: number; sha256: string } | { ok: false; status: 404 | 409 | 503; message: string };

export type VolumeOperationResult = { ok: true; volumes?: ServerVolumeDto[] } | { ok: false; status: 404 | 409 | 503; message: string };

/**
 * What the worker needs to check a backup destination's settings, saved or not (the API waits for
 * the answer: saving one that fails is a 400 with the storage's words). Never a plain secret in
 * Redis: the S3 secret travels sealed by the instance's SecretBox with `secretAad` (the stored
 * sealed value as it is, or the new one sealed with `backupDestinationCheckAad(teamId)`).
 */
export type BackupDestinationCheckJob =
  | {
      kind: 's3';
      teamId: string;
      endpoint: string;
      region: string;
      bucket: string;
      prefix: string;
      forcePathStyle: boolean;
      accessKeyId: string;
      sealedSecretAccessKey: string;
      secretAad: string;
    }
  | { kind: 'server'; teamId: string; serverId: string; path: string };

/** `message`: the storage's own words (or why the server cannot be used); never a secret. */
export type BackupDestinationCheckResult = { ok: true; latencyMs: number } | { ok: false; message: string };

/** The additional data an unsaved S3 secret is sealed with for a check job. */
export function backupDestinationCheckAad(teamId: string): string {
  return `backup-destination-check:${teamId}`;
}

/** Failures come back as data, so the API can answer 404 / 503 with the worker's words. */
export type ContainerOperationResult =
  | { ok: true; containers?: ContainerDto[]; container?: ContainerDetailsDto; logs?: ContainerLogsDto }
  | { ok: false; status: 400 | 404 | 409 | 503; message: string };

/** What syncing a server's proxy did to its network, container and config. */
export interface ProxySyncOutcome {
  network: 'created' | 'kept';
  /** `recreated`: its network, image or settings (ports, HTTPS) changed; `started`: it existed but was stopped. */
  container: 'created' | 'recreated' | 'started' | 'kept';
  /** `loaded`: a new container started with it; `reloaded`: the running Caddy took it; `unchanged`: nothing to do. */
  config: 'loaded' | 'reloaded' | 'unchanged';
  /** Domains routed. */
  routes: number;
  durationMs: number;
}

/** What a proxy sync did on the server, or why it did nothing. */
export type ProxySyncJobResult =
  | { skipped: 'server deleted' | 'server not validated' }
  | (ProxySyncOutcome & {
      /** Stored values left out because they failed their allowlist (an application or a domain). */
      refused: number;
    });

/**
 * Queue and job names. These strings are stored in Redis by BullMQ: never rename a value
 * without a migration that drains the old queue. Payloads carry ids and scalars only,
 * never whole entities (the worker reads the current row from Postgres).
 */
export enum QueueName {
  System = 'system',
  Servers = 'servers',
  /** Short interactive server operations (containers); kept apart so validations never delay them. */
  ServerOps = 'server-ops',
  /** Commands people run on servers (ChatOps): long-running, so they never hold up the short operations. */
  ServerCommands = 'server-commands',
  /** Long-lived jobs that stream to a viewer (log follows): many at once, never in the short slots above. */
  ServerStreams = 'server-streams',
  /** Periodic server checks, metrics and their retention; apart so they never delay validations or operations. */
  ServerChecks = 'server-checks',
  /** Deployments: long (builds), so they never hold up the short server operations. */
  Deployments = 'deployments',
  /** Database operations: a create pulls an image and waits for the engine, so they never hold up the short server operations. */
  Databases = 'databases',
  /** Backups and restores: a dump of a large database lasts minutes to hours, so they never hold up database operations or deployments. */
  Backups = 'backups',
  /** Notifications: fan-out and deliveries to channels; mostly waiting on third-party services, so they never hold up anything else. */
  Notifications = 'notifications',
}

export enum JobName {
  /** Round trip through the queue: proves a worker is consuming, not just alive. */
  SystemProbe = 'system.probe',
  /** Connect to a server, pin or verify its host key, check the OS, Docker and disk. */
  ServerValidate = 'server.validate',
  /** One container operation on a server, answered to the waiting API request. */
  ServerContainers = 'server.containers',
  /** Run one command run (`{ runId }`, job id = run id, one attempt: a command is never re-run by itself). */
  ServerCommand = 'server.command',
  /** Repeating: fail running command runs whose worker died, re-queue queued ones whose job was lost. */
  CommandRunsReap = 'command-runs.reap',
  /** Follows a container's log for one viewer, writing lines to the follow's live topic until it ends. */
  ServerContainerLogsFollow = 'server.container-logs.follow',
  /** Repeating: claims the servers whose check is due and queues one `server.check` each. */
  ServerChecksTick = 'server.checks.tick',
  /** Samples one server (reachability, CPU, memory, disk, load, containers), stores it, evaluates its alert rules. */
  ServerCheck = 'server.check',
  /** Repeating: folds raw samples older than 7 days into 1-minute averages, drops those older than 30 days. */
  MetricsRetention = 'metrics.retention',
  /** Runs one deployment (`{ deploymentId }`, job id = deployment id): source, build, start, health, promote, retire, prune. */
  DeploymentRun = 'deployment.run',
  /** Repeating: fails running deployments whose worker died (and removes their new container), re-queues queued ones whose job was lost. */
  DeploymentsReap = 'deployments.reap',
  /** Installs the server's proxy if needed and routes its applications' domains (reloading Caddy only on a change). */
  ServerProxySync = 'server.proxy.sync',
  /** After an application is deleted: stops and removes its containers and images on its server (and its volumes when asked). */
  ApplicationCleanup = 'application.cleanup',
  /** One volume operation on a server (sizes, a team's volumes, removing an orphaned one), answered to the waiting API request. */
  ServerVolumes = 'server.volumes',
  /** Repeating: deletes webhook deliveries older than 30 days, keeping each application's latest 100. */
  WebhookDeliveriesPrune = 'webhook-deliveries.prune',
  /** Runs one database operation (`{ operationId }`, job id = operation id, one attempt): create, start, stop, restart, apply, rotate-password, delete. */
  DatabaseOperation = 'database.operation',
  /** Repeating: fails running database operations whose worker died (the database's status with them), re-queues queued ones whose job was lost. */
  DatabaseOperationsReap = 'database-operations.reap',
  /** Runs one backup (`{ backupId }`, job id = backup id, one attempt): dump, compress, encrypt, upload, verify the stored object, retention. */
  BackupRun = 'backup.run',
  /** Runs one restore (`{ restoreId }`, job id = restore id, one attempt): into the same database (after a safety backup), a new one, or a throwaway one that verifies a backup. */
  RestoreRun = 'restore.run',
  /** Repeating: fails running backups and restores whose worker died, re-queues queued ones whose job was lost. */
  BackupsReap = 'backups.reap',
  /** Repeating: claims the backup schedules whose slot is due and queues one backup each; marks schedules that missed their slot. */
  BackupSchedulesTick = 'backup-schedules.tick',
  /** Checks a backup destination (write, read back, delete a small object), answered to the waiting API request. */
  BackupDestinationCheck = 'backup-destination.check',
  /** A backup's stored object for the API: a presigned URL, or its removal (`BackupObjectOperation`), answered to the waiting request. */
  BackupObject = 'backup.object',
  /** Streams a backup's object between the API and its destination through a byte pipe: an uploaded dump in, a download out. */
  BackupTransfer = 'backup.transfer',
  /** Makes one delivery per channel subscribed to a notification event (and its in-app live event); job id `fanout-<eventId>`. */
  NotificationsFanout = 'notifications.fanout',
  /** One attempt of one delivery; a retry is a new delayed job (`deliver-<deliveryId>-<attempt>`). */
  NotificationDeliver = 'notification.deliver',
  /** "Send test": one test message to a channel's settings, answered to the waiting API request. */
  NotificationTest = 'notification.test',
  /** Fans out events and retries deliveries whose jobs Redis lost; prunes the delivery log. */
  NotificationsReap = 'notifications.reap',
  /** Sends one email through the instance's SMTP settings (invitations, password resets, a person's own notices). */
  MailSend = 'mail.send',
}

export interface JobPayloads {
  [JobName.SystemProbe]: { requestedAt: string };
  [JobName.ServerValidate]: { serverId: string };
  [JobName.ServerContainers]: ContainerOperation;
  [JobName.ServerCommand]: { runId: string };
  [JobName.CommandRunsReap]: Record<string, never>;
  /** `followId` names the live topic and the viewer's lease; it is also the job id. */
  [JobName.ServerContainerLogsFollow]: { serverId: string; containerId: string; tail: number; followId: string };
  [JobName.ServerChecksTick]: Record<string, never>;
  [JobName.ServerCheck]: { serverId: string };
  [JobName.MetricsRetention]: Record<string, never>;
  [JobName.DeploymentRun]: { deploymentId: string };
  /** `deleteVolumes`: also remove its named volumes (absent in jobs queued before volumes existed: kept). */
  [JobName.ApplicationCleanup]: { serverId: string; applicationId: string; stopGraceSeconds: number; deleteVolumes?: boolean };
  [JobName.ServerVolumes]: VolumeOperation;
  [JobName.DeploymentsReap]: Record<string, never>;
  [JobName.ServerProxySync]: { serverId: string };
  [JobName.WebhookDeliveriesPrune]: Record<string, never>;
  [JobName.DatabaseOperation]: { operationId: string };
  [JobName.DatabaseOperationsReap]: Record<string, never>;
  [JobName.BackupRun]: { backupId: string };
  [JobName.RestoreRun]: { restoreId: string };
  [JobName.BackupObject]: BackupObjectOperation;
  [JobName.BackupTransfer]: BackupTransferOperation;
  [JobName.BackupsReap]: Record<string, never>;
  [JobName.BackupSchedulesTick]: Record<string, never>;
  [JobName.BackupDestinationCheck]: BackupDestinationCheckJob;
  [JobName.NotificationsFanout]: { eventId: string };
  [JobName.NotificationDeliver]: { deliveryId: string };
  [JobName.NotificationTest]: NotificationTestJob;
  [JobName.NotificationsReap]: Record<string, never>;
  [JobName.MailSend]: MailSendJob;
}

export interface JobResults {
  [JobName.SystemProbe]: { workerId: string; receivedAt: string };
  [JobName.ServerValidate]: { status: ServerStatus };
  [JobName.ServerContainers]: ContainerOperationResult;
  /** `ran: false` when the run was no longer queued (cancelled, or a duplicate job). */
  [JobName.ServerCommand]: { ran: false } | { ran: true; status: CommandRunStatus };
  [JobName.CommandRunsReap]: { failed: number; requeued: number };
  /** Why the follow ended, as sent to the viewer. */
  [JobName.ServerContainerLogsFollow]: { reason: string };
  [JobName.ServerChecksTick]: { queued: number };
  /** `skipped`: the server was deleted, or is not in a state that is checked (pending, validating, invalid). */
  [JobName.ServerCheck]: { reachable: boolean; status: ServerStatus } | { skipped: true };
  [JobName.MetricsRetention]: { downsampled: number; deletedRaw: number; deletedMinute: number };
  /** `ran: false` when the deployment was no longer queued (cancelled, superseded, a duplicate job). */
  [JobName.DeploymentRun]: { ran: false } | { ran: true; status: DeploymentStatus };
  [JobName.ApplicationCleanup]: { skipped: true } | { containers: number; images: number; imagesKept: number; volumes?: number };
  [JobName.ServerVolumes]: VolumeOperationResult;
  [JobName.DeploymentsReap]: { failed: number; requeued: number };
  [JobName.ServerProxySync]: ProxySyncJobResult;
  [JobName.WebhookDeliveriesPrune]: { deleted: number };
  /** `ran: false` when the operation was no longer queued (a duplicate job). */
  [JobName.DatabaseOperation]: { ran: false } | { ran: true; status: DatabaseOperationStatus };
  [JobName.DatabaseOperationsReap]: { failed: number; requeued: number };
  /** `ran: false` when the backup was no longer queued (cancelled, a duplicate job). */
  [JobName.BackupRun]: { ran: false } | { ran: true; status: BackupStatus };
  [JobName.RestoreRun]: { ran: false } | { ran: true; status: RestoreStatus };
  [JobName.BackupObject]: BackupObjectResult;
  [JobName.BackupTransfer]: BackupTransferResult;
  [JobName.BackupsReap]: { failed: number; requeued: number };
  /** `queued`: backups queued for due slots; `missed`: schedules newly marked as having missed a slot. */
  [JobName.BackupSchedulesTick]: { queued: number; missed: number };
  [JobName.BackupDestinationCheck]: BackupDestinationCheckResult;
  [JobName.NotificationsFanout]: { deliveries: number; grouped: number } | { skipped: 'missing' | 'already fanned out' };
  [JobName.NotificationDeliver]: { status: NotificationDeliveryStatus } | { skipped: string };
  [JobName.NotificationTest]: NotificationTestResultDto;
  [JobName.NotificationsReap]: { fannedOut: number; requeued: number; pruned: number };
  [JobName.MailSend]: { sent: true } | { sent: false; reason: string };
}

export type JobPayload<J extends JobName> = JobPayloads[J];
export type JobResult<J extends JobName> = JobResults[J];

/** Which queue carries each job. */
export const JOB_QUEUE: { readonly [J in JobName]: QueueName } = {
  [JobName.SystemProbe]: QueueName.System,
  [JobName.ServerValidate]: QueueName.Servers,
  [JobName.ServerContainers]: QueueName.ServerOps,
  [JobName.ServerCommand]: QueueName.ServerCommands,
  [JobName.CommandRunsReap]: QueueName.System,
  [JobName.ServerContainerLogsFollow]: QueueName.ServerStreams,
  [JobName.ServerChecksTick]: QueueName.ServerChecks,
  [JobName.ServerCheck]: QueueName.ServerChecks,
  [JobName.MetricsRetention]: QueueName.ServerChecks,
  [JobName.DeploymentRun]: QueueName.Deployments,
  [JobName.ApplicationCleanup]: QueueName.Servers,
  [JobName.ServerVolumes]: QueueName.ServerOps,
  [JobName.DeploymentsReap]: QueueName.System,
  // With validations: short, per-server setup work that must not wait behind builds or checks.
  [JobName.ServerProxySync]: QueueName.Servers,
  [JobName.WebhookDeliveriesPrune]: QueueName.System,
  [JobName.DatabaseOperation]: QueueName.Databases,
  [JobName.DatabaseOperationsReap]: QueueName.System,
  [JobName.BackupRun]: QueueName.Backups,
  [JobName.RestoreRun]: QueueName.Backups,
  // Short: a URL signed, or one object removed.
  [JobName.BackupObject]: QueueName.ServerOps,
  // As long as the person's upload or download lasts, like a log follow.
  [JobName.BackupTransfer]: QueueName.ServerStreams,
  [JobName.BackupsReap]: QueueName.System,
  [JobName.BackupSchedulesTick]: QueueName.System,
  // With the other short operations a person waits for.
  [JobName.BackupDestinationCheck]: QueueName.ServerOps,
  [JobName.NotificationsFanout]: QueueName.Notifications,
  [JobName.NotificationDeliver]: QueueName.Notifications,
  [JobName.NotificationTest]: QueueName.Notifications,
  [JobName.NotificationsReap]: QueueName.System,
  [JobName.MailSend]: QueueName.Notifications,
};

/**
 * Jobs the worker schedules for itself, repeating: one BullMQ job scheduler per job name, shared by
 * every worker process (upserting it is idempotent), so the period holds however many workers run.
 * Their payloads are empty (`Record<string, never>`); the handler finds its work in Postgres.
 */
export const REPEATING_JOBS: { readonly [J in JobName]?: { everyMs: number } } = {
  [JobName.CommandRunsReap]: { everyMs: 30_000 },
  // The tick only claims due servers; each server's own interval (5..3600 s) decides how often it is checked.
  [JobName.ServerChecksTick]: { everyMs: 5_000 },
  [JobName.MetricsRetention]: { everyMs: 3_600_000 },
  // With RUN_LEASE_TTL_MS (10 s), a deployment whose worker died frees its application within 15 s.
  [JobName.DeploymentsReap]: { everyMs: 5_000 },
  [JobName.WebhookDeliveriesPrune]: { everyMs: 3_600_000 },
  // As deployments: with RUN_LEASE_TTL_MS (10 s), a database whose operation's worker died is not left `creating` for long.
  [JobName.DatabaseOperationsReap]: { everyMs: 5_000 },
  // As deployments: a backup or restore whose worker died is failed within about 15 s.
  [JobName.BackupsReap]: { everyMs: 5_000 },
  // A slot fires at most this late (BACKUP_SCHEDULES_TICK_MS, see repeatingJobPeriods).
  [JobName.BackupSchedulesTick]: { everyMs: 10_000 },
  // An event whose fan-out job was lost is sent within about this long (NOTIFICATIONS_REAP_MS, see repeatingJobPeriods).
  [JobName.NotificationsReap]: { everyMs: 5_000 },
};

export const ALL_JOB_NAMES: readonly JobName[] = Object.values(JobName);
