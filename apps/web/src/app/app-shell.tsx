import { NavLink, Outlet } from 'react-router';
import { LogoIcon, OverviewIcon, ServerIcon } from '../components/icons';
import { ThemeToggle } from '../components/theme-toggle';
import { UserMenu } from '../features/auth/components/user-menu';
import { ApiStatus } from '../features/system/components/api-status';
import { useSystemEvents } from '../features/system/use-system-events';
import { TeamSwitcher } from '../features/teams/components/team-switcher';

const NAV = [
  { to: '/', label: 'Overview', icon: OverviewIcon },
  { to: '/system', label: 'System', icon: ServerIcon },
];

export function AppShell() {
  // Mounted once for the whole app, so the cache stays live whichever page is open.
  useSystemEvents();

  return (
    <div className="shell" data-testid="app-shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand__mark">
            <LogoIcon />
          </span>
          Zpanel
        </div>
        <nav className="nav" aria-label="Main">
          {NAV.map(({ to, label, icon: Icon }) => (
            <NavLink key={to} to={to} end className="nav__link">
              <Icon />
              {label}
            </NavLink>
          ))}
        </nav>
      </aside>
      <div className="shell__body">
        <header className="topbar">
          <TeamSwitcher />
          <div className="topbar__end">
            <ApiStatus />
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
