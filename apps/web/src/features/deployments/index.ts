// What the app's router and shell use from this feature; nothing else imports the feature.
export { ApplicationDeploymentTab } from './pages/application-deployment-tab';
export { ApplicationDeploymentsTab } from './pages/application-deployments-tab';
