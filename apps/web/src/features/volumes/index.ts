// What the app's router uses from this feature; nothing else imports the feature.
export { ApplicationVolumesTab } from './pages/application-volumes-tab';
export { ServerVolumesTab } from './pages/server-volumes-tab';
export { VolumeBackupsTab } from './pages/volume-backups-tab';
