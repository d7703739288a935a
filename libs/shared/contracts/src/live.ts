/**
 * Live events: the worker appends events to a Redis stream per topic; the API's socket.io gateway
 * authorizes a `live:subscribe` against the caller's team, replays what the client missed (entries
 * after its last id) and then forwards new entries. Event payloads per kind are declared here so the
 * worker that writes them and the SPA that reads them cannot drift apart.
 */
import type { BackupRunLiveEvent } from './backups';
import type { NotificationLiveEvent } from './notifications';
import type { AlertEventDto, ServerMetricSampleDto } from './metrics';
import type { CommandRunStatus } from './command-runs';
import type { DatabaseOperationStatus, DatabaseStatus } from './databases';
import type { DeploymentLogLine, DeploymentStatus, DeploymentStep } from './deployments';
import type { ReasonCode } from './reasons';
import type { ServerStatus } from './servers';

/** What a client can subscribe to. Every request is authorized against the resource's team. */
export type LiveSubscribeRequest =
  /** Status changes and alerts of every server of a team (servers list). */
  | { kind: 'team'; teamId: string }
  /** Metric samples, status changes and alerts of one server (server page). */
  | { kind: 'server'; serverId: string }
  /** Output of a command run, replayed from the start (or after `after`) then live. */
  | { kind: 'command-run'; runId: string; after?: string }
  /** Follows a container's logs: the last `tail` lines, then new ones until unsubscribed. */
  | { kind: 'container-logs'; serverId: string; containerId: string; tail?: number }
  /**
   * A deployment's log: stored lines after `afterSeq` (default 0: from the first), then new ones as
   * the worker writes them, each line once and in order; then the current status.
   */
  | { kind: 'deployment-logs'; deploymentId: string; afterSeq?: number }
  /** A database operation's log lines, replayed from the start (or after `after`), then live, then how it ended. */
  | { kind: 'database-operation'; operationId: string; after?: string }
  /** A backup run's log lines and status (`BackupRunLiveEvent`), replayed from the start (or after `after`), then live. */
  | { kind: 'backup'; backupId: string; after?: string }
  /** A restore's log lines and status (`BackupRunLiveEvent`), replayed from the start (or after `after`), then live. */
  | { kind: 'restore'; restoreId: string; after?: string }
  /**
   * The caller's notification centre in one team (`NotificationLiveEvent`): the team's events, the
   * owners' notices when the caller is an owner, and the caller's own (sign-ins, 2FA), as they are
   * fanned out. No replay: the SPA reads the list over REST and this keeps it fresh.
   */
  | { kind: 'notifications'; teamId: string };

/**
 * The client names the subscription (unique on its connection), so events replayed before the
 * acknowledgement arrives can already be routed.
 */
export type LiveSubscribeMessage = LiveSubscribeRequest & { subscriptionId: string };
export const SUBSCRIPTION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export type LiveKind = LiveSubscribeRequest['kind'];
export const LIVE_KINDS: readonly LiveKind[] = [
  'team',
  'server',
  'command-run',
  'container-logs',
  'deployment-logs',
  'database-operation',
  'backup',
  'restore',
  'notifications',
];

export type LiveSubscribeResult =
  | { ok: true; subscriptionId: string }
  /** Same status and wording as the REST API: a resource of another team is a 404. */
  | { ok: false; status: number; code: string; message: string; errors?: { field: string; message: string }[] };

export interface LiveEventMessage<E = unknown> {
  subscriptionId: string;
  /**
   * Stream entry id; pass it back as `after` to resume where the client left off. For
   * `deployment-logs`, the last line `seq` delivered so far (resume with it as `afterSeq`).
   */
  id: string;
  event: E;
}

/**
 * Why the gateway ended a subscription on its own. `revoked`: the connection's credential no longer
 * works (API token revoked or expired, session signed out, account deleted); `forbidden`: the caller
 * may no longer see that resource (removed from the team, role changed); `expired`: the access token
 * expired. In every case but `forbidden` the gateway then closes the connection; after `expired` the
 * SPA refreshes its session and reconnects with the new access token (a refused refresh signs it out).
 */
export type LiveEndReason = 'revoked' | 'forbidden' | 'expired';

export interface LiveEndedMessage {
  subscriptionId: string;
  reason: LiveEndReason;
  message: string;
}

/** Named topics; the key is the Redis stream's name below the instance prefix. */
export interface LiveTopic<K extends LiveKind = LiveKind> {
  kind: K;
  key: string;
}

export const LiveTopics = {
  team: (teamId: string): LiveTopic<'team'> => ({ kind: 'team', key: `team:${teamId}` }),
  server: (serverId: string): LiveTopic<'server'> => ({ kind: 'server', key: `server:${serverId}` }),
  commandRun: (runId: string): LiveTopic<'command-run'> => ({ kind: 'command-run', key: `command-run:${runId}` }),
  /** One stream per follow session: two viewers of one container each get their own tail. */
  containerLogs: (followId: string): LiveTopic<'container-logs'> => ({ kind: 'container-logs', key: `container-logs:${followId}` }),
  deploymentLogs: (deploymentId: string): LiveTopic<'deployment-logs'> => ({ kind: 'deployment-logs', key: `deployment:${deploymentId}` }),
  databaseOperation: (operationId: string): LiveTopic<'database-operation'> => ({
    kind: 'database-operation',
    key: `database-operation:${operationId}`,
  }),
  /** Written by the worker's backup run (lines, then each status change). */
  backup: (backupId: string): LiveTopic<'backup'> => ({ kind: 'backup', key: `backup:${backupId}` }),
  /** Written by the worker's restore run (lines, then each status change). */
  restore: (restoreId: string): LiveTopic<'restore'> => ({ kind: 'restore', key: `restore:${restoreId}` }),
  /** Written by the notification fan-out: events every member of the team sees. */
  teamNotifications: (teamId: string): LiveTopic<'notifications'> => ({ kind: 'notifications', key: `notifications:team:${teamId}` }),
  /** Written by the notification fan-out: one person's own events, and the owners' notices to each owner. */
  userNotifications: (userId: string): LiveTopic<'notifications'> => ({ kind: 'notifications', key: `notifications:user:${userId}` }),
} as const;

/** Events of the `team` (every server of the team) and `server` kinds. */
export type ServerLiveEvent =
  /** A server's reachability or validation status changed. */
  | { type: 'status'; serverId: string; status: ServerStatus; statusReason: string | null; statusReasonCode: ReasonCode | null }
  /** A new raw sample from the server check. */
  | { type: 'metrics'; serverId: string; sample: ServerMetricSampleDto }
  /** An alert opened or resolved. */
  | { type: 'alert'; serverId: string; alert: AlertEventDto };

export interface ContainerLogLine {
  stream: 'stdout' | 'stderr';
  line: string;
}

export type ContainerLogLiveEvent =
  | { type: 'lines'; lines: ContainerLogLine[] }
  /** The follow ended (container stopped, follow stopped, time limit, or an error in words). */
  | { type: 'end'; reason: string };

export type CommandRunLiveEvent =
  { type: 'output'; stream: 'stdout' | 'stderr'; data: string } | { type: 'finished'; status: CommandRunStatus; exitCode: number | null };

export type DeploymentLiveEvent =
  /** Lines in `seq` order; resume with the last `seq` seen as `afterSeq`. */
  | { type: 'lines'; lines: DeploymentLogLine[] }
  | { type: 'status'; status: DeploymentStatus; step: DeploymentStep; reason: string | null; reasonCode: ReasonCode | null };

export type DatabaseOperationLiveEvent =
  /** Log lines in order (passwords redacted), batched. */
  | { type: 'lines'; lines: string[] }
  /** The operation's status changed (running, then how it ended) and, with it, the database's. */
  | {
      type: 'status';
      status: DatabaseOperationStatus;
      reason: string | null;
      reasonCode: ReasonCode | null;
      /** The database's status after the change; null once the database is deleted. */
      databaseStatus: DatabaseStatus | null;
    };

/** The event type each kind carries. */
export interface LiveEventMap {
  team: ServerLiveEvent;
  server: ServerLiveEvent;
  'command-run': CommandRunLiveEvent;
  'container-logs': ContainerLogLiveEvent;
  'deployment-logs': DeploymentLiveEvent;
  'database-operation': DatabaseOperationLiveEvent;
  backup: BackupRunLiveEvent;
  restore: BackupRunLiveEvent;
  notifications: NotificationLiveEvent;
}
