// What the app's router and shell use from this feature; nothing else imports the feature.
export { ApiStatus } from './components/api-status';
export { OverviewPage } from './pages/overview-page';
export { SystemPage } from './pages/system-page';
export { useSystemEvents } from './use-system-events';
