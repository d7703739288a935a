import { type CreatedInvitationResponse, type Role, type SessionResponse, TEAM_HEADER } from '@zpanel/contracts';
import { type ApiCaller, apiCaller } from './api-call';
import { type SignedIn, createOwner } from './api-session';
import { type OwnerCall, ownerCaller } from './deploy-fixture';
import { type Stack, startStack } from './stack';

/** A running stack with its instance owner signed in: what most e2e suites start from. */
export interface OwnedStack {
  readonly stack: Stack;
  readonly owner: SignedIn;
  /** Calls as the owner, in the owner's team. */
  readonly asOwner: OwnerCall;
  /** A plain caller (bearer, body and headers per call), with the suite's `callerHeaders`. */
  readonly call: ApiCaller;
  /** A plain caller that sends the owner's team header with every request. */
  readonly inTeam: ApiCaller;
}

export interface OwnedStackOptions {
  worker?: boolean;
  env?: Record<string, string>;
  /** Sent by `call` (and `inTeam`) with every request, e.g. a user agent an audit test looks for. */
  callerHeaders?: Record<string, string>;
}

/**
 * For a describe block: starts the built stack and creates its owner before the block's tests (before
 * the block's own beforeAll hooks, which may use it) and stops it after them. Read `stack` and `owner`
 * inside hooks and tests only; `asOwner`, `call` and `inTeam` may be taken apart at once.
 */
export function useOwnedStack(options: OwnedStackOptions = {}): OwnedStack {
  let started: { stack: Stack; owner: SignedIn } | undefined;
  let stack: Stack | undefined;
  const current = () => {
    if (!started) throw new Error('the stack did not start (see the beforeAll error)');
    return started;
  };
  beforeAll(async () => {
    stack = await startStack({ worker: options.worker, env: options.env });
    started = { stack, owner: await createOwner(stack.baseUrl) };
  });
  afterAll(() => stack?.stop());

  const fixture: OwnedStack = {
    get stack() {
      return current().stack;
    },
    get owner() {
      return current().owner;
    },
    asOwner: ownerCaller(
      () => current().stack,
      () => current().owner,
    ),
    call: apiCaller(() => current().stack.baseUrl, { headers: options.callerHeaders }),
    inTeam: apiCaller(() => current().stack.baseUrl, { headers: () => ({ ...options.callerHeaders, [TEAM_HEADER]: current().owner.teamId }) }),
  };
  return fixture;
}

export interface Joined {
  accessToken: string;
  userId: string;
  session: SessionResponse;
}

/**
 * Invites `email` into the owner's team with `role` and registers them through the invitation, as
 * a person following the link would, through `call` (a suite's caller, with its headers); fails
 * loudly when the API refuses either step.
 */
export async function joinTeam(
  call: ApiCaller,
  owner: Pick<SignedIn, 'accessToken' | 'teamId'>,
  email: string,
  role: Role,
  person: { name?: string; password?: string } = {},
): Promise<Joined> {
  const invitation = await call<CreatedInvitationResponse>('POST', `/api/v1/teams/${owner.teamId}/invitations`, owner.accessToken, { email, role });
  if (invitation.status !== 201) throw new Error(`inviting ${email} failed: ${invitation.status} ${invitation.text}`);
  const registered = await call<SessionResponse>('POST', '/api/v1/invitations/register', undefined, {
    token: invitation.body.token,
    name: person.name ?? email.split('@')[0],
    password: person.password ?? 'a long enough passphrase',
  });
  if (registered.status !== 201) throw new Error(`registering ${email} failed: ${registered.status} ${registered.text}`);
  return { accessToken: registered.body.accessToken, userId: registered.body.user.id, session: registered.body };
}
