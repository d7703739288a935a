import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  type AnyNotificationKind,
  type MarkNotificationsReadRequest,
  NOTICE_EVENT_KINDS,
  NOTIFICATION_EVENT_KINDS,
  NOTIFICATION_SEVERITIES,
  NOTIFICATION_SUBJECT_TYPES,
  type NotificationDto,
  type NotificationListQuery,
  type NotificationSeverity,
  type NotificationSubjectType,
  type NotificationUnreadDto,
  PERSONAL_EVENT_KINDS,
} from '@zpanel/contracts';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../http/pagination';

/** Ids a single mark-read request may name (the centre shows a page at a time). */
export const MARK_READ_MAX_IDS = 200;

const strictBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class NotificationListQueryDto extends PageQueryDto implements NotificationListQuery {
  @ApiPropertyOptional({ type: Boolean, description: 'true: only those the caller has not read' })
  @IsOptional()
  @Transform(strictBoolean)
  @IsBoolean({ message: 'unread must be true or false' })
  unread?: boolean;
}

export class MarkNotificationsReadDto implements MarkNotificationsReadRequest {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MARK_READ_MAX_IDS,
    description: 'These notifications (ids the caller does not see in this team are ignored, without an error)',
  })
  @IsOptional()
  @IsArray({ message: 'ids must be a list of notification ids' })
  @ArrayMaxSize(MARK_READ_MAX_IDS, { message: `ids must list at most ${MARK_READ_MAX_IDS} notifications` })
  @IsUUID('all', { each: true, message: 'ids must be notification ids (UUIDs)' })
  ids?: string[];

  @ApiPropertyOptional({ description: 'true: every notification the caller sees in this team (up to `before` when given)' })
  @IsOptional()
  @IsBoolean({ message: 'all must be true or false' })
  all?: boolean;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'With `all`: only those that occurred at or before this time (the newest the caller saw)',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'before must be an ISO 8601 date-time' })
  before?: string;
}

const ALL_KINDS = [...NOTIFICATION_EVENT_KINDS, ...PERSONAL_EVENT_KINDS, ...NOTICE_EVENT_KINDS];

export class NotificationDoc implements NotificationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: 'Null for a person’s own events (sign-ins, 2FA changes)' }) teamId:
    string | null;
  @ApiProperty({ enum: ALL_KINDS }) kind: AnyNotificationKind;
  @ApiProperty({ enum: NOTIFICATION_SEVERITIES }) severity: NotificationSeverity;
  @ApiProperty({ example: 'Deployment of api failed' }) title: string;
  @ApiProperty({ example: 'The health check failed after 3 tries: connection refused on port 8080.' }) message: string;
  @ApiPropertyOptional({
    nullable: true,
    example: 'https://panel.example.com/applications/1c0.../deployments/9f2...',
    description: 'A link into the UI: absolute when the instance’s public URL is set, else a path',
  })
  url: string | null;
  @ApiPropertyOptional({ nullable: true, enum: NOTIFICATION_SUBJECT_TYPES }) subjectType: NotificationSubjectType | null;
  @ApiPropertyOptional({ nullable: true, format: 'uuid' }) subjectId: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'uuid' }) projectId: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'uuid' }) environmentId: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ description: 'Whether the caller marked it read' }) read: boolean;
}

export class NotificationPageDoc {
  @ApiProperty({ type: [NotificationDoc] }) items: NotificationDoc[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
}

export class NotificationUnreadDoc implements NotificationUnreadDto {
  @ApiProperty({ example: 3, description: 'Notifications the caller has not read in this team' }) unread: number;
}
