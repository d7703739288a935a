import { ApiProperty } from '@nestjs/swagger';
import type { MeResponse } from '@zpanel/contracts';
import { TeamMembershipDoc } from '../teams/teams.dto';
import { UserDtoDoc } from './auth.dto';

export class MeDto implements MeResponse {
  @ApiProperty({ type: UserDtoDoc }) user: UserDtoDoc;
  @ApiProperty({ type: [TeamMembershipDoc] }) teams: TeamMembershipDoc[];
}
