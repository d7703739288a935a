import { NavLink, Outlet } from 'react-router';
import { AuditLogIcon, BackupIcon, BellIcon, Brand, KeyIcon, MembersIcon, OverviewIcon, ProjectIcon, ServerIcon } from '../components/icons';
import { ThemeToggle } from '../components/theme-toggle';
import { UserMenu } from '../features/auth';
import { NotificationBell, useNotificationEvents } from '../features/notifications';
import { ApiStatus, useSystemEvents } from '../features/system';
import { TeamSwitcher } from '../features/teams';
import './nav-groups.css';

const NAV = [
  { to: '/', label: 'Overview', icon: OverviewIcon },
  { to: '/projects', label: 'Projects', icon: ProjectIcon },
  { to: '/servers', label: 'Servers', icon: ServerIcon },
  { to: '/system', label: 'System', icon: ServerIcon },
];

/** Sidebar sections, each under its heading. */
const NAV_GROUPS = [
  {
    label: 'Team',
    items: [
      { to: '/team/members', label: 'Members', icon: MembersIcon },
      { to: '/team/api-tokens', label: 'API tokens', icon: KeyIcon },
      { to: '/team/backup-destinations', label: 'Backup destinations', icon: BackupIcon },
      { to: '/notifications/channels', label: 'Notifications', icon: BellIcon },
      { to: '/team/audit', label: 'Audit log', icon: AuditLogIcon },
    ],
  },
];

export function AppShell() {
  // Mounted once for the whole app, so the cache stays live whichever page is open.
  useSystemEvents();
  // The bell's count and lists, and the toasts, follow the current team's notifications on every page.
  useNotificationEvents();

  return (
    <div className="shell" data-testid="app-shell">
      <aside className="sidebar">
        <Brand className="brand" />
        <nav className="nav" aria-label="Main">
          {NAV.map(({ to, label, icon: Icon }) => (
            <NavLink key={to} to={to} end className="nav__link">
              <Icon />
              {label}
            </NavLink>
          ))}
          {NAV_GROUPS.map((group) => [
            <p key={group.label} className="nav__group">
              {group.label}
            </p>,
            ...group.items.map(({ to, label, icon: Icon }) => (
              <NavLink key={to} to={to} end className="nav__link">
                <Icon />
                {label}
              </NavLink>
            )),
          ])}
        </nav>
      </aside>
      <div className="shell__body">
        <header className="topbar">
          <TeamSwitcher />
          <div className="topbar__end">
            <ApiStatus />
            <NotificationBell />
            <ThemeToggle />
            <UserMenu />
          </div>
        </header>
        <main className="main">
          <Outlet />
        </main>
      </div>
    </div>
  );
}
