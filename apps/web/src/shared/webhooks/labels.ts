import type { BuildPack, WebhookDeliveryDto, WebhookOutcome, WebhookProvider } from '@zpanel/contracts';
import type { Tone } from '../../components/status-badge';

export const WEBHOOK_PROVIDER_LABELS: Record<WebhookProvider, string> = {
  github: 'GitHub',
  gitlab: 'GitLab',
  bitbucket: 'Bitbucket',
  gitea: 'Gitea',
};

export const WEBHOOK_OUTCOME_TONES: Record<WebhookOutcome, Tone> = { accepted: 'ok', ignored: 'neutral', rejected: 'down' };
const WEBHOOK_OUTCOME_LABELS: Record<WebhookOutcome, string> = { accepted: 'Deployed', ignored: 'Ignored', rejected: 'Rejected' };

/** An accepted delivery without a deployment is a closed pull request whose preview was removed. */
export function webhookOutcomeLabel(delivery: Pick<WebhookDeliveryDto, 'outcome' | 'deploymentId'>): string {
  return delivery.outcome === 'accepted' && delivery.deploymentId === null ? 'Removed' : WEBHOOK_OUTCOME_LABELS[delivery.outcome];
}

/** Where each provider keeps its webhooks, and what to choose there. */
export const WEBHOOK_SETUP_HINTS: Record<WebhookProvider, string> = {
  github:
    'Repository → Settings → Webhooks → Add webhook. Content type: application/json. Secret: the webhook secret. Events: “Just the push event”.',
  gitlab:
    'Project → Settings → Webhooks → Add new webhook. Secret token: the webhook secret. Trigger: Push events (optionally filtered to the branch).',
  bitbucket:
    'Repository settings → Webhooks → Add webhook. Secret: the webhook secret. Triggers: Repository push. (Bitbucket does not list changed files, so watch paths are not checked.)',
  gitea:
    'Repository → Settings → Webhooks → Add webhook → Gitea. Content type: application/json (POST). Secret: the webhook secret. Trigger on: Push events.',
};

/**
 * The command a CI job runs with an API token that has the `deploy` ability: deploy the commit it
 * built (git-built applications), or run the image tag it pushed (applications that run an image).
 */
export function ciDeployExample(origin: string, applicationId: string, buildPack: BuildPack): string {
  const body = buildPack === 'image' ? '"{\\"imageTag\\": \\"$IMAGE_TAG\\"}"' : '"{\\"commit\\": \\"$GIT_COMMIT_SHA\\"}"';
  return [
    `curl -X POST ${origin}/api/v1/applications/${applicationId}/deployments \\`,
    '  -H "Authorization: Bearer $ZPANEL_TOKEN" \\',
    '  -H "Content-Type: application/json" \\',
    `  -d ${body}`,
  ].join('\n');
}
