export type { ExecResult, RemoteProcess, RemoteShell, StreamingShell } from './ssh/remote-shell';
export { packTar } from './proxy/small-tar';
export { HostKeyMismatchError, ConnectionLostError, SshConnection } from './ssh/ssh-connection';
export { ServerUnreachableError, SshPool } from './ssh/ssh-pool';
export type { PooledTarget } from './ssh/ssh-pool';
export { dockerOverSsh, releaseDocker } from './docker/docker-over-ssh';
export { ZPANEL_MANAGED_LABEL, ContainerNotFoundError, DockerContainers } from './docker/containers';
export type { ContainerSummary, ContainerDetails, ContainerOperations } from './docker/containers';
export type { LogStreamName } from './docker/log-demux';
export { SampleTimeoutError, RemoteServerSampler } from './metrics/server-sampler';
export type { ServerSample, ServerSampler } from './metrics/server-sampler';
export { ensureZpanelNetwork } from './docker/zpanel-network';
export { PROXY_CONFIG_FILE } from './proxy/caddy-config';
export { proxySitesFrom } from './proxy/proxy-sites';
export type { ProxiedApplication } from './proxy/proxy-sites';
export type { ProxySettings, ProxyConfigurator } from './proxy/proxy-configurator';
export { proxyDataVolume, DockerProxyConfigurator } from './proxy/docker-proxy-configurator';
export { DatabasePortTakenError, probeSucceeded, waitUntilReady } from './databases/database-ops';
export type {
  DatabaseContainerConfig,
  DatabaseContainerHealth,
  DatabaseContainerState,
  DatabaseExecResult,
  DatabaseOps,
  Readiness,
  ReadinessTimings,
} from './databases/database-ops';
export { DockerDatabaseOps } from './databases/docker-database-ops';
export { dockerMessage, dockerStatusCode, followDockerProgress, ignoringDockerStatus } from './docker/docker-api';
export type { DockerProgressEvent } from './docker/docker-api';
export { StorageError } from './storage/object-store';
export type { ObjectStore, PutOptions, PutResult, StorageErrorCode, StoredObject } from './storage/object-store';
export { BackupToolError } from './backups/backup-ops';
export { TarInventory } from './backups/tar-inventory';
export {
  BACKUP_HELPER_ROLE,
  BACKUP_SCRATCH_ROLE,
  DEFAULT_BACKUP_HELPER_IMAGE,
  DEFAULT_BACKUP_TIMINGS,
  DockerBackupOps,
} from './backups/docker-backup-ops';
export type { DockerBackupSettings } from './backups/docker-backup-ops';
export { S3_PART_SIZE_BYTES, S3ObjectStore, normalizedPrefix } from './storage/s3-object-store';
export type { OutboundResolver, S3ObjectStoreOptions, S3Settings } from './storage/s3-object-store';
export { DigestingStream, sha256Of } from './storage/digest';
export { ServerDirectoryStore, directoryCommands, storeKeyProblem } from './storage/server-directory-store';
export type { BackupOps, DatabasePlace, DatabaseTarget, DumpStream, ScratchDatabase, ScratchVolume } from './backups/backup-ops';
export type { ChannelSender, OpenedChannel, SendOutcome } from './notifications/channel-sender';
export type { Mailer, MailerMessage, SmtpTarget } from './notifications/mailer';
export { NotificationSenders } from './notifications/notification-senders';
export type { NotificationSendersOptions } from './notifications/notification-senders';
export { SmtpMailer } from './notifications/smtp-mailer';
export type { SmtpMailerOptions } from './notifications/smtp-mailer';
export { notificationEmail } from './notifications/notification-email';
export { parseRetryAfter } from './notifications/send-outcomes';
