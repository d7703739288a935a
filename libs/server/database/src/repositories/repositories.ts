import type { EntityManager } from 'typeorm';
import { AlertEventsRepository } from './alert-events.repository';
import { AlertRulesRepository } from './alert-rules.repository';
import { ApiTokensRepository } from './api-tokens.repository';
import { ApplicationDomainsRepository } from './application-domains.repository';
import { ApplicationMountsRepository } from './application-mounts.repository';
import { ApplicationsRepository } from './applications.repository';
import { AuditEventsRepository } from './audit-events.repository';
import { BackupDestinationsRepository } from './backup-destinations.repository';
import { BackupSchedulesRepository } from './backup-schedules.repository';
import { BackupsRepository } from './backups.repository';
import { RestoresRepository } from './restores.repository';
import { CommandRunsRepository } from './command-runs.repository';
import { DatabaseOperationsRepository } from './database-operations.repository';
import { DatabasesRepository } from './databases.repository';
import { DeploymentsRepository } from './deployments.repository';
import type { EntityRepository } from './entity-repository';
import { EnvVarsRepository } from './env-vars.repository';
import { EnvironmentsRepository } from './environments.repository';
import { InstanceRepository } from './instance.repository';
import { InvitationsRepository } from './invitations.repository';
import { PasswordResetsRepository } from './password-resets.repository';
import { ProjectsRepository } from './projects.repository';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { ServerMetricsRepository } from './server-metrics.repository';
import { ServersRepository } from './servers.repository';
import { SshKeysRepository } from './ssh-keys.repository';
import { TeamMembersRepository } from './team-members.repository';
import { TeamsRepository } from './teams.repository';
import { UsersRepository } from './users.repository';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { NotificationCentreRepository } from './notification-centre.repository';
import { NotificationChannelsRepository } from './notification-channels.repository';
import { NotificationDeliveriesRepository } from './notification-deliveries.repository';
import { NotificationEventsRepository } from './notification-events.repository';
import { NotificationPlacesRepository } from './notification-places.repository';

/** Every repository, provided by `DatabaseModule` to the API and the worker alike. */
export const REPOSITORIES: ReadonlyArray<new (manager: EntityManager) => EntityRepository<object>> = [
  ServersRepository,
  UsersRepository,
  TeamsRepository,
  TeamMembersRepository,
  InvitationsRepository,
  RefreshTokensRepository,
  RecoveryCodesRepository,
  ApiTokensRepository,
  AuditEventsRepository,
  InstanceRepository,
  ProjectsRepository,
  EnvironmentsRepository,
  ApplicationsRepository,
  ApplicationDomainsRepository,
  ApplicationMountsRepository,
  EnvVarsRepository,
  DatabasesRepository,
  DatabaseOperationsRepository,
  DeploymentsRepository,
  WebhookDeliveriesRepository,
  SshKeysRepository,
  AlertRulesRepository,
  AlertEventsRepository,
  ServerMetricsRepository,
  CommandRunsRepository,
  BackupDestinationsRepository,
  BackupSchedulesRepository,
  BackupsRepository,
  RestoresRepository,
  NotificationChannelsRepository,
  NotificationEventsRepository,
  NotificationDeliveriesRepository,
  NotificationCentreRepository,
  NotificationPlacesRepository,
  PasswordResetsRepository,
];
