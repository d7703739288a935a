import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  BACKUP_COMPRESSIONS,
  BACKUP_SOURCE_KINDS,
  BACKUP_STATUSES,
  BACKUP_TRIGGERS,
  BACKUP_VERIFICATION_STATUSES,
  type BackUpNowRequest,
  type BackupCompression,
  type BackupDownloadDto,
  type BackupDto,
  type BackupInventory,
  type BackupListQuery,
  type BackupSourceKind,
  type BackupStatus,
  type BackupTrigger,
  type BackupVerificationStatus,
  type BackupWithLogDto,
  type CreateRestoreRequest,
  DATABASE_ENGINES,
  type DatabaseEngine,
  REASON_CODES,
  RESTORE_STATUSES,
  RESTORE_TARGETS,
  type ReasonCode,
  type RestoreDto,
  type RestoreStatus,
  type RestoreTarget,
  type RestoreWithLogDto,
} from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { plainToInstance } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateIf, validateSync } from 'class-validator';
import { IsApplicationField } from '../applications/field-validation';
import { flattenValidationErrors } from '../http/validation';
import { PageQueryDto } from '../http/pagination';

class InventoryTableDoc {
  @ApiProperty({ example: 'public.orders' }) name: string;
  @ApiProperty({ example: 1200 }) rows: number;
}

export class BackupInventoryDoc implements BackupInventory {
  @ApiPropertyOptional({ type: [InventoryTableDoc], description: 'SQL engines: each table with its row count' }) tables?: InventoryTableDoc[];
  @ApiPropertyOptional({ example: 42, description: 'Redis: keys in database 0' }) keys?: number;
  @ApiPropertyOptional({ example: 12, description: 'Volumes: regular files in the dump (counted in its tar as it was stored)' }) files?: number;
  @ApiPropertyOptional({ example: 1048576, description: 'Volumes: bytes of the regular files in the dump' }) bytes?: number;
  @ApiPropertyOptional({
    example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    description: "Volumes: SHA-256 over every entry's type, mode, owner and path and every file's SHA-256 (what a verification compares)",
  })
  digest?: string;
}

export class BackupDoc implements BackupDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: "Null for the instance's own backups" }) teamId: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: 'The schedule that queued it; null for back up now, safety and upload' })
  scheduleId: string | null;
  @ApiProperty({ enum: BACKUP_SOURCE_KINDS, example: 'database' }) sourceKind: BackupSourceKind;
  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: 'Null once the database is deleted (the backup stays)' }) databaseId:
    string | null;
  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: 'An application’s named volume' }) volumeId: string | null;
  @ApiProperty({ format: 'uuid' }) destinationId: string;
  @ApiProperty({ enum: BACKUP_TRIGGERS, example: 'manual' }) trigger: BackupTrigger;
  @ApiProperty({
    enum: BACKUP_STATUSES,
    example: 'succeeded',
    description: '`succeeded` only once the stored object’s size and SHA-256 were checked',
  })
  status: BackupStatus;
  @ApiPropertyOptional({ nullable: true, example: null, description: 'Why it failed, in words for a person' }) reason: string | null;
  @ApiPropertyOptional({ nullable: true, enum: REASON_CODES, example: null }) reasonCode: ReasonCode | null;
  @ApiPropertyOptional({ nullable: true, enum: DATABASE_ENGINES, example: 'postgresql' }) engine: DatabaseEngine | null;
  @ApiPropertyOptional({ nullable: true, example: 'postgres:17' }) image: string | null;
  @ApiPropertyOptional({ nullable: true, example: 1048576, description: 'Bytes of the stored (compressed, encrypted) object' }) sizeBytes:
    number | null;
  @ApiPropertyOptional({ nullable: true, example: 4194304, description: 'Bytes the dump tool wrote' }) dumpBytes: number | null;
  @ApiPropertyOptional({ nullable: true, example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }) sha256: string | null;
  @ApiPropertyOptional({ nullable: true, enum: BACKUP_COMPRESSIONS, example: 'zstd' }) compression: BackupCompression | null;
  @ApiPropertyOptional({ nullable: true, example: 'database/0f4c…/2026-12-07T03-00-00Z-8a5f….zpb', description: 'Key or path in the destination' })
  location: string | null;
  @ApiPropertyOptional({ nullable: true, type: BackupInventoryDoc, description: 'What the dump recorded of its source' })
  inventory: BackupInventoryDoc | null;
  @ApiProperty({ enum: BACKUP_VERIFICATION_STATUSES, example: 'verified' }) verification: BackupVerificationStatus;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) verifiedAt: string | null;
  @ApiPropertyOptional({ nullable: true, example: '3 tables, 1,200 rows: as dumped' }) verificationDetail: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) startedAt: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) finishedAt: string | null;
  @ApiPropertyOptional({ nullable: true, example: 5200 }) durationMs: number | null;
}

export class BackupWithLogDoc extends BackupDoc implements BackupWithLogDto {
  @ApiProperty({
    example: 'pg_dump -Fc of main_db\nUploaded 1.0 MiB\nSHA-256 checked\n',
    description: 'What the worker did, secrets redacted; follow the `backup` live kind for lines as they come',
  })
  log: string;
}

export class BackupPageDoc {
  @ApiProperty({ type: [BackupDoc] }) items: BackupDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class RestoreDoc implements RestoreDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiPropertyOptional({ nullable: true, format: 'uuid' }) teamId: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: 'Null once the backup row is gone' }) backupId: string | null;
  @ApiProperty({ enum: RESTORE_TARGETS, example: 'new' }) target: RestoreTarget;
  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: 'The database restored into (`same`, `new`)' }) databaseId: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'uuid' }) volumeId: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: '`same`: the backup taken before overwriting' }) safetyBackupId: string | null;
  @ApiProperty({ enum: RESTORE_STATUSES, example: 'queued' }) status: RestoreStatus;
  @ApiPropertyOptional({ nullable: true, example: null }) reason: string | null;
  @ApiPropertyOptional({ nullable: true, enum: REASON_CODES, example: null }) reasonCode: ReasonCode | null;
  @ApiPropertyOptional({ nullable: true, type: BackupInventoryDoc, description: 'What was checked after the restore' })
  result: BackupInventoryDoc | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) startedAt: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) finishedAt: string | null;
}

export class RestoreWithLogDoc extends RestoreDoc implements RestoreWithLogDto {
  @ApiProperty({ example: 'Safety backup 8a5f… succeeded\npg_restore into main_db\n3 tables, 1,200 rows: as dumped\n' }) log: string;
}

export class RestorePageDoc {
  @ApiProperty({ type: [RestoreDoc] }) items: RestoreDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class BackupDownloadDoc implements BackupDownloadDto {
  @ApiProperty({
    example: 'https://s3.example.com/bucket/zpanel/database/…?X-Amz-Signature=…',
    description: 'Presigned for S3; for a server destination a signed API URL (no bearer needed) that streams the object through the worker',
  })
  url: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ example: 'main-db-2026-12-07T03-00-00Z.zpb', description: 'Encrypted: docs/backups.md says how to decrypt it' }) fileName: string;
}

const UUID_MESSAGE = (field: string, what: string) => ({ message: `${field} must be the id of ${what}` });

export class BackupListQueryDto extends PageQueryDto implements BackupListQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('4', UUID_MESSAGE('databaseId', 'a database'))
  databaseId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'An application’s named volume' })
  @IsOptional()
  @IsUUID('4', UUID_MESSAGE('volumeId', 'a volume'))
  volumeId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('4', UUID_MESSAGE('scheduleId', 'a backup schedule'))
  scheduleId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('4', UUID_MESSAGE('destinationId', 'a backup destination'))
  destinationId?: string;

  @ApiPropertyOptional({ enum: BACKUP_STATUSES })
  @IsOptional()
  @IsIn(BACKUP_STATUSES, { message: `status must be one of ${BACKUP_STATUSES.join(', ')}` })
  status?: BackupStatus;
}

export class RestoreListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Restores of this backup' })
  @IsOptional()
  @IsUUID('4', UUID_MESSAGE('backupId', 'a backup'))
  backupId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Restores into this database' })
  @IsOptional()
  @IsUUID('4', UUID_MESSAGE('databaseId', 'a database'))
  databaseId?: string;

  @ApiPropertyOptional({ enum: RESTORE_STATUSES })
  @IsOptional()
  @IsIn(RESTORE_STATUSES, { message: `status must be one of ${RESTORE_STATUSES.join(', ')}` })
  status?: RestoreStatus;
}

export class BackUpNowDto implements BackUpNowRequest {
  @ApiProperty({ format: 'uuid', description: "One of the team's backup destinations" })
  @IsUUID('4', UUID_MESSAGE('destinationId', 'one of the team’s backup destinations'))
  destinationId: string;

  @ApiPropertyOptional({ default: true, description: 'Restore it into a throwaway container afterwards to verify it' })
  @IsOptional()
  @IsBoolean({ message: 'verify must be true or false' })
  verify?: boolean;
}

export class CreateRestoreDto implements CreateRestoreRequest {
  @ApiProperty({
    enum: RESTORE_TARGETS,
    example: 'new',
    description: 'Over the same database (after a safety backup), a new database, or a throwaway verify',
  })
  @IsIn(RESTORE_TARGETS, { message: `target must be one of ${RESTORE_TARGETS.join(', ')}` })
  target: RestoreTarget;

  @ApiPropertyOptional({ example: 'main-db', description: '`same`: the database’s name typed again, to confirm overwriting it' })
  @ValidateIf((o: CreateRestoreDto) => o.target === 'same' || o.confirmName !== undefined)
  @IsString({ message: 'confirmName must be the database’s name, typed to confirm overwriting it' })
  @MaxLength(200, { message: 'confirmName must be the database’s name, typed to confirm overwriting it' })
  confirmName?: string;

  @ApiPropertyOptional({
    example: 'main-db-restored',
    description: '`new`: the new database’s name, unique in the source’s environment (created on the same server with the same engine and image)',
  })
  @ValidateIf((o: CreateRestoreDto) => o.target === 'new' || o.newDatabaseName !== undefined)
  @IsApplicationField('name')
  newDatabaseName?: string;
}

/** What an uploaded dump is restored into: no `verify` (a throwaway restore of what was just uploaded proves nothing kept). */
export const UPLOAD_RESTORE_TARGETS = ['same', 'new'] as const satisfies readonly RestoreTarget[];

/**
 * `POST /databases/{id}/restores/upload`'s query: a backup's restore (`CreateRestoreDto`, the same
 * rules) plus where the upload is kept. Checked by `validateUploadQuery` after access, not by the
 * global pipe: another team's database is a 404 whatever the query holds.
 */
export class UploadRestoreQueryDto extends CreateRestoreDto {
  @ApiPropertyOptional({
    enum: UPLOAD_RESTORE_TARGETS,
    default: 'same',
    description: '`same`: over this database (after a safety backup); `new`: a new database in its environment and server',
  })
  @IsIn(UPLOAD_RESTORE_TARGETS, { message: `target must be one of ${UPLOAD_RESTORE_TARGETS.join(', ')}` })
  override target: (typeof UPLOAD_RESTORE_TARGETS)[number] = 'same';

  @ApiProperty({ format: 'uuid', description: "One of the team's destinations: the upload is stored there (encrypted) like any backup" })
  @IsUUID('4', UUID_MESSAGE('destinationId', 'one of the team’s backup destinations'))
  destinationId: string;
}

export type UploadRestoreQuery = Pick<UploadRestoreQueryDto, 'target' | 'confirmName' | 'newDatabaseName' | 'destinationId'>;

/** The upload's query checked as the global pipe checks a body (unknown fields refused); `target` defaults to `same`. */
export function validateUploadQuery(query: Record<string, unknown>): UploadRestoreQuery {
  const dto = plainToInstance(UploadRestoreQueryDto, query);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  if (errors.length > 0) throw AppException.validation(flattenValidationErrors(errors));
  return { target: dto.target, confirmName: dto.confirmName, newDatabaseName: dto.newDatabaseName, destinationId: dto.destinationId };
}
