import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  INSTANCE_SETTINGS_LIMITS as LIMITS,
  type InstanceSettingsDto,
  type InstanceSmtpSettingsDto,
  type InstanceSmtpTestRequest,
  SMTP_SECURITIES,
  type SmtpSecurity,
  type UpdateInstanceSettingsRequest,
} from '@zpanel/contracts';
import { Transform, Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  Matches,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsServerHost } from '../servers/host-validation';
import { trim } from '../http/validation';

export class InstanceSmtpSettingsDoc implements InstanceSmtpSettingsDto {
  @ApiProperty({ example: 'smtp.example.com' }) host: string;
  @ApiProperty({ example: 587 }) port: number;
  @ApiProperty({ enum: SMTP_SECURITIES, example: 'starttls' }) security: SmtpSecurity;
  @ApiPropertyOptional({ nullable: true, example: 'zpanel@example.com' }) username: string | null;
  @ApiProperty({ example: 'zpanel@example.com' }) from: string;
  @ApiProperty({ description: 'Whether a password is saved; the password itself is never returned' }) passwordSet: boolean;
}

export class InstanceSettingsDoc implements InstanceSettingsDto {
  @ApiPropertyOptional({ nullable: true, example: 'https://zpanel.example.com' }) publicUrl: string | null;
  @ApiPropertyOptional({ nullable: true, type: InstanceSmtpSettingsDoc, description: 'Null: email is off' }) smtp: InstanceSmtpSettingsDoc | null;
}

export class SmtpSettingsInput {
  @ApiProperty({ example: 'smtp.example.com', maxLength: LIMITS.hostLength })
  @Transform(trim)
  @IsString({ message: 'smtp.host must be a host name or an IP address' })
  @IsServerHost({ message: 'smtp.host must be an IP address or a DNS name' })
  host: string;

  @ApiProperty({ example: 587, minimum: 1, maximum: 65535 })
  @IsInt({ message: 'smtp.port must be a whole number' })
  @Min(1, { message: 'smtp.port must be between 1 and 65535' })
  @Max(65535, { message: 'smtp.port must be between 1 and 65535' })
  port: number;

  @ApiProperty({
    enum: SMTP_SECURITIES,
    example: 'starttls',
    description:
      '`starttls`: plain then STARTTLS, required (587); `tls`: TLS from the first byte (465); `none`: no encryption (a relay on a private network)',
  })
  @IsIn(SMTP_SECURITIES, { message: `smtp.security must be one of ${SMTP_SECURITIES.join(', ')}` })
  security: SmtpSecurity;

  @ApiPropertyOptional({ nullable: true, example: 'zpanel@example.com', maxLength: LIMITS.usernameLength })
  @IsOptional()
  @IsString({ message: 'smtp.username must be text' })
  @MinLength(1, { message: 'smtp.username must not be empty (send null for none)' })
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'smtp.username must not contain control characters' })
  @MaxLength(LIMITS.usernameLength, { message: `smtp.username must be at most ${LIMITS.usernameLength} characters` })
  username?: string | null;

  @ApiProperty({ example: 'zpanel@example.com', description: 'The sender address of every email Zpanel sends', maxLength: LIMITS.emailLength })
  @Transform(trim)
  @IsString({ message: 'smtp.from must be an email address' })
  @MaxLength(LIMITS.emailLength, { message: `smtp.from must be at most ${LIMITS.emailLength} characters` })
  @IsEmail({}, { message: 'smtp.from must be an email address' })
  from: string;

  @ApiPropertyOptional({
    nullable: true,
    writeOnly: true,
    description: 'Sealed, never returned. Omitted: the saved one is kept (unless the host changes); null: none',
    maxLength: LIMITS.passwordLength,
  })
  @IsOptional()
  @IsString({ message: 'smtp.password must be text' })
  @MinLength(1, { message: 'smtp.password must not be empty (send null for none)' })
  @MaxLength(LIMITS.passwordLength, { message: `smtp.password must be at most ${LIMITS.passwordLength} characters` })
  password?: string | null;
}

export class UpdateInstanceSettingsDto implements UpdateInstanceSettingsRequest {
  @ApiPropertyOptional({
    nullable: true,
    example: 'https://zpanel.example.com',
    maxLength: LIMITS.publicUrlLength,
    description: 'http(s) origin with an optional path, no credentials, query or fragment; a trailing slash is removed. Null: unset',
  })
  @IsOptional()
  @IsString({ message: 'publicUrl must be a URL' })
  publicUrl?: string | null;

  @ApiPropertyOptional({ nullable: true, type: SmtpSettingsInput, description: 'Replaces the SMTP settings; null turns email off' })
  @ValidateIf((_object: unknown, value: unknown) => value !== undefined && value !== null)
  @IsObject({ message: 'smtp must be an object or null' })
  @ValidateNested()
  @Type(() => SmtpSettingsInput)
  smtp?: SmtpSettingsInput | null;
}

export class InstanceSmtpTestDto implements InstanceSmtpTestRequest {
  @ApiProperty({ example: 'ada@example.com', description: 'Who receives the test email' })
  @Transform(trim)
  @IsString({ message: 'to must be an email address' })
  @MaxLength(LIMITS.emailLength, { message: `to must be at most ${LIMITS.emailLength} characters` })
  @IsEmail({}, { message: 'to must be an email address' })
  to: string;
}

export class SmtpTestResultDoc {
  @ApiProperty() ok: boolean;
  @ApiPropertyOptional({ nullable: true, example: null, description: 'Always null for email' }) status: number | null;
  @ApiPropertyOptional({ nullable: true, example: 'Connection refused by smtp.example.com:587', description: 'What went wrong, in words' })
  error: string | null;
  @ApiProperty({ example: 420 }) latencyMs: number;
}
