import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import {
  type ContainerLogsDto,
  type CreateDatabaseRequest,
  DATABASE_DEFAULT_IMAGES,
  DATABASE_ENGINES,
  OFFERED_DATABASE_ENGINES,
  DATABASE_LIMITS,
  DATABASE_OPERATION_KINDS,
  DATABASE_OPERATION_STATUSES,
  DATABASE_STATUSES,
  type DatabaseCredentialsDto,
  type DatabaseDto,
  type DatabaseEngine,
  type DatabaseListQuery,
  type DatabaseOperationDto,
  type DatabaseOperationKind,
  type DatabaseOperationStatus,
  type DatabaseOperationWithLogDto,
  type DatabaseStatsDto,
  type DatabaseStatus,
  REASON_CODES,
  type ReasonCode,
  type UpdateDatabaseRequest,
  isDatabaseEngine,
} from '@zpanel/contracts';
import { databaseName, databaseUserName } from '@zpanel/core';
import { IsIn, IsOptional, IsUUID, type ValidationArguments, ValidateBy } from 'class-validator';
import { IfPresent, IsApplicationField } from '../applications/field-validation';
import { PageQueryDto } from '../http/pagination';
import { IsBoundedInt, IsCpuLimit } from '../http/validation';

const ENGINE_DOC = `One of ${OFFERED_DATABASE_ENGINES.join(', ')}; default images: ${OFFERED_DATABASE_ENGINES.map(
  (engine) => `${engine} ${DATABASE_DEFAULT_IMAGES[engine]}`,
).join(', ')}`;

export class DatabaseDoc implements DatabaseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ format: 'uuid' }) environmentId: string;
  @ApiProperty({ format: 'uuid' }) serverId: string;
  @ApiProperty({ example: 'main-db', description: 'Unique among the databases and applications of its environment; what references name' })
  name: string;
  @ApiProperty({ enum: DATABASE_ENGINES, example: 'postgresql' }) engine: DatabaseEngine;
  @ApiProperty({ example: 'postgres:17' }) image: string;
  @ApiPropertyOptional({ nullable: true, example: 'main_db', description: 'SQL engines; null for Redis' }) databaseName: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'main_db', description: 'SQL engines; null for Redis' }) userName: string | null;
  @ApiProperty({ example: 'zp-database-0f4c6a1e9b2d4c7e8a5f3b1d2c4e6f80', description: 'Host name on the server’s Zpanel network' })
  internalHost: string;
  @ApiProperty({ example: 5432 }) internalPort: number;
  @ApiPropertyOptional({ nullable: true, example: null, description: 'Published on the server’s public interfaces; null: Zpanel network only' })
  publicPort: number | null;
  @ApiPropertyOptional({ nullable: true, example: 512 }) memoryLimitMb: number | null;
  @ApiPropertyOptional({ nullable: true, example: 0.5 }) cpuLimit: number | null;
  @ApiProperty({ enum: DATABASE_STATUSES, example: 'running' }) status: DatabaseStatus;
  @ApiPropertyOptional({ nullable: true, example: null }) statusReason: string | null;
  @ApiPropertyOptional({ nullable: true, enum: REASON_CODES, example: null }) statusReasonCode: ReasonCode | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class DatabasePageDoc {
  @ApiProperty({ type: [DatabaseDoc] }) items: DatabaseDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class DatabaseOperationDoc implements DatabaseOperationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) databaseId: string;
  @ApiProperty({ enum: DATABASE_OPERATION_KINDS, example: 'create' }) kind: DatabaseOperationKind;
  @ApiProperty({ enum: DATABASE_OPERATION_STATUSES, example: 'queued' }) status: DatabaseOperationStatus;
  @ApiPropertyOptional({ nullable: true, example: null, description: 'Why it failed, in words for a person' }) reason: string | null;
  @ApiPropertyOptional({ nullable: true, enum: REASON_CODES, example: null }) reasonCode: ReasonCode | null;
  @ApiPropertyOptional({ example: false, description: '`delete` only: whether the data volume goes too' }) deleteData?: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) startedAt: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) finishedAt: string | null;
}

export class DatabaseOperationWithLogDoc extends DatabaseOperationDoc implements DatabaseOperationWithLogDto {
  @ApiProperty({
    example: 'Pulling postgres:17\nStarting the container\nReady after 4 s\n',
    description: 'What the worker did, passwords redacted; follow the `database-operation` live kind for lines as they come',
  })
  log: string;
}

export class DatabaseOperationPageDoc {
  @ApiProperty({ type: [DatabaseOperationDoc] }) items: DatabaseOperationDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class DatabaseWithOperationDoc {
  @ApiProperty({ type: DatabaseDoc }) database: DatabaseDoc;
  @ApiProperty({ type: DatabaseOperationDoc }) operation: DatabaseOperationDoc;
}

export class DatabaseChangeDoc {
  @ApiProperty({ type: DatabaseDoc }) database: DatabaseDoc;
  @ApiPropertyOptional({
    nullable: true,
    type: DatabaseOperationDoc,
    description: 'The `apply` operation that recreates the container, when the change needs one (image, limits, public port); null for a rename',
  })
  operation: DatabaseOperationDoc | null;
}

export class DatabaseOperationQueuedDoc {
  @ApiProperty({ type: DatabaseOperationDoc }) operation: DatabaseOperationDoc;
}

export class DatabaseCredentialsDoc implements DatabaseCredentialsDto {
  @ApiProperty({ example: 'main_db', description: 'Redis: default' }) userName: string;
  @ApiProperty({ example: 'q8Zr0N4w2Yh6JkLm1PcVb3Xs5Df7Gt9Ra0Eu2Iy4', description: '32-128 letters and digits, generated by Zpanel' })
  password: string;
  @ApiProperty({ example: 'main_db', description: 'Redis: 0 (the database index)' }) databaseName: string;
  @ApiProperty({ example: 'postgresql://main_db:q8Zr…@zp-database-0f4c6a1e9b2d4c7e8a5f3b1d2c4e6f80:5432/main_db' }) internalUrl: string;
  @ApiPropertyOptional({ nullable: true, example: null, description: 'Through the server’s address and the public port; null without one' })
  publicUrl: string | null;
}

export class DatabaseStatsDoc implements DatabaseStatsDto {
  @ApiPropertyOptional({ nullable: true, format: 'date-time', description: 'When the server’s check sampled the container' }) sampledAt:
    string | null;
  @ApiPropertyOptional({ nullable: true, example: 1.5, description: 'Of the whole machine, 0..100' }) cpuPercent: number | null;
  @ApiPropertyOptional({ nullable: true, example: 73400320 }) memoryBytes: number | null;
  @ApiPropertyOptional({ nullable: true, example: 536870912, description: 'null: no limit' }) memoryLimitBytes: number | null;
}

export class DatabaseLogsDoc implements ContainerLogsDto {
  @ApiProperty({ example: 'database system is ready to accept connections\n' }) stdout: string;
  @ApiProperty({ example: '' }) stderr: string;
}

export class DatabaseListQueryDto extends PageQueryDto implements DatabaseListQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the databases of this environment' })
  @IsOptional()
  @IsUUID('4', { message: 'environmentId must be a UUID' })
  environmentId?: string;
}

/**
 * A database or user name, checked against the engine's rules (`databaseName` / `databaseUserName` in
 * @zpanel/core, which the worker checks again before use). Redis has neither; a bad engine is
 * reported on `engine` alone.
 */
function IsEngineIdentifier(kind: 'databaseName' | 'userName'): PropertyDecorator {
  const problem = (engine: unknown, value: unknown): string | null => {
    if (!isDatabaseEngine(engine)) return null;
    if (engine === 'redis') return 'is not used by Redis (its user is default and its database 0)';
    return (kind === 'databaseName' ? databaseName(engine) : databaseUserName(engine))(value);
  };
  return ValidateBy({
    name: `database_${kind}`,
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => problem((args?.object as { engine?: unknown }).engine, value) === null,
      defaultMessage: (args?: ValidationArguments) =>
        `${kind} ${problem((args?.object as { engine?: unknown }).engine, args?.value) ?? 'is not allowed'}`,
    },
  });
}

const PUBLIC_PORT_DOC =
  'Publish the engine on this port of the server’s public interfaces (one database per port and server); null or absent: reachable on the server’s Zpanel network only';

export class CreateDatabaseDto implements CreateDatabaseRequest {
  @ApiProperty({ format: 'uuid', description: "One of the team's environments" })
  @IsUUID('4', { message: 'environmentId must be the id of one of the team’s environments' })
  environmentId: string;

  @ApiProperty({ format: 'uuid', description: "One of the team's servers, validated at least once, where the database runs" })
  @IsUUID('4', { message: 'serverId must be the id of one of the team’s servers' })
  serverId: string;

  @ApiProperty({
    example: 'main-db',
    description: 'Unique among the databases and applications of the environment: what references name (`${{ main-db.DATABASE_URL }}`)',
  })
  @IsApplicationField('name')
  name: string;

  @ApiProperty({ enum: OFFERED_DATABASE_ENGINES, example: 'postgresql', description: ENGINE_DOC })
  @IsIn(OFFERED_DATABASE_ENGINES, {
    message: `engine must be one of ${OFFERED_DATABASE_ENGINES.join(', ')} (MySQL is not offered yet: use mariadb, which speaks its protocol)`,
  })
  engine: DatabaseEngine;

  @ApiPropertyOptional({
    example: 'postgres:17',
    description: 'An image of the engine honouring its official image’s contract; the engine’s default image when absent',
  })
  @IfPresent()
  @IsApplicationField('imageReference')
  image?: string;

  @ApiPropertyOptional({ example: 'main_db', description: 'SQL engines only; derived from the name when absent (dashes become _)' })
  @IfPresent()
  @IsEngineIdentifier('databaseName')
  databaseName?: string;

  @ApiPropertyOptional({ example: 'main_db', description: 'SQL engines only; derived from the name when absent (dashes become _)' })
  @IfPresent()
  @IsEngineIdentifier('userName')
  userName?: string;

  @ApiPropertyOptional({
    nullable: true,
    example: 15432,
    minimum: DATABASE_LIMITS.publicPort.min,
    maximum: DATABASE_LIMITS.publicPort.max,
    description: PUBLIC_PORT_DOC,
  })
  @IsOptional()
  @IsBoundedInt('publicPort', DATABASE_LIMITS.publicPort)
  publicPort?: number | null;

  @ApiPropertyOptional({
    nullable: true,
    example: 512,
    minimum: DATABASE_LIMITS.memoryLimitMb.min,
    maximum: DATABASE_LIMITS.memoryLimitMb.max,
    description: 'MiB; null: no limit',
  })
  @IsOptional()
  @IsBoundedInt('memoryLimitMb', DATABASE_LIMITS.memoryLimitMb)
  memoryLimitMb?: number | null;

  @ApiPropertyOptional({
    nullable: true,
    example: 0.5,
    minimum: DATABASE_LIMITS.cpuLimit.min,
    maximum: DATABASE_LIMITS.cpuLimit.max,
    description: 'CPUs; null: no limit',
  })
  @IsOptional()
  @IsCpuLimit(DATABASE_LIMITS.cpuLimit)
  cpuLimit?: number | null;
}

/** Only what is sent changes; the environment, server, engine and credentials cannot (a move is a new database). */
export class UpdateDatabaseDto
  extends PartialType(PickType(CreateDatabaseDto, ['name', 'publicPort', 'memoryLimitMb', 'cpuLimit'] as const), { skipNullProperties: false })
  implements UpdateDatabaseRequest
{
  @ApiPropertyOptional({
    example: 'postgres:17.2',
    description:
      'Same repository, another version tag within the major version (the container is recreated on the same data volume): a PostgreSQL major upgrade, an Alpine/Debian switch or a MySQL, MariaDB or Redis downgrade is refused with the reason',
  })
  @IfPresent()
  @IsApplicationField('imageReference')
  image?: string;
}
