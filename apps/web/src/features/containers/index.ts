// What the app's router and shell use from this feature; nothing else imports the feature.
export { ServerContainersTab } from './pages/server-containers-tab';
export { DatabaseLogsTab } from './pages/database-logs-tab';
