import type { CreateOwnerRequest } from '@zpanel/contracts';
import { type OwnerCall, type SignedIn, type Stack, createOwner, ownerCaller, startStack } from '@zpanel/testing';
import type { Browser } from 'playwright-core';
import type { ExpectedFailure } from './browser';
import { launchChromium } from './browser';

/** A tab without a session asks to refresh first; 401 is how the API says there is none. */
export const SIGNED_OUT_REFRESH: ExpectedFailure = { method: 'POST', path: '/api/v1/auth/refresh', status: 401 };

/**
 * For a describe block: starts the built stack and Chromium side by side before its tests and stops
 * both after them. The returned function gives them to a test, or says that one did not start.
 */
export function useStackAndBrowser(options: Parameters<typeof startStack>[0] = {}): () => { stack: Stack; browser: Browser } {
  let stack: Stack | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    const [started, launched] = await Promise.allSettled([startStack(options), launchChromium()]);
    if (started.status === 'fulfilled') stack = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  return () => {
    if (!stack || !browser) throw new Error('the stack or the browser did not start (see the beforeAll error)');
    return { stack, browser };
  };
}

/**
 * For a describe block, after useStackAndBrowser: creates the instance owner `request` describes on the
 * stack before the block's tests. `owner` is their API session (read it inside hooks and tests);
 * `asOwner` calls the API as them, in their team, for setup no test clicks through.
 */
export function useOwner(running: () => { stack: Stack }, request: CreateOwnerRequest): { readonly owner: SignedIn; asOwner: OwnerCall } {
  let owner: SignedIn | undefined;
  const current = () => {
    if (!owner) throw new Error('the owner was not created (see the beforeAll error)');
    return owner;
  };
  beforeAll(async () => {
    owner = await createOwner(running().stack.baseUrl, request);
  });
  return {
    get owner() {
      return current();
    },
    asOwner: ownerCaller(() => running().stack, current),
  };
}
