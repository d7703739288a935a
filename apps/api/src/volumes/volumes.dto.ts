import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  type CreateVolumeRequest,
  MOUNT_PATH_MAX_LENGTH,
  type MountDto,
  type OrphanedVolumeDto,
  type UpdateMountRequest,
  VOLUME_LIMITS,
  type VolumeDto,
  type VolumeUsageDto,
} from '@zpanel/contracts';
import { IsBoolean, IsIn, IsString, MaxLength } from 'class-validator';
import { IfPresent } from '../applications/field-validation';

const MOUNT_PATH_DOC = `Absolute, normalized container path (segments of letters, digits, . _ - @ +; no . or .. segment, no trailing /), at most ${MOUNT_PATH_MAX_LENGTH} bytes; not /, /proc, /sys, /dev or under them; not equal to, inside or around another mount of the application`;
const HOST_PATH_DOC =
  "Absolute, normalized host path at or under one of the server's allowedBindRoots; never /, /etc, /proc, /sys, /dev, /boot, /root, /run, /var/run (the Docker socket), /var/lib/docker, /var/lib/containerd, /var/lib/zpanel, under or around them. At each deployment the worker resolves it on the server (symbolic links followed) and refuses to start when it leaves the allowed root";
const CONTENT_DOC = `Text of the file, at most ${VOLUME_LIMITS.fileContentBytes} bytes (UTF-8); copied into the container (mode 0444, root) before it starts, never through a command line`;

export class VolumeDoc implements VolumeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) applicationId: string;
  @ApiProperty({ example: 'data' }) name: string;
  @ApiProperty({ example: '/var/lib/app' }) mountPath: string;
  @ApiProperty({ example: 'zp-volume-0f8e2a4c1b3d4e5f8a9b0c1d2e3f4a5b-data', description: 'The Docker volume on the server' }) dockerName: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CreateVolumeDto implements CreateVolumeRequest {
  @ApiProperty({ example: 'data', description: '1-40 lower-case letters, digits or dashes; unique in the application' })
  @IsString({ message: 'name must be text' })
  @MaxLength(200, { message: 'name must be 1-40 lower-case letters, digits or dashes' })
  name: string;

  @ApiProperty({ example: '/var/lib/app', description: MOUNT_PATH_DOC })
  @IsString({ message: 'mountPath must be text' })
  @MaxLength(1000, { message: `mountPath must be at most ${MOUNT_PATH_MAX_LENGTH} bytes` })
  mountPath: string;
}

export class VolumeUsageDoc implements VolumeUsageDto {
  @ApiProperty({ example: 'data' }) name: string;
  @ApiProperty({ example: 'zp-volume-0f8e2a4c1b3d4e5f8a9b0c1d2e3f4a5b-data' }) dockerName: string;
  @ApiProperty({ description: 'False until a deployment created it' }) exists: boolean;
  @ApiPropertyOptional({ nullable: true, example: 1048576, description: 'Bytes used, as Docker counts them; null when it does not say' })
  sizeBytes: number | null;
}

export class OrphanedVolumeDoc implements OrphanedVolumeDto {
  @ApiProperty({ example: 'zp-volume-0f8e2a4c1b3d4e5f8a9b0c1d2e3f4a5b-data' }) dockerName: string;
  @ApiProperty({ format: 'uuid', description: 'The application it was made for (it may be deleted)' }) applicationId: string;
  @ApiProperty({ example: 'data' }) name: string;
  @ApiPropertyOptional({ nullable: true, example: 1048576 }) sizeBytes: number | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) createdAt: string | null;
}

export class MountDoc implements MountDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) applicationId: string;
  @ApiProperty({ enum: ['bind', 'file'] }) kind: 'bind' | 'file';
  @ApiProperty({ example: '/srv/uploads' }) mountPath: string;
  @ApiPropertyOptional({ nullable: true, example: '/srv/zpanel-data/shop/uploads', description: 'bind only' }) hostPath: string | null;
  @ApiProperty({ description: 'bind: read-only for the container; a file is always read-only' }) readOnly: boolean;
  @ApiProperty({ description: 'file: sealed at rest and never returned' }) secret: boolean;
  @ApiPropertyOptional({ nullable: true, description: 'file: its text unless secret (then null); null for a bind mount' }) content: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** One body for both kinds (the service checks which fields each needs). */
export class CreateMountDto {
  @ApiProperty({ enum: ['bind', 'file'], description: 'bind: a host path of the server; file: a small text file written into the container' })
  @IsIn(['bind', 'file'], { message: 'kind must be bind or file' })
  kind: 'bind' | 'file';

  @ApiProperty({ example: '/etc/app/config.yml', description: MOUNT_PATH_DOC })
  @IsString({ message: 'mountPath must be text' })
  @MaxLength(1000, { message: `mountPath must be at most ${MOUNT_PATH_MAX_LENGTH} bytes` })
  mountPath: string;

  @ApiPropertyOptional({ example: '/srv/zpanel-data/shop/uploads', description: `bind (required): ${HOST_PATH_DOC}` })
  @IfPresent()
  @IsString({ message: 'hostPath must be text' })
  @MaxLength(1000, { message: `hostPath must be at most ${MOUNT_PATH_MAX_LENGTH} bytes` })
  hostPath?: string;

  @ApiPropertyOptional({ default: false, description: 'bind only: the container may only read it' })
  @IfPresent()
  @IsBoolean({ message: 'readOnly must be true or false' })
  readOnly?: boolean;

  @ApiPropertyOptional({ example: 'listen: 8080\n', description: `file (required): ${CONTENT_DOC}` })
  @IfPresent()
  @IsString({ message: 'content must be text' })
  @MaxLength(VOLUME_LIMITS.fileContentBytes * 2, { message: `content must be at most ${VOLUME_LIMITS.fileContentBytes} bytes` })
  content?: string;

  @ApiPropertyOptional({ default: false, description: 'file only: sealed at rest, never returned, redacted from deployment logs' })
  @IfPresent()
  @IsBoolean({ message: 'secret must be true or false' })
  secret?: boolean;
}

export class UpdateMountDto implements UpdateMountRequest {
  @ApiPropertyOptional({ description: MOUNT_PATH_DOC })
  @IfPresent()
  @IsString({ message: 'mountPath must be text' })
  @MaxLength(1000, { message: `mountPath must be at most ${MOUNT_PATH_MAX_LENGTH} bytes` })
  mountPath?: string;

  @ApiPropertyOptional({ description: `bind only: ${HOST_PATH_DOC}` })
  @IfPresent()
  @IsString({ message: 'hostPath must be text' })
  @MaxLength(1000, { message: `hostPath must be at most ${MOUNT_PATH_MAX_LENGTH} bytes` })
  hostPath?: string;

  @ApiPropertyOptional({ description: 'bind only' })
  @IfPresent()
  @IsBoolean({ message: 'readOnly must be true or false' })
  readOnly?: boolean;

  @ApiPropertyOptional({ description: `file only: ${CONTENT_DOC}` })
  @IfPresent()
  @IsString({ message: 'content must be text' })
  @MaxLength(VOLUME_LIMITS.fileContentBytes * 2, { message: `content must be at most ${VOLUME_LIMITS.fileContentBytes} bytes` })
  content?: string;

  @ApiPropertyOptional({ description: 'file only; turning it off needs the content sent again (a secret is never read back)' })
  @IfPresent()
  @IsBoolean({ message: 'secret must be true or false' })
  secret?: boolean;
}
