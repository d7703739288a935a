import type { PreviewProvider } from '@zpanel/contracts';

/** What to tick on the application's existing webhook so pull requests reach it as well as pushes. */
export const PULL_REQUEST_EVENT_HINTS: Record<PreviewProvider, string> = {
  github: 'Edit the webhook → “Let me select individual events” → tick “Pull requests” next to “Pushes”.',
  gitlab: 'Edit the webhook → Trigger → tick “Merge request events” next to “Push events”.',
  gitea: 'Edit the webhook → Trigger on: “Custom events” → tick “Pull Request” and “Pull Request Synchronized” (new commits) next to “Push”.',
};

/** The host a pull request's preview answers on, for a preview domain being typed. */
export const previewHost = (number: number | string, domain: string) => `pr-${number}.${domain}`;
