import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  BACKUP_LIMITS,
  BACKUP_SOURCE_KINDS,
  type BackupScheduleDto,
  type BackupSourceKind,
  type CreateBackupScheduleRequest,
  type CreateInstanceBackupScheduleRequest,
  type UpdateBackupScheduleRequest,
  type UpdateInstanceBackupScheduleRequest,
} from '@zpanel/contracts';
import { IsBoolean, IsOptional, IsString, IsUUID } from 'class-validator';
import { IfPresent } from '../applications/field-validation';
import { PageQueryDto } from '../http/pagination';
import { IsBoundedInt } from '../http/validation';

const CRON_DOC = 'Five fields (minute hour day-of-month month day-of-week) or @daily, @weekly…; seconds, years and ? are refused';
const TIMEZONE_DOC = 'IANA time zone the expression is read in (default UTC)';

/** The fields a schedule's create and change share; the cron and time zone rules are the service's (naming the field). */
class ScheduleSettingsDto {
  @ApiPropertyOptional({ example: '0 3 * * *', description: CRON_DOC })
  @IfPresent()
  @IsString({ message: 'cron must be text' })
  cron?: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', description: TIMEZONE_DOC })
  @IfPresent()
  @IsString({ message: 'timezone must be text' })
  timezone?: string;

  @ApiPropertyOptional({
    nullable: true,
    example: 7,
    ...BACKUP_LIMITS.retentionCount,
    description: 'Keep at most this many succeeded backups; null: no count limit',
  })
  @IsOptional()
  @IsBoundedInt('retentionCount', BACKUP_LIMITS.retentionCount)
  retentionCount?: number | null;

  @ApiPropertyOptional({
    nullable: true,
    example: 30,
    ...BACKUP_LIMITS.retentionDays,
    description: 'Remove backups older than this; null: no age limit. At least one of the two',
  })
  @IsOptional()
  @IsBoundedInt('retentionDays', BACKUP_LIMITS.retentionDays)
  retentionDays?: number | null;

  @ApiPropertyOptional({ example: true, description: 'Restore each new backup into a throwaway container to verify it (default true)' })
  @IfPresent()
  @IsBoolean({ message: 'verifyAfterBackup must be true or false' })
  verifyAfterBackup?: boolean;

  @ApiPropertyOptional({ example: 60, ...BACKUP_LIMITS.timeoutMinutes, description: 'A run fails as timed out after this (default 60)' })
  @IfPresent()
  @IsBoundedInt('timeoutMinutes', BACKUP_LIMITS.timeoutMinutes)
  timeoutMinutes?: number;

  @ApiPropertyOptional({ example: true })
  @IfPresent()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

/** `cron` is required here (the service says so naming the field). */
export class CreateBackupScheduleDto extends ScheduleSettingsDto implements Omit<CreateBackupScheduleRequest, 'cron'> {
  @ApiPropertyOptional({ format: 'uuid', description: "One of the team's databases (exactly one of databaseId, volumeId)" })
  @IfPresent()
  @IsUUID('4', { message: 'databaseId must be the id of one of the team’s databases' })
  databaseId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "A named volume of one of the team's applications" })
  @IfPresent()
  @IsUUID('4', { message: 'volumeId must be the id of a named volume of one of the team’s applications' })
  volumeId?: string;

  @ApiProperty({ format: 'uuid', description: "One of the team's backup destinations" })
  @IsUUID('4', { message: 'destinationId must be the id of one of the team’s backup destinations' })
  destinationId: string;
}

export class UpdateBackupScheduleDto extends ScheduleSettingsDto implements UpdateBackupScheduleRequest {
  @ApiPropertyOptional({ format: 'uuid', description: "One of the team's backup destinations" })
  @IfPresent()
  @IsUUID('4', { message: 'destinationId must be the id of one of the team’s backup destinations' })
  destinationId?: string;
}

const INSTANCE_DESTINATION = "destinationId must be the id of one of the backup destinations of the instance's first team";

/** An instance schedule (System): no source, it is Zpanel's own PostgreSQL; `cron` is required (the service says so naming the field). */
export class CreateInstanceBackupScheduleDto extends ScheduleSettingsDto implements Omit<CreateInstanceBackupScheduleRequest, 'cron'> {
  @ApiProperty({ format: 'uuid', description: "One of the backup destinations of the instance's first team" })
  @IsUUID('4', { message: INSTANCE_DESTINATION })
  destinationId: string;
}

export class UpdateInstanceBackupScheduleDto extends ScheduleSettingsDto implements UpdateInstanceBackupScheduleRequest {
  @ApiPropertyOptional({ format: 'uuid', description: "One of the backup destinations of the instance's first team" })
  @IfPresent()
  @IsUUID('4', { message: INSTANCE_DESTINATION })
  destinationId?: string;
}

export class BackupScheduleListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the schedules of this database' })
  @IsOptional()
  @IsUUID('4', { message: 'databaseId must be a database id' })
  databaseId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the schedules of this volume' })
  @IsOptional()
  @IsUUID('4', { message: 'volumeId must be a volume id' })
  volumeId?: string;
}

export class BackupScheduleDoc implements BackupScheduleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: "Null for the instance's own schedules" }) teamId: string | null;
  @ApiProperty({ enum: BACKUP_SOURCE_KINDS }) sourceKind: BackupSourceKind;
  @ApiPropertyOptional({ nullable: true, format: 'uuid' }) databaseId: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'uuid' }) volumeId: string | null;
  @ApiProperty({ format: 'uuid' }) destinationId: string;
  @ApiProperty({ example: '0 3 * * *' }) cron: string;
  @ApiProperty({ example: 'Europe/Berlin' }) timezone: string;
  @ApiProperty({ example: 'At 03:00', description: 'The expression in words' }) description: string;
  @ApiPropertyOptional({ nullable: true, example: 7 }) retentionCount: number | null;
  @ApiPropertyOptional({ nullable: true, example: null }) retentionDays: number | null;
  @ApiProperty() verifyAfterBackup: boolean;
  @ApiProperty({ example: 60 }) timeoutMinutes: number;
  @ApiProperty() enabled: boolean;
  @ApiPropertyOptional({ nullable: true, format: 'date-time', description: 'Null while disabled' }) nextRunAt: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) lastRunAt: string | null;
  @ApiPropertyOptional({
    nullable: true,
    format: 'date-time',
    description: 'Set while no verified backup came by the last slot plus the grace period',
  })
  missedSince: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class BackupSchedulePageDoc {
  @ApiProperty({ type: [BackupScheduleDoc] }) items: BackupScheduleDoc[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
}
