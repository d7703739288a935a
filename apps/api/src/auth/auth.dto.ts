import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  type ChangePasswordRequest,
  type CreateOwnerRequest,
  type LoginRequest,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  type PasswordResetConfirmRequest,
  type PasswordResetRequest,
  type PasswordResetRequestedResponse,
  type RefreshRequest,
  type SessionResponse,
  type SetupStatusResponse,
  type UserDto,
} from '@zpanel/contracts';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsDisplayName, IsDisplayText, trim } from '../http/validation';

export class UserDtoDoc implements UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'ada@example.com' }) email: string;
  @ApiProperty({ example: 'Ada Lovelace' }) name: string;
  @ApiProperty() twoFactorEnabled: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class SetupStatusDto implements SetupStatusResponse {
  @ApiProperty({ description: 'True until the first (owner) account exists' }) needsOwner: boolean;
}

export class CreateOwnerDto implements CreateOwnerRequest {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @IsDisplayName()
  name: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, example: 'correct horse battery staple' })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @ApiProperty({ example: 'Acme' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'teamName is required' })
  @MaxLength(100)
  @IsDisplayText()
  teamName: string;
}

export class LoginDto implements LoginRequest {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @ApiPropertyOptional({ example: '123456', description: 'Required when the account has two-factor authentication' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'totpCode must be 6 digits' })
  totpCode?: string;

  @ApiPropertyOptional({ description: 'One of the recovery codes, instead of totpCode' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  recoveryCode?: string;

  @ApiPropertyOptional({ enum: ['cookie', 'body'], default: 'cookie', description: '`body` returns the refresh token in the response (API clients)' })
  @IsOptional()
  @IsIn(['cookie', 'body'])
  tokenDelivery?: 'cookie' | 'body';
}

export class RefreshDto implements RefreshRequest {
  @ApiPropertyOptional({ description: 'API clients send the refresh token here; the SPA relies on the cookie' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  refreshToken?: string;
}

export class SessionDto implements SessionResponse {
  @ApiProperty() accessToken: string;
  @ApiProperty({ format: 'date-time' }) accessTokenExpiresAt: string;
  @ApiProperty({ format: 'date-time' }) refreshTokenExpiresAt: string;
  @ApiPropertyOptional({ description: 'Only with tokenDelivery=body (or when refreshing with a body token)' }) refreshToken?: string;
  @ApiProperty({ type: UserDtoDoc }) user: UserDtoDoc;
}

export class ChangePasswordDto implements ChangePasswordRequest {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  newPassword: string;
}

export class PasswordResetDto implements PasswordResetRequest {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(trim)
  @IsString({ message: 'email must be an email address' })
  @MaxLength(254, { message: 'email must be at most 254 characters' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  email: string;
}

export class PasswordResetRequestedDto implements PasswordResetRequestedResponse {
  @ApiProperty({ example: 'If an account exists for this address, we sent it a link to set a new password. The link works once, for 30 minutes.' })
  message: string;
}

export class PasswordResetConfirmDto implements PasswordResetConfirmRequest {
  @ApiProperty({ example: 'zpp_…', description: 'From the emailed link' })
  @IsString({ message: 'token must be the token from the emailed link' })
  @IsNotEmpty({ message: 'token is required' })
  @MaxLength(128, { message: 'token is not a reset token' })
  token: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString({ message: 'password must be text' })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: `password must be at most ${PASSWORD_MAX_LENGTH} characters` })
  password: string;
}
