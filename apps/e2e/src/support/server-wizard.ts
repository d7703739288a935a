import type { TestSshTarget } from '@zpanel/testing';
import type { Locator } from 'playwright-core';

/** In the open Add server wizard's key step: pastes `privateKey` as a new key and adds it. */
export async function addPastedKey(wizard: Locator, privateKey: string): Promise<void> {
  await wizard.getByLabel('Paste a private key').check();
  await wizard.getByLabel('Key name', { exact: true }).fill('test sshd');
  await wizard.getByLabel('Private key', { exact: true }).fill(privateKey);
  await wizard.getByRole('button', { name: 'Add key' }).click();
}

/** In the wizard's server step: names the server and fills in how to reach `target` (the test sshd). */
export async function fillServerAddress(wizard: Locator, name: string, target: TestSshTarget): Promise<void> {
  await wizard.getByLabel('Name', { exact: true }).fill(name);
  await wizard.getByLabel('Host', { exact: true }).fill(target.host);
  await wizard.getByLabel('Port', { exact: true }).fill(String(target.port));
  await wizard.getByLabel('User', { exact: true }).fill(target.username);
}
