import { AlertEventEntity, toAlertEventDto } from './alert-event.entity';
import { AlertRuleEntity, DEFAULT_ALERT_RULES } from './alert-rule.entity';
import { ApiTokenEntity } from './api-token.entity';
import { ApplicationDomainEntity } from './application-domain.entity';
import { ApplicationMountEntity, mountContentAad } from './application-mount.entity';
import { ApplicationEntity, gitTokenAad } from './application.entity';
import { EnvVarEntity, envVarAad, referencesOf, storedReference } from './env-var.entity';
import { EnvironmentEntity } from './environment.entity';
import { ProjectEntity } from './project.entity';
import { AuditEventEntity } from './audit-event.entity';
import { BackupDestinationEntity, backupSecretKeyAad } from './backup-destination.entity';
import { BackupScheduleEntity } from './backup-schedule.entity';
import { BackupEntity } from './backup.entity';
import { RestoreEntity } from './restore.entity';
import { CommandRunEntity, commandOutputAad } from './command-run.entity';
import { DatabaseEntity, databasePasswordAad, databaseRootPasswordAad } from './database.entity';
import { DatabaseOperationEntity } from './database-operation.entity';
import { DeploymentEntity, DeploymentLogEntity } from './deployment.entity';
import { InstanceEntity, type InstanceSmtpSettings, instanceSmtpPasswordAad } from './instance.entity';
import { InvitationEntity } from './invitation.entity';
import { PasswordResetEntity } from './password-reset.entity';
import { RecoveryCodeEntity } from './recovery-code.entity';
import { RefreshTokenEntity } from './refresh-token.entity';
import { type MetricResolution, ServerMetricEntity } from './server-metric.entity';
import { ServerEntity } from './server.entity';
import { SshKeyEntity, sshKeyAad } from './ssh-key.entity';
import { TeamMemberEntity } from './team-member.entity';
import { TeamEntity } from './team.entity';
import { UserEntity } from './user.entity';
import { WebhookDeliveryEntity, webhookSecretAad } from './webhook-delivery.entity';
import {
  NotificationChannelEntity,
  NotificationDeliveryEntity,
  NotificationEventEntity,
  NotificationReadEntity,
  notificationChannelSecretsAad,
  notificationTestSecretsAad,
} from './notification.entities';

export { DeploymentEntity, DeploymentLogEntity };
export { WebhookDeliveryEntity, webhookSecretAad };
export { type InstanceSmtpSettings, instanceSmtpPasswordAad };
export {
  NotificationChannelEntity,
  NotificationDeliveryEntity,
  NotificationEventEntity,
  NotificationReadEntity,
  notificationChannelSecretsAad,
  notificationTestSecretsAad,
};
export { gitTokenAad };
export { ApplicationMountEntity, mountContentAad };
export { DatabaseEntity, databasePasswordAad, databaseRootPasswordAad, DatabaseOperationEntity };
export { BackupDestinationEntity, backupSecretKeyAad, BackupScheduleEntity, BackupEntity, RestoreEntity };
export { AlertEventEntity, toAlertEventDto, AlertRuleEntity, DEFAULT_ALERT_RULES, type MetricResolution, ServerMetricEntity };
export {
  ApiTokenEntity,
  ApplicationDomainEntity,
  ApplicationEntity,
  EnvVarEntity,
  envVarAad,
  referencesOf,
  storedReference,
  EnvironmentEntity,
  ProjectEntity,
  AuditEventEntity,
  CommandRunEntity,
  commandOutputAad,
  InstanceEntity,
  InvitationEntity,
  PasswordResetEntity,
  RecoveryCodeEntity,
  RefreshTokenEntity,
  ServerEntity,
  SshKeyEntity,
  sshKeyAad,
  TeamEntity,
  TeamMemberEntity,
  UserEntity,
};

export const ENTITIES = [
  InstanceEntity,
  UserEntity,
  TeamEntity,
  TeamMemberEntity,
  RefreshTokenEntity,
  InvitationEntity,
  RecoveryCodeEntity,
  ApiTokenEntity,
  AuditEventEntity,
  SshKeyEntity,
  ServerEntity,
  CommandRunEntity,
  ProjectEntity,
  EnvironmentEntity,
  ApplicationEntity,
  ApplicationDomainEntity,
  ApplicationMountEntity,
  EnvVarEntity,
  DatabaseEntity,
  DatabaseOperationEntity,
  ServerMetricEntity,
  AlertRuleEntity,
  AlertEventEntity,
  DeploymentEntity,
  DeploymentLogEntity,
  WebhookDeliveryEntity,
  BackupDestinationEntity,
  BackupScheduleEntity,
  BackupEntity,
  RestoreEntity,
  NotificationChannelEntity,
  NotificationEventEntity,
  NotificationDeliveryEntity,
  NotificationReadEntity,
  PasswordResetEntity,
];
