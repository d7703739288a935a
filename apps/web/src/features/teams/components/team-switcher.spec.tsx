import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Role, TEAM_HEADER } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { TEAM_STORAGE_KEY, useSessionStore } from '../../../lib/session-store';
import { aMe, aMembership, aSystemStatus, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, requestsTo, validationProblem } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { TeamSwitcher } from './team-switcher';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const STATUS = '/api/v1/system/status';
const ENGINES = aMembership({ teamId: 'team-1', teamName: 'Analytical Engines', role: Role.Owner });
const LOOMS = aMembership({ teamId: 'team-2', teamName: 'Jacquard Looms', role: Role.Viewer });

function routes(teams = [ENGINES, LOOMS]) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams })),
    '/api/ready': () => jsonResponse(readyReadiness),
    [STATUS]: () => jsonResponse(aSystemStatus()),
  };
}

async function currentTeam(name: string) {
  await waitFor(() => expect(screen.getByTestId('current-team').textContent).toBe(name));
}

function openSwitcher(): HTMLElement {
  fireEvent.click(screen.getByRole('button', { name: 'Switch team' }));
  return screen.getByRole('menu', { name: 'Switch team' });
}

describe(TeamSwitcher.name, () => {
  it('lists the teams of the user with their roles and marks the current one', async () => {
    mockApi(routes());
    renderApp('/', { teamId: 'team-2' });
    await currentTeam('Jacquard Looms');

    const menu = openSwitcher();

    const items = within(menu).getAllByRole('menuitemradio');
    expect(items.map((item) => item.textContent)).toEqual(['AAnalytical EnginesOwner', 'JJacquard LoomsViewer']);
    expect(items.map((item) => item.getAttribute('aria-checked'))).toEqual(['false', 'true']);
  });

  it('sends the newly chosen team in x-zpanel-team from the next request on, and remembers it', async () => {
    const fetchMock = mockApi(routes());
    renderApp('/');
    await currentTeam('Analytical Engines');
    await waitFor(() => expect(requestsTo(fetchMock, STATUS).length).toBeGreaterThan(0));
    const before = requestsTo(fetchMock, STATUS).length;

    fireEvent.click(within(openSwitcher()).getByRole('menuitemradio', { name: /Jacquard Looms/ }));

    await currentTeam('Jacquard Looms');
    // Switching refetches what was loaded for the old team, now in the new one.
    await waitFor(() => expect(requestsTo(fetchMock, STATUS).length).toBeGreaterThan(before));
    expect(requestsTo(fetchMock, STATUS).at(-1)?.headers.get(TEAM_HEADER)).toBe('team-2');
    expect(JSON.parse(localStorage.getItem(TEAM_STORAGE_KEY) ?? 'null')).toMatchObject({ state: { teamId: 'team-2' } });
    expect(screen.queryByRole('menu')).toBeNull();
  });

  it("falls back to the user's first team when the remembered one is no longer theirs", async () => {
    mockApi(routes());

    renderApp('/', { teamId: 'team-gone' });

    await currentTeam('Analytical Engines');
    expect(useSessionStore.getState().teamId).toBe('team-1');
  });

  it('says so when the user is in no team, and still offers to create one', async () => {
    mockApi(routes([]));
    renderApp('/');
    await currentTeam('No team');

    const menu = openSwitcher();

    expect(menu.textContent).toContain('You are not in a team yet.');
    expect(within(menu).getByRole('menuitem', { name: 'Create team' })).toBeTruthy();
  });

  it('creates a team from the dialog and switches to it', async () => {
    const created = aMembership({ teamId: 'team-3', teamName: 'Difference Engine', role: Role.Owner });
    let teams = [ENGINES];
    const fetchMock = mockApi({
      ...routes(),
      '/api/v1/me': () => jsonResponse(aMe({ teams })),
      'POST /api/v1/teams': () => {
        teams = [ENGINES, created];
        return jsonResponse(created, 201);
      },
    });
    renderApp('/');
    await currentTeam('Analytical Engines');

    fireEvent.click(within(openSwitcher()).getByRole('menuitem', { name: 'Create team' }));
    const dialog = screen.getByRole('dialog', { name: 'Create team' });
    fireEvent.change(within(dialog).getByLabelText('Team name'), { target: { value: '  Difference Engine ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create team' }));

    await currentTeam('Difference Engine');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(requestsTo(fetchMock, '/api/v1/teams', 'POST')[0].body).toEqual({ name: 'Difference Engine' });
    expect(useSessionStore.getState().teamId).toBe('team-3');
  });

  it('shows the refused team name under the field and keeps the dialog open, busy while it waits', async () => {
    let answer: (response: Response) => void = () => undefined;
    mockApi({
      ...routes(),
      'POST /api/v1/teams': () =>
        new Promise<Response>((resolve) => {
          answer = resolve;
        }),
    });
    renderApp('/');
    await currentTeam('Analytical Engines');
    fireEvent.click(within(openSwitcher()).getByRole('menuitem', { name: 'Create team' }));
    const dialog = screen.getByRole('dialog', { name: 'Create team' });
    fireEvent.change(within(dialog).getByLabelText('Team name'), { target: { value: 'x'.repeat(90) } });

    fireEvent.click(within(dialog).getByRole('button', { name: 'Create team' }));

    const busy = await within(dialog).findByRole('button', { name: 'Creating…' });
    expect((busy as HTMLButtonElement).disabled).toBe(true);
    answer(validationProblem({ field: 'name', message: 'must be at most 64 characters' }));
    await waitFor(() => expect(within(dialog).getByLabelText('Team name').closest('.field')?.textContent).toContain('must be at most 64 characters'));
    expect(screen.getByRole('dialog', { name: 'Create team' })).toBeTruthy();
    expect(useSessionStore.getState().teamId).toBe('team-1');
  });

  it('closes the dialog on Escape without creating anything', async () => {
    mockApi(routes());
    renderApp('/');
    await currentTeam('Analytical Engines');
    fireEvent.click(within(openSwitcher()).getByRole('menuitem', { name: 'Create team' }));

    fireEvent.keyDown(screen.getByRole('dialog', { name: 'Create team' }), { key: 'Escape' });

    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
