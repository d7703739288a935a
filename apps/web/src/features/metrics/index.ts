// What the app's router and shell use from this feature; nothing else imports the feature.
export { ServerAlertsTab } from './pages/server-alerts-tab';
export { ServerOverviewMetrics } from './pages/server-overview-metrics';
export { DatabaseMetricsTab } from './pages/database-metrics-tab';
