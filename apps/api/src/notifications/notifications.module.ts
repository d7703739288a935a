import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { NotificationChannelsController } from './notification-channels.controller';
import { NotificationChannelsService } from './notification-channels.service';
import { NotificationLiveSubscriptions } from './notification-live-subscriptions';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

/**
 * Notifications (docs/notifications.md): a team's channels (settings, sealed secrets, "Send test"
 * through the worker, the delivery log), the notification centre (list, unread count, read marks)
 * and its live subscription. Recording events is NotificationEventsModule's (global); the worker
 * fans them out and delivers them.
 */
@Module({
  imports: [AccessModule],
  controllers: [NotificationChannelsController, NotificationsController],
  providers: [NotificationChannelsService, NotificationsService, NotificationLiveSubscriptions],
})
export class NotificationsModule {}
