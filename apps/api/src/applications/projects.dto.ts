import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  type CreateEnvironmentRequest,
  type CreateProjectRequest,
  DEFAULT_ENVIRONMENT,
  ENVIRONMENT_NAME_PATTERN,
  type EnvironmentDto,
  type ProjectDto,
  type UpdateProjectRequest,
} from '@zpanel/contracts';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { IsDisplayText, trim } from '../http/validation';
import { IfPresent } from './field-validation';

export class ProjectDoc implements ProjectDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ example: 'Shop' }) name: string;
  @ApiProperty({ example: 'Storefront and its workers' }) description: string;
  @ApiProperty({ example: 2, description: `Starts at 1: every project gets a \`${DEFAULT_ENVIRONMENT}\` environment` }) environmentCount: number;
  @ApiProperty({ example: 3 }) applicationCount: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ProjectPageDoc {
  @ApiProperty({ type: [ProjectDoc] }) items: ProjectDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class CreateProjectDto implements CreateProjectRequest {
  @ApiProperty({ example: 'Shop', maxLength: 100, description: 'Unique in the team (case-insensitive)' })
  @Transform(trim)
  @IsString({ message: 'name must be text' })
  @IsNotEmpty({ message: 'name is required' })
  @MaxLength(100, { message: 'name must be at most 100 characters' })
  @IsDisplayText()
  name: string;

  @ApiPropertyOptional({ example: 'Storefront and its workers', maxLength: 500 })
  @IfPresent()
  @IsString({ message: 'description must be text' })
  @MaxLength(500, { message: 'description must be at most 500 characters' })
  @IsDisplayText({ multiline: true })
  description?: string;
}

/** Every field optional; only what is sent changes. */
export class UpdateProjectDto extends PartialType(CreateProjectDto, { skipNullProperties: false }) implements UpdateProjectRequest {}

export class EnvironmentDoc implements EnvironmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) projectId: string;
  @ApiProperty({ example: DEFAULT_ENVIRONMENT }) name: string;
  @ApiProperty({ example: 1 }) applicationCount: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class EnvironmentPageDoc {
  @ApiProperty({ type: [EnvironmentDoc] }) items: EnvironmentDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class CreateEnvironmentDto implements CreateEnvironmentRequest {
  @ApiProperty({ example: 'staging', pattern: ENVIRONMENT_NAME_PATTERN.source, description: 'Unique in the project' })
  @Matches(ENVIRONMENT_NAME_PATTERN, {
    message: 'name must be 1-40 lower-case letters, digits and dashes, starting and ending with a letter or digit',
  })
  name: string;
}
