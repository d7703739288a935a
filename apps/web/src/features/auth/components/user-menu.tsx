import { Link } from 'react-router';
import { SignOutIcon, UserIcon } from '../../../components/icons';
import { Menu } from '../../../components/menu';
import { Skeleton } from '../../../components/skeleton';
import { useLogout } from '../../../shared/session/mutations';
import { useMe } from '../../../shared/session/queries';

/** Top-bar account menu: who is signed in, their profile, signing out. */
export function UserMenu() {
  const me = useMe();
  const logout = useLogout();
  const user = me.data?.user;

  return (
    <Menu label="Account" testId="user-menu" trigger={<span className="avatar">{user ? initials(user.name || user.email) : <UserIcon />}</span>}>
      {(close) => (
        <>
          <div className="menu__header">
            {user && (
              <>
                <p className="menu__name">{user.name}</p>
                <p className="menu__email">{user.email}</p>
              </>
            )}
            {me.isPending && <Skeleton lines={2} />}
            {me.isError && <p className="menu__email">Could not load your account.</p>}
          </div>
          <div className="menu__separator" role="separator" />
          <Link role="menuitem" className="menu__item" to="/profile" onClick={close}>
            <UserIcon />
            Profile
          </Link>
          <button
            type="button"
            role="menuitem"
            className="menu__item"
            onClick={() => logout.mutate()}
            disabled={logout.isPending}
            aria-disabled={logout.isPending || undefined}
          >
            <SignOutIcon />
            {logout.isPending ? 'Signing out…' : 'Sign out'}
          </button>
        </>
      )}
    </Menu>
  );
}

/** "Ada Lovelace" → "AL"; a single word gives one letter. */
function initials(name: string): string {
  const words = name.trim().split(/\s+/);
  return words
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase() ?? '')
    .join('');
}
