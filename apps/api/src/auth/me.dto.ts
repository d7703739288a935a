import { ApiProperty } from '@nestjs/swagger';
import { type MeResponse, Role, type TeamMembershipDto } from '@zpanel/contracts';
import { UserDtoDoc } from './auth.dto';

export class TeamMembershipDoc implements TeamMembershipDto {
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ example: 'Acme' }) teamName: string;
  @ApiProperty({ enum: Role }) role: Role;
  @ApiProperty({ format: 'date-time' }) joinedAt: string;
}

export class MeDto implements MeResponse {
  @ApiProperty({ type: UserDtoDoc }) user: UserDtoDoc;
  @ApiProperty({ type: [TeamMembershipDoc] }) teams: TeamMembershipDoc[];
}
