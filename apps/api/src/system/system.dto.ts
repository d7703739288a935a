import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { RepeatingJobStatus, SystemStatus, WorkerInfo, WorkerProbeResult } from '@zpanel/contracts';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { ReadinessResponseDto } from '../health/health.dto';

/** Query strings are text: only the words true/false become booleans, anything else fails validation. */
const strictBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class SystemStatusQuery {
  @ApiPropertyOptional({ description: 'Also send a job through the queue and time the round trip', example: true })
  @IsOptional()
  @Transform(strictBoolean)
  @IsBoolean()
  probe?: boolean;
}

class WorkerInfoDto implements WorkerInfo {
  @ApiProperty({ example: 'zp-host-1234-ab12cd' })
  id: string;
  @ApiProperty({ example: 'zpanel-host' })
  hostname: string;
  @ApiProperty({ example: 1234 })
  pid: number;
  @ApiProperty({ example: '0.1.0' })
  version: string;
  @ApiProperty({ format: 'date-time' })
  startedAt: string;
  @ApiProperty({ format: 'date-time' })
  lastSeenAt: string;
  @ApiProperty({ example: ['system'] })
  queues: string[];
}

class RepeatingJobStatusDto implements RepeatingJobStatus {
  @ApiProperty({ example: 'deployments.reap' })
  name: string;
  @ApiProperty({ example: 15000, description: 'Period in milliseconds' })
  everyMs: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Last successful run; null if it never ran' })
  lastRunAt: string | null;
  @ApiProperty({ description: 'Not run for more than two periods: no worker runs it, or its schedule is lost' })
  overdue: boolean;
}

class WorkerProbeResultDto implements WorkerProbeResult {
  @ApiProperty()
  ok: boolean;
  @ApiProperty({ example: 12 })
  roundTripMs: number;
  @ApiPropertyOptional()
  workerId?: string;
  @ApiPropertyOptional({ example: 'no worker answered within 3000 ms' })
  error?: string;
}

export class SystemStatusDto implements SystemStatus {
  @ApiProperty({ example: '0.1.0' })
  version: string;
  @ApiProperty({ format: 'uuid' })
  instanceId: string;
  @ApiProperty({ format: 'date-time' })
  apiStartedAt: string;
  @ApiProperty({ type: ReadinessResponseDto })
  readiness: ReadinessResponseDto;
  @ApiProperty({ type: [WorkerInfoDto] })
  workers: WorkerInfoDto[];
  @ApiProperty({ type: [RepeatingJobStatusDto], description: 'Jobs the workers schedule themselves, with their last run' })
  repeatingJobs: RepeatingJobStatusDto[];
  @ApiPropertyOptional({ type: WorkerProbeResultDto })
  probe?: WorkerProbeResultDto;
}
