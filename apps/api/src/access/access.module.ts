import { Module } from '@nestjs/common';
import { AccessChanges } from './access-changes';
import { TeamAccessService } from './team-access.service';

/**
 * The ground floor of the API's tenancy: who the caller is, the one gate in front of team-owned
 * resources, and the broadcast of access changes. Feature modules import it; it imports no feature
 * folder.
 */
@Module({ providers: [TeamAccessService, AccessChanges], exports: [TeamAccessService, AccessChanges] })
export class AccessModule {}
