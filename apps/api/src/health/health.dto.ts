import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ComponentCheck, ComponentName, HealthResponse, ReadinessResponse } from '@zpanel/contracts';

export class HealthResponseDto implements HealthResponse {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';
  @ApiProperty({ example: 3600 })
  uptimeSeconds: number;
}

export class ComponentCheckDto implements ComponentCheck {
  @ApiProperty({ enum: ['up', 'down'] })
  status: 'up' | 'down';
  @ApiProperty({ example: 2 })
  latencyMs: number;
  @ApiPropertyOptional({ example: 'Connection is closed.' })
  error?: string;
}

class ReadinessChecksDto implements Record<ComponentName, ComponentCheck> {
  @ApiProperty({ type: ComponentCheckDto })
  postgres: ComponentCheckDto;
  @ApiProperty({ type: ComponentCheckDto })
  redis: ComponentCheckDto;
}

export class ReadinessResponseDto implements ReadinessResponse {
  @ApiProperty({ enum: ['ready', 'unavailable'] })
  status: 'ready' | 'unavailable';
  @ApiProperty({ enum: ['postgres', 'redis'], isArray: true, example: [] })
  failing: ComponentName[];
  @ApiProperty({ type: ReadinessChecksDto })
  checks: ReadinessChecksDto;
}
