import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SystemStatus } from '@zpanel/contracts';
import { ProblemResponseDto } from '../http/problem-response.dto';
import { SystemStatusDto, SystemStatusQuery } from './system.dto';
import { SystemService } from './system.service';

@ApiTags('system')
@ApiBearerAuth()
@Controller('system')
export class SystemController {
  constructor(private readonly system: SystemService) {}

  @Get('status')
  @ApiOperation({ summary: 'Version, readiness, running workers, and optionally a queue round trip' })
  @ApiOkResponse({ type: SystemStatusDto })
  @ApiBadRequestResponse({ type: ProblemResponseDto, description: 'Unknown query parameter or a value of the wrong type' })
  status(@Query() query: SystemStatusQuery): Promise<SystemStatus> {
    return this.system.status({ probe: query.probe });
  }
}
