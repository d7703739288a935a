import { Global, Module } from '@nestjs/common';
import { NotificationRecorder } from './notification-recorder.service';

/** Global, like audit: any module records notification events (docs/notifications.md, "Events"). */
@Global()
@Module({ providers: [NotificationRecorder], exports: [NotificationRecorder] })
export class NotificationEventsModule {}
