import { NavLink, Outlet } from 'react-router';
import { LogoIcon, MoonIcon, OverviewIcon, ServerIcon, SunIcon } from '../components/icons';
import { ApiStatus } from '../features/system/components/api-status';
import { useSystemEvents } from '../features/system/use-system-events';
import { useThemeStore } from '../lib/theme-store';

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
          <ApiStatus />
          <ThemeToggle />
        </header>
        <main className="main">
          <Outlet />
        </main>
      </div>
    </div>
  );
}

function ThemeToggle() {
  const theme = useThemeStore((state) => state.theme);
  const toggle = useThemeStore((state) => state.toggle);
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="icon-button" onClick={toggle} aria-label={`Switch to ${next} theme`} title={`Switch to ${next} theme`}>
      {theme === 'dark' ? <SunIcon /> : <MoonIcon />}
    </button>
  );
}
