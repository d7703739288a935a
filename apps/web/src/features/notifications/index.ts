// What the app's router and shell use from this feature; nothing else imports the feature.
export { NotificationBell } from './components/notification-bell';
export { ChannelPage } from './pages/channel-page';
export { ChannelsPage } from './pages/channels-page';
export { NotificationsPage } from './pages/notifications-page';
export { useNotificationEvents } from './use-notification-events';
