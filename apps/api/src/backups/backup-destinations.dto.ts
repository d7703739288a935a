import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  BACKUP_DESTINATION_KINDS,
  BACKUP_LIMITS,
  type BackupDestinationCheckDto,
  type BackupDestinationDto,
  type BackupDestinationKeyDto,
  type BackupDestinationKind,
  type UpdateBackupDestinationRequest,
} from '@zpanel/contracts';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IfPresent } from '../applications/field-validation';
import { IsDisplayName } from '../http/validation';

/*
 * Shapes only: the S3 fields' rules, the server path's allowed roots and the address policy are
 * checked by the service (naming each field), then the storage itself by the check job.
 */

const S3_ONLY = 'S3 only';

export class CreateBackupDestinationDto {
  @ApiProperty({ enum: BACKUP_DESTINATION_KINDS, example: 's3' })
  @IsIn(BACKUP_DESTINATION_KINDS, { message: `kind must be one of ${BACKUP_DESTINATION_KINDS.join(', ')}` })
  kind: BackupDestinationKind;

  @ApiProperty({ example: 'offsite', description: 'Unique in the team' })
  @IsDisplayName()
  name: string;

  @ApiPropertyOptional({
    example: 'https://s3.eu-west-1.amazonaws.com',
    description: `${S3_ONLY}: the server's origin; passes the outbound address policy`,
  })
  @IfPresent()
  @IsString({ message: 'endpoint must be text' })
  endpoint?: string;

  @ApiPropertyOptional({ example: 'eu-west-1', description: `${S3_ONLY}; empty: us-east-1` })
  @IfPresent()
  @IsString({ message: 'region must be text' })
  region?: string;

  @ApiPropertyOptional({ example: 'zp-backups', description: S3_ONLY })
  @IfPresent()
  @IsString({ message: 'bucket must be text' })
  bucket?: string;

  @ApiPropertyOptional({ example: 'prod/db', description: `${S3_ONLY}: keys go under <prefix>/`, maxLength: BACKUP_LIMITS.prefixLength })
  @IfPresent()
  @IsString({ message: 'prefix must be text' })
  prefix?: string;

  @ApiPropertyOptional({
    example: true,
    description: `${S3_ONLY}: endpoint/bucket/key addressing (MinIO and most self-hosted servers); default false`,
  })
  @IfPresent()
  @IsBoolean({ message: 'forcePathStyle must be true or false' })
  forcePathStyle?: boolean;

  @ApiPropertyOptional({ example: 'AKIAIOSFODNN7EXAMPLE', description: S3_ONLY })
  @IfPresent()
  @IsString({ message: 'accessKeyId must be text' })
  accessKeyId?: string;

  @ApiPropertyOptional({ description: `${S3_ONLY}: stored sealed, never returned` })
  @IfPresent()
  @IsString({ message: 'secretAccessKey must be text' })
  secretAccessKey?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Server only: one of the team's servers" })
  @IfPresent()
  @IsUUID('4', { message: 'serverId must be the id of one of the team’s servers' })
  serverId?: string;

  @ApiPropertyOptional({
    example: '/srv/backups',
    description: "Server only: an absolute directory under one of the server's allowed bind roots (docs/volumes.md)",
  })
  @IfPresent()
  @IsString({ message: 'path must be text' })
  @MaxLength(255, { message: 'path must be at most 255 characters' })
  path?: string;
}

export class UpdateBackupDestinationDto implements UpdateBackupDestinationRequest {
  @ApiPropertyOptional({ example: 'offsite' })
  @IsOptional()
  @IsDisplayName()
  name?: string;

  @ApiPropertyOptional({ description: S3_ONLY })
  @IfPresent()
  @IsString({ message: 'endpoint must be text' })
  endpoint?: string;

  @ApiPropertyOptional({ description: S3_ONLY })
  @IfPresent()
  @IsString({ message: 'region must be text' })
  region?: string;

  @ApiPropertyOptional({ description: S3_ONLY })
  @IfPresent()
  @IsString({ message: 'bucket must be text' })
  bucket?: string;

  @ApiPropertyOptional({ description: `${S3_ONLY}; empty: none` })
  @IfPresent()
  @IsString({ message: 'prefix must be text' })
  prefix?: string;

  @ApiPropertyOptional({ description: S3_ONLY })
  @IfPresent()
  @IsBoolean({ message: 'forcePathStyle must be true or false' })
  forcePathStyle?: boolean;

  @ApiPropertyOptional({ description: S3_ONLY })
  @IfPresent()
  @IsString({ message: 'accessKeyId must be text' })
  accessKeyId?: string;

  @ApiPropertyOptional({ description: `${S3_ONLY}; absent: the stored one is kept` })
  @IfPresent()
  @IsString({ message: 'secretAccessKey must be text' })
  secretAccessKey?: string;

  @ApiPropertyOptional({ description: 'Server only' })
  @IfPresent()
  @IsString({ message: 'path must be text' })
  @MaxLength(255, { message: 'path must be at most 255 characters' })
  path?: string;
}

export class BackupDestinationDoc implements BackupDestinationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ example: 'offsite' }) name: string;
  @ApiProperty({ enum: BACKUP_DESTINATION_KINDS }) kind: BackupDestinationKind;
  @ApiPropertyOptional({ nullable: true, example: 'https://s3.eu-west-1.amazonaws.com' }) endpoint: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'eu-west-1' }) region: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'zp-backups' }) bucket: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'prod/db' }) prefix: string | null;
  @ApiPropertyOptional({ nullable: true }) forcePathStyle: boolean | null;
  @ApiPropertyOptional({ nullable: true, example: 'AKIAIOSFODNN7EXAMPLE' }) accessKeyId: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'uuid' }) serverId: string | null;
  @ApiPropertyOptional({ nullable: true, example: '/srv/backups' }) path: string | null;
  @ApiProperty({ example: '3f2a9c1d0b7e', description: 'Fingerprint of the data key (never the key)' }) keyId: string;
  @ApiProperty({ example: 3, description: 'Succeeded backups stored there now' }) backupCount: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class BackupDestinationCheckDoc implements BackupDestinationCheckDto {
  @ApiProperty() ok: boolean;
  @ApiPropertyOptional({ nullable: true, example: 'The specified bucket does not exist', description: "The storage's words when ok is false" })
  error: string | null;
  @ApiProperty({ format: 'date-time' }) checkedAt: string;
  @ApiProperty({ example: 42 }) latencyMs: number;
}

export class BackupDestinationKeyDoc implements BackupDestinationKeyDto {
  @ApiProperty({ example: '3f2a9c1d0b7e' }) keyId: string;
  @ApiProperty({ description: '32 bytes, base64: decrypts this destination’s backups (docs/backups.md, "Decrypting without Zpanel")' }) key: string;
}
