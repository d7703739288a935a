import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Ability, type ApiTokenDto, type CreateApiTokenRequest, type CreatedApiTokenResponse } from '@zpanel/contracts';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsEnum, IsISO8601, IsOptional } from 'class-validator';
import { IsDisplayName } from '../http/validation';

class CreatorDoc {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

export class ApiTokenDoc implements ApiTokenDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ example: 'GitHub Actions deploy' }) name: string;
  @ApiProperty({ enum: Ability, isArray: true, example: [Ability.Read, Ability.Deploy] }) abilities: Ability[];
  @ApiProperty({ example: 'zp_3fA9kQ2' }) tokenPrefix: string;
  @ApiPropertyOptional({ type: CreatorDoc, nullable: true }) createdBy: CreatorDoc | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) expiresAt: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) lastUsedAt: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) revokedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CreatedApiTokenDoc extends ApiTokenDoc implements CreatedApiTokenResponse {
  @ApiProperty({ description: 'Shown once. Send it as `Authorization: Bearer zp_…`', example: 'zp_…' }) token: string;
}

export class ApiTokenPageDoc {
  @ApiProperty({ type: [ApiTokenDoc] }) items: ApiTokenDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class CreateApiTokenDto implements CreateApiTokenRequest {
  @ApiProperty({ example: 'GitHub Actions deploy' })
  @IsDisplayName()
  name: string;

  @ApiProperty({ enum: Ability, isArray: true, example: [Ability.Read, Ability.Deploy] })
  @IsArray()
  @ArrayNotEmpty({ message: 'abilities must name at least one ability' })
  @ArrayMaxSize(5)
  @IsEnum(Ability, { each: true, message: `each ability must be one of ${Object.values(Ability).join(', ')}` })
  abilities: Ability[];

  @ApiPropertyOptional({ format: 'date-time', description: 'Omit for a token that does not expire' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time' })
  expiresAt?: string;
}
