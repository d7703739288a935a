import { CreateInstance1795400000000 } from './1795400000000-create-instance';
import { CreateIdentity1795400100000 } from './1795400100000-create-identity';
import { CreateInvitationsAndRecoveryCodes1795400200000 } from './1795400200000-create-invitations-and-recovery-codes';
import { CreateApiTokens1795400300000 } from './1795400300000-create-api-tokens';
import { CreateAuditEvents1795400400000 } from './1795400400000-create-audit-events';
import { CreateServers1795400500000 } from './1795400500000-create-servers';
import { CreateCommandRuns1795400600000 } from './1795400600000-create-command-runs';
import { CreateServerMetricsAndAlerts1795400700000 } from './1795400700000-create-server-metrics-and-alerts';
import { CreateApplications1795400800000 } from './1795400800000-create-applications';
import { CreateDeployments1795400900000 } from './1795400900000-create-deployments';
import { CreateWebhooks1795401000000 } from './1795401000000-create-webhooks';
import { GitHostKey1795401100000 } from './1795401100000-git-host-key';
import { PreviewDeployments1795401200000 } from './1795401200000-preview-deployments';
import { TagDeploys1795401400000 } from './1795401400000-tag-deploys';
import { WebhookReplay1796617123733 } from './1796617123733-webhook-replay';
import { SealCommandOutput1796618815985 } from './1796618815985-seal-command-output';
import { DeploymentImageTag1795401300000 } from './1795401300000-deployment-image-tag';
import { PrunedImagesByTag1796616611279 } from './1796616611279-pruned-images-by-tag';
import { RepeatingJobRuns1796616700996 } from './1796616700996-repeating-job-runs';
import { ServerDockerEngine1796618455889 } from './1796618455889-server-docker-engine';
import { ReasonCodes1796619179946 } from './1796619179946-reason-codes';
import { CreateDatabases1796632312148 } from './1796632312148-create-databases';
import { DatabaseReferences1796635883952 } from './1796635883952-database-references';
import { CreateDatabaseOperations1796636778593 } from './1796636778593-create-database-operations';
import { ApplicationMounts1796637312205 } from './1796637312205-application-mounts';
import { CreateBackups1796646609160 } from './1796646609160-create-backups';
import { BackupMissedAlerts1796660000000 } from './1796660000000-backup-missed-alerts';
import { CreateNotifications1796670000000 } from './1796670000000-create-notifications';
import { InstanceSettings1796670100000 } from './1796670100000-instance-settings';
import { PasswordResets1796670200000 } from './1796670200000-password-resets';

/** Every migration, oldest first. Listed explicitly (no glob) so builds cannot miss one. */
export const MIGRATIONS = [
  CreateInstance1795400000000,
  CreateIdentity1795400100000,
  CreateInvitationsAndRecoveryCodes1795400200000,
  CreateApiTokens1795400300000,
  CreateAuditEvents1795400400000,
  CreateServers1795400500000,
  CreateCommandRuns1795400600000,
  CreateServerMetricsAndAlerts1795400700000,
  CreateApplications1795400800000,
  CreateDeployments1795400900000,
  CreateWebhooks1795401000000,
  GitHostKey1795401100000,
  PreviewDeployments1795401200000,
  DeploymentImageTag1795401300000,
  TagDeploys1795401400000,
  PrunedImagesByTag1796616611279,
  RepeatingJobRuns1796616700996,
  WebhookReplay1796617123733,
  ServerDockerEngine1796618455889,
  SealCommandOutput1796618815985,
  ReasonCodes1796619179946,
  CreateDatabases1796632312148,
  DatabaseReferences1796635883952,
  CreateDatabaseOperations1796636778593,
  ApplicationMounts1796637312205,
  CreateBackups1796646609160,
  BackupMissedAlerts1796660000000,
  CreateNotifications1796670000000,
  InstanceSettings1796670100000,
  PasswordResets1796670200000,
];
