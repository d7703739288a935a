import type { Locator, Page } from 'playwright-core';
import { eventually } from './eventually';

/** The element's text, or '' when it has none; fails when it does not appear within 2 s. */
export async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent({ timeout: 2_000 })) ?? '';
}

/** Waits until the page's title (its `page-title` heading) reads `title`. */
export async function expectPageTitle(page: Page, title: string): Promise<void> {
  await eventually(async () => expect(await textOf(page.getByTestId('page-title'))).toBe(title));
}
