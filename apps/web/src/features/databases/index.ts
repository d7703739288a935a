// What the app's router and shell use from this feature; nothing else imports the feature.
export { EnvironmentDatabases } from './components/environment-databases';
export { DatabaseBackupsTab } from './pages/database-backups-tab';
export { DatabaseOperationsTab } from './pages/database-operations-tab';
export { DatabaseOverviewTab } from './pages/database-overview-tab';
export { DatabasePage } from './pages/database-page';
export { DatabaseSettingsTab } from './pages/database-settings-tab';
