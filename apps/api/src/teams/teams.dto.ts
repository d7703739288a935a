import { ApiProperty } from '@nestjs/swagger';
import { type CreateTeamRequest, Role, type TeamMembershipDto } from '@zpanel/contracts';
import { IsDisplayName } from '../http/validation';

export class TeamMembershipDoc implements TeamMembershipDto {
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ example: 'Acme' }) teamName: string;
  @ApiProperty({ enum: Role }) role: Role;
  @ApiProperty({ format: 'date-time' }) joinedAt: string;
}

export class CreateTeamDto implements CreateTeamRequest {
  @ApiProperty({ example: 'Acme staging' })
  @IsDisplayName()
  name: string;
}

export class TeamMembershipPageDoc {
  @ApiProperty({ type: [TeamMembershipDoc] }) items: TeamMembershipDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}
