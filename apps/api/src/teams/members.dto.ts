import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  type AcceptInvitationRequest,
  type ChangeMemberRoleRequest,
  type CreatedInvitationResponse,
  type InvitationDto,
  type InvitationPreviewResponse,
  type InvitationStatus,
  type InviteMemberRequest,
  type PasswordResetResponse,
  type RegisterWithInvitationRequest,
  Role,
  type TeamMemberDto,
} from '@zpanel/contracts';
import { Transform } from 'class-transformer';
import { IsEmail, IsEnum, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { IsDisplayName, trim } from '../http/validation';

export class TeamMemberDoc implements TeamMemberDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: Role }) role: Role;
  @ApiPropertyOptional({ description: 'Owners and admins only' }) twoFactorEnabled?: boolean;
  @ApiProperty({ format: 'date-time' }) joinedAt: string;
}

export class TeamMemberPageDoc {
  @ApiProperty({ type: [TeamMemberDoc] }) items: TeamMemberDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class PasswordResetDoc implements PasswordResetResponse {
  @ApiProperty({ description: 'Shown once; the member should change it after signing in' }) temporaryPassword: string;
}

export class ChangeMemberRoleDto implements ChangeMemberRoleRequest {
  @ApiProperty({ enum: Role })
  @IsEnum(Role, { message: `role must be one of ${Object.values(Role).join(', ')}` })
  role: Role;
}

export class InviteMemberDto implements InviteMemberRequest {
  @ApiProperty({ example: 'grace@example.com' })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ enum: Role })
  @IsEnum(Role, { message: `role must be one of ${Object.values(Role).join(', ')}` })
  role: Role;
}

class InviterDoc {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

export class InvitationDoc implements InvitationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: Role }) role: Role;
  @ApiProperty({ enum: ['pending', 'accepted', 'revoked', 'expired'] }) status: InvitationStatus;
  @ApiPropertyOptional({ type: InviterDoc, nullable: true }) invitedBy: InviterDoc | null;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CreatedInvitationDoc extends InvitationDoc implements CreatedInvitationResponse {
  @ApiProperty({ description: 'Shown once: send it to the invitee', example: 'zpi_…' }) token: string;
  @ApiProperty({ example: '/invitations/accept?token=zpi_…' }) acceptPath: string;
  @ApiProperty({ description: 'Whether the link was queued by email to the invited address (the instance has SMTP settings and a public URL)' })
  emailed: boolean;
}

export class InvitationPageDoc {
  @ApiProperty({ type: [InvitationDoc] }) items: InvitationDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}

export class InvitationPreviewDoc implements InvitationPreviewResponse {
  @ApiProperty() teamName: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: Role }) role: Role;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty() accountExists: boolean;
}

export class InvitationTokenDto implements AcceptInvitationRequest {
  @ApiProperty({ example: 'zpi_…' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  token: string;
}

export class RegisterWithInvitationDto extends InvitationTokenDto implements RegisterWithInvitationRequest {
  @ApiProperty({ example: 'Grace Hopper' })
  @IsDisplayName()
  name: string;

  @ApiProperty()
  @IsString()
  @MaxLength(256)
  password: string;
}
