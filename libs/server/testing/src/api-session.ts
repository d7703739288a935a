import type { CreateOwnerRequest, SessionResponse } from '@zpanel/contracts';

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  userId: string;
  teamId: string;
  credentials: { email: string; password: string };
}

export const DEFAULT_OWNER: CreateOwnerRequest = {
  email: 'owner@example.com',
  name: 'Olive Owner',
  password: 'correct horse battery staple',
  teamName: 'Acme',
};

async function json<T>(res: Response, what: string): Promise<T> {
  if (!res.ok) throw new Error(`${what} failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Signs in through the API as a client would, with the refresh token in the body. */
export async function signIn(baseUrl: string, credentials: { email: string; password: string }): Promise<Omit<SignedIn, 'teamId' | 'credentials'>> {
  const session = await json<SessionResponse>(
    await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: credentials.email, password: credentials.password, tokenDelivery: 'body' }),
    }),
    'login',
  );
  return { accessToken: session.accessToken, refreshToken: session.refreshToken as string, userId: session.user.id };
}

/** Creates the instance owner on a fresh stack and signs in. */
export async function createOwner(baseUrl: string, owner: CreateOwnerRequest = DEFAULT_OWNER): Promise<SignedIn> {
  await json<SessionResponse>(
    await fetch(`${baseUrl}/api/v1/setup/owner`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(owner) }),
    'owner setup',
  );
  const session = await signIn(baseUrl, owner);
  const me = await json<{ teams: { teamId: string }[] }>(
    await fetch(`${baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${session.accessToken}` } }),
    'me',
  );
  return { ...session, teamId: me.teams[0].teamId, credentials: { email: owner.email, password: owner.password } };
}
