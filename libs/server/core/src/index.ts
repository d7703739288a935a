export * from './config/app-config';
export { loadConfig } from './config/load-config';
export * from './config/repeating-jobs';
export * from './config/boot';
export * from './config/config.module';
export { ERROR_TITLE, AppException } from './errors/app-exception';
export * from './errors/reason-error';
export { createLogger, PinoNestLogger } from './logging/logger';
export { InjectLogger, LoggerModule } from './logging/logger.module';
export { keyId, SecretBox } from './crypto/secret-box';
export { quoteShellArg, buildShellCommand } from './shell/shell-quote';
export * from './shell/injection-payloads';
export * from './version';
export * from './lifecycle/close-on-signals';
export * from './auth';
export { SshKeyError, generateSshKeyPair, inspectPrivateKey, knownHostsFingerprints } from './ssh/ssh-keys';
export { ContainerParamError, parseContainerId, parseLogTail, parseStopTimeoutSeconds, parseLogSince, parseFlag } from './docker/container-params';
export {
  appName,
  gitBranch,
  gitCommit,
  gitUrl,
  buildTarget,
  imageReference,
  imageTag,
  domainName,
  previewDomain,
  previewAppName,
  previewDomainOf,
  pullRequestRef,
  gitTag,
  tagRef,
  isFetchableRef,
  watchPathsProblem,
  envKey,
  APPLICATION_FIELD_RULES,
} from './applications/application-fields';
export type { ApplicationField } from './applications/application-fields';
export { parseDotenv, formatDotenv } from './applications/dotenv';
export {
  MAX_REFERENCES_PER_VALUE,
  distinctReferences,
  formatReference,
  parseValueReferences,
  substituteReferences,
} from './applications/variable-references';
export type { ParsedValue, ValuePart } from './applications/variable-references';
export { globMatches, matchWatchPaths } from './applications/glob';
export { ZPANEL_LABELS, zpanelDockerNames } from './docker/zpanel-names';
export type { ZpanelDockerNames } from './docker/zpanel-names';
export * from './docker/image-reference';
export {
  AddressNotAllowedError,
  AddressPolicy,
  DEFAULT_OUTBOUND_DENIED_CIDRS,
  DEFAULT_SERVER_DENIED_CIDRS,
  gitUrlHost,
} from './network/address-policy';
export type { AddressPolicySettings, HostResolver } from './network/address-policy';
// Database engines: what the worker builds commands and containers with. The SQL quoting helpers and
// the URL formatter stay internal (the builders use them); nothing else of ./databases is public.
export { databaseName, databaseUserName, databasePassword, generateDatabasePassword } from './databases/database-fields';
export {
  DatabaseCommandError,
  checkDatabaseCredentials,
  checkConnectionCredentials,
  newDatabaseCredentials,
  databaseContainer,
  readinessProbe,
  passwordRotation,
} from './databases/engine-commands';
export type { ConnectionCredentials, DatabaseCredentials, DatabaseContainerSpec, EngineCommand } from './databases/engine-commands';
export { connectionUrl, connectionVariables } from './databases/connection';
export type { DatabaseEndpoint } from './databases/connection';
export { parseEngineTag, imageTagChangeProblem } from './databases/engine-tags';
// Zpanel's own PostgreSQL (instance backups): pg_dump / pg_restore argv and libpq environment.
export {
  PgToolsError,
  libpqEnvironment,
  pgDumpArgv,
  pgRestoreArgv,
  pgToolMajor,
  pgServerMajor,
  pgDumpVersionProblem,
  INVENTORY_TABLES_SQL,
  countRowsSql,
  createDatabaseSql,
  dropDatabaseSql,
  USER_SCHEMAS_SQL,
  dropSchemaSql,
} from './databases/pg-client-tools';
export {
  VOLUME_MOUNT,
  mysqlDumpCommand,
  mysqlRestoreCommand,
  mysqlToolNames,
  parseRedisConfig,
  parseRedisInfo,
  parseSqlInventory,
  pgDumpCommand,
  pgRestoreCommand,
  redisBackupCommand,
  redisFiles,
  redisReadRdbCommand,
  redisReplaceRdbCommand,
  sqlInventoryCommand,
  toolVersionCommand,
  volumeCommand,
} from './databases/backup-commands';
export type { RedisBackupQuery, RedisFiles } from './databases/backup-commands';
export type { EngineTag } from './databases/engine-tags';
export {
  bindHostPathProblem,
  deniedHostPathOf,
  hostPathProblem,
  isPathUnder,
  mountPathProblem,
  overlappingMountPaths,
  volumeNameProblem,
} from './applications/mount-paths';
// Backups: the stored object's format (compress, then encrypt in authenticated chunks) and the
// per-destination data keys (docs/backups.md, "Backup format").
export {
  BACKUP_FILE_EXTENSION,
  BACKUP_HEADER_BYTES,
  BackupDecoder,
  BackupEncoder,
  BackupIntegrityError,
  createBackupDecoder,
  createBackupEncoder,
  parseBackupHeader,
} from './backups/backup-archive';
export type { BackupArchiveCompression, BackupDecoderOptions, BackupEncoderOptions, BackupHeader } from './backups/backup-archive';
export { backupDataKeyId, newBackupDataKey, openBackupDataKey, sealBackupDataKey } from './backups/backup-data-key';
export { CRON_MAX_LENGTH, TIMEZONE_MAX_LENGTH, cronProblem, describeCron, nextRunAt, timezoneProblem } from './backups/cron-schedule';
export { backupPrefixProblem, bucketNameProblem, s3EndpointProblem, s3KeyProblem, s3RegionProblem } from './backups/destination-fields';
export { SIGNING_SECRET_PREFIX, newSigningSecret, signingSecretKey } from './notifications/signing-secret';
// Notification channels' fields (docs/notifications.md, "Channels").
export {
  EMAIL_ADDRESS_MAX_LENGTH,
  NOTIFICATION_URL_MAX_LENGTH,
  type NotificationUrlUse,
  accessTokenProblem,
  emailAddressProblem,
  emailRecipientsProblem,
  eventKindsProblem,
  filterIdsProblem,
  notificationUrlHost,
  notificationUrlProblem,
  ntfyTopicProblem,
  portProblem,
  signingSecretProblem,
  smtpHostProblem,
  smtpPasswordProblem,
  smtpSecurityProblem,
  smtpUsernameProblem,
  telegramBotTokenProblem,
  telegramChatIdProblem,
} from './notifications/channel-fields';
