// What the app's router and shell use from this feature; nothing else imports the feature.
export { AcceptInvitationPage } from './pages/accept-invitation-page';
export { MembersPage } from './pages/members-page';
