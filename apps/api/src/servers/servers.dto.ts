import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  CHECK_INTERVAL_LIMITS,
  type CreateServerRequest,
  type CreateSshKeyRequest,
  POSIX_USER_PATTERN,
  SERVER_NAME_PATTERN,
  type ServerDto,
  type ServerStatus,
  type SshKeyDto,
  type UpdateServerRequest,
  REASON_CODES,
  type ReasonCode,
  type AllowedBindRootsRequest,
  VOLUME_LIMITS,
} from '@zpanel/contracts';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsServerHost } from './host-validation';
import { IsDisplayName } from '../http/validation';

export class SshKeyDoc implements SshKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ example: 'deploy key' }) name: string;
  @ApiProperty({ example: 'ssh-ed25519' }) type: string;
  @ApiProperty({ example: 'ssh-ed25519 AAAAC3Nz… zpanel' }) publicKey: string;
  @ApiProperty({ example: 'SHA256:…' }) fingerprint: string;
  @ApiProperty() serverCount: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class SshKeyPageDoc {
  @ApiProperty({ type: [SshKeyDoc] }) items: SshKeyDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class CreateSshKeyDto implements CreateSshKeyRequest {
  @ApiProperty({ example: 'production servers' })
  @IsDisplayName()
  name: string;

  @ApiPropertyOptional({ description: 'OpenSSH or PEM private key without passphrase; omit to generate an ed25519 key. Never returned.' })
  @IsOptional()
  @IsString()
  @MaxLength(16_384)
  privateKey?: string;
}

export class ServerDoc implements ServerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ example: 'web-1' }) name: string;
  @ApiProperty({ example: '203.0.113.10' }) host: string;
  @ApiProperty({ example: 22 }) port: number;
  @ApiProperty({ example: 'root' }) user: string;
  @ApiProperty({ format: 'uuid' }) sshKeyId: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: ['pending', 'validating', 'ready', 'unreachable', 'invalid'] }) status: ServerStatus;
  @ApiPropertyOptional({ nullable: true }) statusReason: string | null;
  @ApiPropertyOptional({
    enum: REASON_CODES.filter((c) => c.startsWith('server.')),
    nullable: true,
    example: 'server.host_key_changed',
    description: 'What statusReason is, as a stable code to react to (its words may change); null with a null reason',
  })
  statusReasonCode: ReasonCode | null;
  @ApiPropertyOptional({ nullable: true, example: 'SHA256:…' }) hostKeyFingerprint: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'Debian GNU/Linux 12 (bookworm)' }) os: string | null;
  @ApiPropertyOptional({ nullable: true, example: '24.0.7' }) dockerVersion: string | null;
  @ApiPropertyOptional({ nullable: true }) diskFreeBytes: number | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) lastValidatedAt: string | null;
  @ApiProperty({
    example: 60,
    minimum: CHECK_INTERVAL_LIMITS.min,
    maximum: CHECK_INTERVAL_LIMITS.max,
    description: 'Seconds between two checks (the instance default unless set)',
  })
  checkIntervalSeconds: number;
  @ApiPropertyOptional({ nullable: true, format: 'date-time', description: 'When the last periodic check finished' }) lastCheckedAt: string | null;
  @ApiProperty({
    type: [String],
    example: ['/srv/zpanel-data'],
    description: "Host directories this server's applications may bind-mount (at or below them); set by the team's owners. Empty: none",
  })
  allowedBindRoots: string[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ServerPageDoc {
  @ApiProperty({ type: [ServerDoc] }) items: ServerDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class CreateServerDto implements CreateServerRequest {
  @ApiProperty({ example: 'web-1', pattern: SERVER_NAME_PATTERN.source })
  @Matches(SERVER_NAME_PATTERN, { message: 'name may use lower-case letters, digits and dashes (max 63), starting with a letter or digit' })
  name: string;

  @ApiProperty({ example: '203.0.113.10' })
  @IsServerHost()
  host: string;

  @ApiPropertyOptional({ example: 22, default: 22 })
  @IsOptional()
  @IsInt({ message: 'port must be a whole number' })
  @Min(1, { message: 'port must be between 1 and 65535' })
  @Max(65535, { message: 'port must be between 1 and 65535' })
  port?: number;

  @ApiPropertyOptional({ example: 'root', default: 'root', pattern: POSIX_USER_PATTERN.source })
  @IsOptional()
  @Matches(POSIX_USER_PATTERN, { message: 'user must be a POSIX user name (lower-case letters, digits, _ and -)' })
  user?: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('4', { message: 'sshKeyId must be the id of one of the team’s SSH keys' })
  sshKeyId: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({
    example: 60,
    minimum: CHECK_INTERVAL_LIMITS.min,
    maximum: CHECK_INTERVAL_LIMITS.max,
    nullable: true,
    description:
      'Seconds between two checks (reachability, CPU, memory, disk, load, containers). Omitted or null: the instance default (SERVER_CHECK_INTERVAL_SECONDS).',
  })
  @IsOptional()
  @IsInt({ message: 'checkIntervalSeconds must be a whole number of seconds' })
  @Min(CHECK_INTERVAL_LIMITS.min, { message: `checkIntervalSeconds must be between ${CHECK_INTERVAL_LIMITS.min} and ${CHECK_INTERVAL_LIMITS.max}` })
  @Max(CHECK_INTERVAL_LIMITS.max, { message: `checkIntervalSeconds must be between ${CHECK_INTERVAL_LIMITS.min} and ${CHECK_INTERVAL_LIMITS.max}` })
  checkIntervalSeconds?: number;
}

/** Every field optional; only what is sent changes. */
export class UpdateServerDto extends PartialType(CreateServerDto) implements UpdateServerRequest {}

export class AllowedBindRootsDto implements AllowedBindRootsRequest {
  @ApiProperty({
    type: [String],
    example: ['/srv/zpanel-data', '/mnt/media'],
    maxItems: VOLUME_LIMITS.bindRootsPerServer,
    description:
      "Replaces the list. Absolute normalized host paths; refused (400 naming the item): `/`, `/etc`, `/proc`, `/sys`, `/dev`, `/boot`, `/root`, `/run`, `/var/run` (the Docker socket), `/var/lib/docker`, `/var/lib/containerd`, Zpanel's `/var/lib/zpanel`, anything under one of them or containing one. Symbolic links are resolved on the server at each deployment",
  })
  @IsArray({ message: 'allowedBindRoots must be a list of host paths' })
  @ArrayMaxSize(VOLUME_LIMITS.bindRootsPerServer, { message: `allowedBindRoots may list at most ${VOLUME_LIMITS.bindRootsPerServer} paths` })
  @IsString({ each: true, message: 'allowedBindRoots must be a list of host paths' })
  allowedBindRoots: string[];
}
