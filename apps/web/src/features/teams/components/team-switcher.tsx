import { useState } from 'react';
import { CheckIcon, ChevronsUpDownIcon, PlusIcon } from '../../../components/icons';
import { Menu } from '../../../components/menu';
import { ApiError } from '../../../lib/api-client';
import { ROLE_LABELS } from '../../../shared/teams/labels';
import { useCurrentTeam, useSwitchTeam } from '../../../shared/teams/use-current-team';
import { CreateTeamDialog } from './create-team-dialog';

/** Top-bar control for the team everything acts in, and the way to create another. */
export function TeamSwitcher() {
  const { me, teams, current } = useCurrentTeam();
  const switchTeam = useSwitchTeam();
  const [creating, setCreating] = useState(false);

  if (me.isPending) {
    return <span className="team-switcher team-switcher--placeholder" aria-busy="true" aria-label="Loading teams…" />;
  }
  if (me.isError) {
    const reason = me.error instanceof ApiError ? `${me.error.title} (trace ${me.error.traceId})` : me.error.message;
    return (
      <span className="team-switcher team-switcher--error" title={reason} data-testid="team-switcher">
        Teams unavailable
      </span>
    );
  }

  return (
    <>
      <Menu
        label="Switch team"
        align="start"
        testId="team-switcher"
        triggerClassName="team-switcher"
        trigger={
          <>
            <span className="team-mark" aria-hidden="true">
              {current?.teamName.trim()[0]?.toUpperCase() ?? '?'}
            </span>
            <span className="team-switcher__name" data-testid="current-team">
              {current?.teamName ?? 'No team'}
            </span>
            {current && <span className="team-switcher__role">{ROLE_LABELS[current.role]}</span>}
            <ChevronsUpDownIcon className="team-switcher__chevron" />
          </>
        }
      >
        {(close) => (
          <>
            <p className="menu__section">Teams</p>
            {teams.length === 0 && <p className="menu__empty">You are not in a team yet.</p>}
            {teams.map((team) => (
              <button
                key={team.teamId}
                type="button"
                role="menuitemradio"
                aria-checked={team.teamId === current?.teamId}
                className="menu__item"
                onClick={() => {
                  switchTeam(team.teamId);
                  close();
                }}
              >
                <span className="team-mark team-mark--small" aria-hidden="true">
                  {team.teamName.trim()[0]?.toUpperCase()}
                </span>
                <span className="menu__label">{team.teamName}</span>
                <span className="menu__meta">{ROLE_LABELS[team.role]}</span>
                <CheckIcon className="menu__check" />
              </button>
            ))}
            <div className="menu__separator" role="separator" />
            <button
              type="button"
              role="menuitem"
              className="menu__item"
              onClick={() => {
                close();
                setCreating(true);
              }}
            >
              <PlusIcon />
              Create team
            </button>
          </>
        )}
      </Menu>
      {creating && (
        <CreateTeamDialog
          onClose={() => setCreating(false)}
          onCreated={(team) => {
            switchTeam(team.teamId);
            setCreating(false);
          }}
        />
      )}
    </>
  );
}
