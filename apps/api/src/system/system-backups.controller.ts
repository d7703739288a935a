import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { InstanceBackupAccessDto } from '@zpanel/contracts';
import { type Caller, CurrentCaller } from '../access/caller';
import { InstanceOperatorsService } from '../access/instance-operators.service';
import { InstanceBackupAccessResponseDto } from './system-backups.dto';

/**
 * Backups of Zpanel's own PostgreSQL (docs/backups.md, "Instance backups"), for the instance's
 * operators: the owners of its first team (InstanceOperatorsService). Routes: INSTANCE_BACKUP_ROUTES.
 */
@ApiTags('system')
@ApiBearerAuth()
@Controller('system/backups')
export class SystemBackupsController {
  constructor(private readonly operators: InstanceOperatorsService) {}

  @Get('access')
  @ApiOperation({ summary: 'Whether the caller may manage instance backups, and which team’s destinations they go to' })
  @ApiOkResponse({ type: InstanceBackupAccessResponseDto })
  access(@CurrentCaller() caller: Caller): Promise<InstanceBackupAccessDto> {
    return this.operators.access(caller);
  }
}
