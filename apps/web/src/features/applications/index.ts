// What the app's router and shell use from this feature; nothing else imports the feature.
export { ApplicationDangerTab } from './pages/application-danger-tab';
export { ApplicationDomainsTab } from './pages/application-domains-tab';
export { ApplicationEnvironmentTab } from './pages/application-environment-tab';
export { ApplicationHealthCheckTab } from './pages/application-health-check-tab';
export { ApplicationOverviewTab } from './pages/application-overview-tab';
export { ApplicationPage } from './pages/application-page';
export { ApplicationSettingsTab } from './pages/application-settings-tab';
export { NewApplicationPage } from './pages/new-application-page';
