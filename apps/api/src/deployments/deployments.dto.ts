import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  type CreateDeploymentRequest,
  DEPLOYMENT_LOG_PAGE,
  DEPLOYMENT_LOG_STREAMS,
  DEPLOYMENT_STATUSES,
  DEPLOYMENT_STEPS,
  DEPLOYMENT_TRIGGERS,
  type DeploymentActorDto,
  type DeploymentDto,
  type DeploymentLogLine,
  type DeploymentLogPage,
  type DeploymentLogStream,
  type DeploymentStatus,
  type DeploymentStep,
  type DeploymentTrigger,
  REASON_CODES,
  type ReasonCode,
} from '@zpanel/contracts';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IfPresent, IsApplicationField } from '../applications/field-validation';

export class CreateDeploymentDto implements CreateDeploymentRequest {
  @ApiPropertyOptional({
    example: '4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    description: 'Build exactly this commit (7-40 lower-case hex digits) instead of the head of the branch; git-built applications only',
  })
  @IfPresent()
  @IsApplicationField('gitCommit')
  commit?: string;

  @ApiPropertyOptional({
    example: 'v1.4.2',
    maxLength: 128,
    pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$',
    description:
      'Run the application’s image reference with this tag instead of its own tag or digest (`ghcr.io/acme/web:latest` + `v1.4.2` runs `ghcr.io/acme/web:v1.4.2`); image build pack only, not together with `commit`',
  })
  @IfPresent()
  @IsApplicationField('imageTag')
  imageTag?: string;
}

const afterSeqMessage = { message: 'afterSeq must be a whole number of 0 or more' };
const limitMessage = { message: `limit must be a whole number from 1 to ${DEPLOYMENT_LOG_PAGE.maxLimit}` };

export class DeploymentLogQueryDto {
  @ApiPropertyOptional({ minimum: 0, default: 0, example: 0, description: 'Lines after this sequence number (the `lastSeq` of the previous page)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt(afterSeqMessage)
  @Min(0, afterSeqMessage)
  afterSeq?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: DEPLOYMENT_LOG_PAGE.maxLimit, default: DEPLOYMENT_LOG_PAGE.defaultLimit })
  @IsOptional()
  @Type(() => Number)
  @IsInt(limitMessage)
  @Min(1, limitMessage)
  @Max(DEPLOYMENT_LOG_PAGE.maxLimit, limitMessage)
  limit?: number;
}

class DeploymentActorDoc implements DeploymentActorDto {
  @ApiProperty({ enum: ['user', 'token'], example: 'user' }) type: 'user' | 'token';
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) userId: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) tokenId: string | null;
  @ApiProperty({ example: 'Olive Owner' }) name: string;
}

export class DeploymentDoc implements DeploymentDto {
  @ApiProperty({ format: 'uuid', example: '0b7e3c1a-5d2f-4e8a-9c6b-1f2e3d4c5b6a' }) id: string;
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ format: 'uuid' }) applicationId: string;
  @ApiProperty({ enum: DEPLOYMENT_STATUSES, example: 'running' }) status: DeploymentStatus;
  @ApiProperty({ enum: DEPLOYMENT_TRIGGERS, example: 'manual', description: 'manual (a person), api (an API token), webhook, rollback, redeploy' })
  trigger: DeploymentTrigger;
  @ApiPropertyOptional({
    nullable: true,
    example: '4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    description: 'The commit built: the one asked for, or the branch head found at clone time',
  })
  commitSha: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'v1.4.2', description: 'A tag push deployed this tag (its ref was fetched instead of the branch)' })
  gitTag: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'Rollback: the deployment whose image runs again' }) sourceDeploymentId:
    string | null;
  @ApiPropertyOptional({ nullable: true, example: 'zp/shop:0b7e3c1a-5d2f-4e8a-9c6b-1f2e3d4c5b6a' }) imageTag: string | null;
  @ApiPropertyOptional({
    nullable: true,
    example: 'v1.4.2',
    description:
      'The image tag asked for (image build pack): the application’s image reference ran with this tag in place of its own; null: the reference as configured',
  })
  requestedImageTag: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'zp-shop-0b7e3c1a5d2f' }) containerName: string | null;
  @ApiProperty({ enum: DEPLOYMENT_STEPS, example: 'build', description: 'Where it is, or where it stopped when it failed' }) step: DeploymentStep;
  @ApiPropertyOptional({ nullable: true, example: 'Health check failed: nothing answered on TCP port 8080 after 10 tries.' }) reason: string | null;
  @ApiPropertyOptional({
    enum: REASON_CODES.filter((c) => !c.startsWith('server.')),
    nullable: true,
    example: 'health_check.failed',
    description: 'What reason is, as a stable code to react to (its words may change); null with a null reason',
  })
  reasonCode: ReasonCode | null;
  @ApiProperty({ example: false, description: 'A cancel was asked for and the worker has not stopped yet' }) cancelRequested: boolean;
  @ApiProperty({ example: true, description: 'A successful deployment whose image is still on the server: it can be rolled back to' })
  imageKept: boolean;
  @ApiProperty({ type: DeploymentActorDoc }) actor: DeploymentActorDoc;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) finishedAt: string | null;
}

export class DeploymentPageDoc {
  @ApiProperty({ type: [DeploymentDoc] }) items: DeploymentDoc[];
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 20 }) perPage: number;
  @ApiProperty({ example: 3 }) total: number;
}

class DeploymentLogLineDoc implements DeploymentLogLine {
  @ApiProperty({ example: 42 }) seq: number;
  @ApiProperty({ format: 'date-time' }) ts: string;
  @ApiProperty({ enum: DEPLOYMENT_LOG_STREAMS, example: 'stdout', description: 'system: a line Zpanel wrote about the step it runs' })
  stream: DeploymentLogStream;
  @ApiProperty({ example: 'Step 3/5 : RUN npm ci', description: 'Secret values of the application are replaced by ******** before storage' })
  line: string;
}

export class DeploymentLogPageDoc implements DeploymentLogPage {
  @ApiProperty({ type: [DeploymentLogLineDoc] }) lines: DeploymentLogLineDoc[];
  @ApiProperty({ example: 1042, description: 'Pass as afterSeq for the next page' }) lastSeq: number;
  @ApiProperty({ example: false }) hasMore: boolean;
}
