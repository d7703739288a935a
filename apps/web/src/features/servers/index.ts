// What the app's router and shell use from this feature; nothing else imports the feature.
export { ServerDetailPage } from './pages/server-detail-page';
export { ServerOverviewTab } from './pages/server-overview-tab';
export { ServersPage } from './pages/servers-page';
