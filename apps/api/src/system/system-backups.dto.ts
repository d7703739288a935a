import { ApiProperty } from '@nestjs/swagger';
import type { InstanceBackupAccessDto } from '@zpanel/contracts';

export class InstanceBackupAccessResponseDto implements InstanceBackupAccessDto {
  @ApiProperty({ description: 'The caller is an instance operator (an owner of the first team)' })
  allowed: boolean;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: "The instance's first team: its owners operate the instance, its destinations hold instance backups",
  })
  teamId: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Acme' })
  teamName: string | null;
  @ApiProperty({ nullable: true, type: String, example: "Instance backups are managed by the owners of Acme, the instance's first team" })
  reason: string | null;
}
