// What the app's router and shell use from this feature; nothing else imports the feature.
export { ProjectPage } from './pages/project-page';
export { ProjectsPage } from './pages/projects-page';
