import type { EntityManager } from 'typeorm';
import { ApiTokensRepository } from './api-tokens.repository';
import { AuditEventsRepository } from './audit-events.repository';
import type { EntityRepository } from './entity-repository';
import { InstanceRepository } from './instance.repository';
import { InvitationsRepository } from './invitations.repository';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { ServersRepository } from './servers.repository';
import { TeamMembersRepository } from './team-members.repository';
import { TeamsRepository } from './teams.repository';
import { UsersRepository } from './users.repository';

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
];
