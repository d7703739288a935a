import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AuditAction, type AuditEventDto, type AuditEventQuery } from '@zpanel/contracts';
import { IsEnum, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../http/pagination';

export class AuditEventQueryDto extends PageQueryDto implements AuditEventQuery {
  @ApiPropertyOptional({ enum: AuditAction })
  @IsOptional()
  @IsEnum(AuditAction, { message: 'action must be one of the audit actions' })
  action?: AuditAction;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('4', { message: 'actorId must be a UUID' })
  actorId?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date-time' })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 date-time' })
  until?: string;
}

class AuditActorDoc {
  @ApiProperty({ enum: ['user', 'token', 'anonymous'] }) type: 'user' | 'token' | 'anonymous';
  @ApiPropertyOptional({ nullable: true }) id: string | null;
  @ApiPropertyOptional({ nullable: true }) name: string | null;
}

class AuditTargetDoc {
  @ApiProperty({ example: 'member' }) type: string;
  @ApiProperty() id: string;
}

export class AuditEventDoc implements AuditEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) teamId: string | null;
  @ApiProperty({ enum: AuditAction }) action: AuditAction;
  @ApiProperty({ type: AuditActorDoc }) actor: AuditActorDoc;
  @ApiPropertyOptional({ type: AuditTargetDoc, nullable: true }) target: AuditTargetDoc | null;
  @ApiPropertyOptional({ nullable: true }) ip: string | null;
  @ApiPropertyOptional({ nullable: true }) userAgent: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AuditEventPageDoc {
  @ApiProperty({ type: [AuditEventDoc] }) items: AuditEventDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}
