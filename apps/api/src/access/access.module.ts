import { Module } from '@nestjs/common';
import { TeamAccessService } from './team-access.service';

/**
 * The ground floor of the API's tenancy: who the caller is and the one gate in front of team-owned
 * resources. Feature modules import it; it imports no feature folder.
 */
@Module({ providers: [TeamAccessService], exports: [TeamAccessService] })
export class AccessModule {}
