import type { CreateOwnerRequest, SessionResponse } from '@zpanel/contracts';
import type { Page } from 'playwright-core';

export interface Credentials {
  email: string;
  password: string;
}

/** The owner the first browser test creates through /setup; every later test signs in as them. */
export const OWNER: CreateOwnerRequest = {
  email: 'owner@zpanel.test',
  name: 'Olive Owner',
  password: 'correct horse battery staple',
  teamName: 'Platform',
};

/**
 * Signs in through the /login page, as a person would, and waits for the app shell. With `next`,
 * starts from the login link a protected page sends to, and ends on that page.
 */
export async function signIn(page: Page, { email, password }: Credentials, next?: string): Promise<void> {
  await page.goto(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
  await fillLogin(page, { email, password });
  await page.getByTestId('app-shell').waitFor({ state: 'visible' });
}

/** Fills and submits the password step of /login (the page must be open). */
export async function fillLogin(page: Page, { email, password }: Credentials): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** An access token for the test's own API calls; the refresh token stays in the body, not a cookie. */
export async function apiAccessToken(baseUrl: string, { email, password }: Credentials): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password, tokenDelivery: 'body' }),
  });
  if (response.status !== 200) throw new Error(`API login as ${email} answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as SessionResponse).accessToken;
}
