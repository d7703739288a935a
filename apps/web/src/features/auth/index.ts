// What the app's router and shell use from this feature; nothing else imports the feature.
export { RequireSession } from './components/require-session';
export { SessionRoot } from './components/session-root';
export { UserMenu } from './components/user-menu';
export { ForgotPasswordPage } from './pages/forgot-password-page';
export { LoginPage } from './pages/login-page';
export { ProfilePage } from './pages/profile-page';
export { ResetPasswordPage } from './pages/reset-password-page';
export { SetupPage } from './pages/setup-page';
