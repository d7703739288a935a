import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Ability, type ApiTokenDto, type CreatedApiTokenResponse, ErrorCode, type Paginated, Role } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { aMe, aMembership, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { endOfLocalDay } from '../expiry';
import { ApiTokensPage } from './api-tokens-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const TOKENS = '/api/v1/teams/team-1/api-tokens';
const page = (n: number) => `${TOKENS}?page=${n}&perPage=20`;
const SECRET = 'zp_3fA9kQ2xY7rT1mN8bV4cL6dH0sJ5gW';

function aToken(overrides: Partial<ApiTokenDto> = {}): ApiTokenDto {
  return {
    id: 'token-1',
    teamId: 'team-1',
    name: 'GitHub Actions deploy',
    abilities: [Ability.Read, Ability.Deploy],
    tokenPrefix: 'zp_3fA9kQ2',
    createdBy: { id: 'user-1', name: 'Ada Lovelace' },
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
    createdAt: new Date(Date.now() - 3_600_000).toISOString(),
    ...overrides,
  };
}

function aPage(items: ApiTokenDto[], overrides: Partial<Paginated<ApiTokenDto>> = {}): Paginated<ApiTokenDto> {
  return { items, page: 1, perPage: 20, total: items.length, ...overrides };
}

function shell(role: Role = Role.Owner) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
  };
}

async function openCreateDialog(): Promise<HTMLElement> {
  fireEvent.click(await screen.findByRole('button', { name: 'Create token' }));
  return screen.getByRole('dialog', { name: 'Create API token' });
}

function abilityBox(dialog: HTMLElement, ability: Ability): HTMLInputElement {
  const box = within(dialog)
    .getAllByRole('checkbox')
    .find((candidate) => (candidate as HTMLInputElement).value === ability);
  if (!box) throw new Error(`no checkbox for ${ability}`);
  return box as HTMLInputElement;
}

function abilityBoxes(dialog: HTMLElement): Record<string, { checked: boolean; disabled: boolean }> {
  return Object.fromEntries(
    within(dialog)
      .getAllByRole('checkbox')
      .map((box) => [(box as HTMLInputElement).value, { checked: (box as HTMLInputElement).checked, disabled: (box as HTMLInputElement).disabled }]),
  );
}

describe(ApiTokensPage.name, () => {
  it('lists the tokens with abilities, prefix, creator, use, expiry and revoked state', async () => {
    mockApi({
      ...shell(),
      [page(1)]: () =>
        jsonResponse(
          aPage([
            aToken({ lastUsedAt: new Date(Date.now() - 120_000).toISOString(), expiresAt: '2099-06-30T21:59:59.999Z' }),
            aToken({
              id: 'token-2',
              name: 'old laptop',
              abilities: [Ability.Read],
              tokenPrefix: 'zp_Zz81qq0',
              revokedAt: '2026-02-01T10:00:00.000Z',
              createdBy: null,
            }),
          ]),
        ),
    });

    renderApp('/team/api-tokens');

    const table = await screen.findByTestId('api-tokens-table');
    const rows = within(table).getAllByRole('row').slice(1);
    const cells = rows.map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    );
    expect(cells[0].slice(0, 2)).toEqual(['GitHub Actions deployzp_3fA9kQ2…', 'ReadDeploy']);
    expect(cells[0][2]).toBe('1 hour agoby Ada Lovelace');
    expect(cells[0][3]).toBe('2 minutes ago');
    expect(cells[0][4]).toContain('2099');
    expect(cells[0][5]).toBe('Active');
    expect(cells[1].slice(0, 2)).toEqual(['old laptopzp_Zz81qq0…', 'Read']);
    expect(cells[1].slice(2, 6)).toEqual(['1 hour agoby a former member', 'Never', 'Never', 'Revoked']);
    expect(within(rows[0]).getByRole('button', { name: 'Revoke GitHub Actions deploy' })).toBeTruthy();
    expect(within(rows[1]).queryByRole('button')).toBeNull();
  });

  it('pages through the tokens with the page in the URL', async () => {
    const fetchMock = mockApi({
      ...shell(),
      [page(1)]: () => jsonResponse(aPage([aToken()], { total: 45 })),
      [page(2)]: () => jsonResponse(aPage([aToken({ id: 'token-21', name: 'twenty-first' })], { page: 2, total: 45 })),
    });
    const { router } = renderApp('/team/api-tokens');
    await screen.findByTestId('api-tokens-table');
    expect(screen.getByTestId('pagination-summary').textContent).toBe('1–20 of 45');

    fireEvent.click(screen.getByRole('button', { name: 'Next' }));

    await screen.findByText('twenty-first');
    expect(screen.getByTestId('pagination-summary').textContent).toBe('21–40 of 45');
    expect(router.state.location.search).toBe('?page=2');
    expect(requestsTo(fetchMock, page(2))).toHaveLength(1);
  });

  it('says so when there is no token yet', async () => {
    mockApi({ ...shell(), [page(1)]: () => jsonResponse(aPage([])) });

    renderApp('/team/api-tokens');

    expect((await screen.findByText(/No API tokens yet/)).textContent).toContain('Create one');
  });

  it.each([
    [Role.Viewer, [Ability.Read]],
    [Role.Member, [Ability.Read, Ability.ReadSensitive, Ability.Write, Ability.Deploy]],
    [Role.Owner, Object.values(Ability)],
  ])('offers a %s only the abilities the role grants', async (role, allowed) => {
    mockApi({ ...shell(role), [page(1)]: () => jsonResponse(aPage([])) });
    renderApp('/team/api-tokens');

    const dialog = await openCreateDialog();

    const boxes = abilityBoxes(dialog);
    expect(Object.keys(boxes)).toEqual(Object.values(Ability));
    expect(
      Object.entries(boxes)
        .filter(([, box]) => !box.disabled)
        .map(([ability]) => ability),
    ).toEqual(allowed);
    expect(boxes[Ability.Read]).toEqual({ checked: true, disabled: false });
  });

  it('creates a token and shows the secret once, with a copy button and a curl example', async () => {
    const created: CreatedApiTokenResponse = { ...aToken({ name: 'ci' }), token: SECRET };
    const fetchMock = mockApi({
      ...shell(Role.Member),
      [page(1)]: () => jsonResponse(aPage([])),
      [`POST ${TOKENS}`]: () => jsonResponse(created, 201),
    });
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const { queryClient } = renderApp('/team/api-tokens');
    let dialog = await openCreateDialog();

    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: '  ci  ' } });
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Deploy' }));
    fireEvent.change(within(dialog).getByLabelText('Expires on (optional)'), { target: { value: '2099-06-30' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create token' }));

    dialog = await screen.findByRole('dialog', { name: 'API token created' });
    expect(requestsTo(fetchMock, TOKENS, 'POST')[0].body).toEqual({
      name: 'ci',
      abilities: [Ability.Read, Ability.Deploy],
      expiresAt: endOfLocalDay('2099-06-30'),
    });
    expect(within(dialog).getByTestId('new-api-token-value').textContent).toBe(SECRET);
    expect(within(dialog).getByTestId('api-token-curl').textContent).toBe(
      `curl -H "Authorization: Bearer ${SECRET}" ${window.location.origin}/api/v1/teams/team-1/members`,
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Copy token' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(SECRET));
    // The list learns of the new token.
    await waitFor(() => expect(requestsTo(fetchMock, page(1)).length).toBe(2));

    fireEvent.click(within(dialog).getByRole('button', { name: 'Done' }));

    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.body.textContent).not.toContain(SECRET);
    dialog = await openCreateDialog();
    expect((within(dialog).getByLabelText('Name') as HTMLInputElement).value).toBe('');
    await waitFor(() =>
      expect(
        JSON.stringify(
          queryClient
            .getMutationCache()
            .getAll()
            .map(({ state }) => state),
        ),
      ).not.toContain(SECRET),
    );
  });

  it("shows the API's refusal of an ability under the abilities", async () => {
    mockApi({
      ...shell(Role.Member),
      [page(1)]: () => jsonResponse(aPage([])),
      [`POST ${TOKENS}`]: () =>
        problemResponse({
          status: 403,
          title: 'Your role (member) cannot grant admin',
          code: ErrorCode.Forbidden,
          errors: [{ field: 'abilities', message: 'abilities may include only read, read:sensitive, write, deploy' }],
        }),
    });
    renderApp('/team/api-tokens');
    const dialog = await openCreateDialog();
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'ci' } });

    fireEvent.click(within(dialog).getByRole('button', { name: 'Create token' }));

    await waitFor(() => expect(within(dialog).getByRole('group', { name: 'Abilities' }).textContent).toContain('abilities may include only read'));
    expect(within(dialog).queryByRole('alert')).toBeNull();
  });

  it('will not create a token without abilities', async () => {
    const fetchMock = mockApi({ ...shell(), [page(1)]: () => jsonResponse(aPage([])) });
    renderApp('/team/api-tokens');
    const dialog = await openCreateDialog();
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'ci' } });

    fireEvent.click(abilityBox(dialog, Ability.Read));

    expect(within(dialog).getByText('Choose at least one ability.')).toBeTruthy();
    expect((within(dialog).getByRole('button', { name: 'Create token' }) as HTMLButtonElement).disabled).toBe(true);
    expect(requestsTo(fetchMock, TOKENS, 'POST')).toEqual([]);
  });

  it('revokes a token after confirmation and refreshes the list', async () => {
    let revoked: string | null = null;
    const fetchMock = mockApi({
      ...shell(),
      [page(1)]: () => jsonResponse(aPage([aToken({ revokedAt: revoked })])),
      [`DELETE ${TOKENS}/token-1`]: () => {
        revoked = new Date().toISOString();
        return new Response(null, { status: 204 });
      },
    });
    renderApp('/team/api-tokens');

    fireEvent.click(await screen.findByRole('button', { name: 'Revoke GitHub Actions deploy' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke API token' });
    expect(dialog.textContent).toContain('“GitHub Actions deploy” (zp_3fA9kQ2…)');
    expect(document.activeElement?.textContent).toBe('Cancel');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke token' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, `${TOKENS}/token-1`, 'DELETE')).toHaveLength(1);
    await waitFor(() => expect(within(screen.getByTestId('api-tokens-table')).getByText('Revoked')).toBeTruthy());
  });

  it('keeps the confirmation open and says why when revoking fails', async () => {
    mockApi({
      ...shell(),
      [page(1)]: () => jsonResponse(aPage([aToken()])),
      [`DELETE ${TOKENS}/token-1`]: () => problemResponse({ status: 409, title: 'The token is already revoked', code: ErrorCode.Conflict }),
    });
    renderApp('/team/api-tokens');
    fireEvent.click(await screen.findByRole('button', { name: 'Revoke GitHub Actions deploy' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke API token' });

    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke token' }));

    expect((await within(dialog).findByRole('alert')).textContent).toContain('The token is already revoked');
  });
});
