import type { ApplicationDto, PreviewDto } from '@zpanel/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { PagedTable, type TableShape } from '../../../components/data-table';
import { usePageParam } from '../../../components/pagination';
import { TimeAgo } from '../../../components/time-ago';
import { domainUrl } from '../../../shared/applications/labels';
import { DeploymentStatusBadge } from '../../../shared/deployments/components/deployment-status';
import { deploymentHref, shortCommit } from '../../../shared/deployments/labels';
import { WEBHOOK_PROVIDER_LABELS } from '../../../shared/webhooks/labels';
import { useRemovePreview } from '../mutations';
import { PREVIEWS_PER_PAGE, usePreviews } from '../queries';
import { Button } from '../../../components/button';

interface PreviewsTableProps {
  application: ApplicationDto;
  teamId: string;
  /** Why the caller cannot remove previews (undefined: they can). */
  writeRefusal?: string;
}

/** The pull request: its number and title, linked to the provider's page when the payload gave one. */
function PullRequest({ preview }: { preview: PreviewDto }) {
  const label = `#${preview.number} ${preview.title}`;
  return (
    <>
      {preview.link ? (
        <a
          href={preview.link}
          target="_blank"
          rel="noopener noreferrer"
          title={`Open the pull request on ${WEBHOOK_PROVIDER_LABELS[preview.provider]}`}
        >
          {label}
        </a>
      ) : (
        <span>{label}</span>
      )}
      {preview.fork && (
        <>
          {' '}
          <span className="tag previews__fork" title="From another repository than the application’s" data-testid="preview-fork">
            fork
          </span>
        </>
      )}
      <div className="muted previews__branch">
        <code title="The pull request’s branch">{preview.headBranch}</code>
      </div>
    </>
  );
}

/** The preview's newest deployment, linking to its log (under the preview's own page). */
function LatestDeployment({ preview }: { preview: PreviewDto }) {
  const latest = preview.latestDeployment;
  if (!latest) return <span className="muted">Not deployed yet</span>;
  return (
    <Link to={deploymentHref({ id: latest.id, applicationId: preview.id })} className="applications__status-link" title="View the deployment’s log">
      <DeploymentStatusBadge status={latest.status} testId="preview-deployment-status" />
    </Link>
  );
}

const TABLE: TableShape = {
  label: 'Previews',
  testId: 'previews-table',
  columns: ['Pull request', 'Address', 'Status', 'Commit', 'Updated', { title: 'Actions', hidden: true }],
};

/** One row per open pull request with a preview, refreshed while shown; removing one asks first. */
export function PreviewsTable({ application, teamId, writeRefusal }: PreviewsTableProps) {
  const [page, setPage] = usePageParam();
  const previews = usePreviews(teamId, application.id, page);
  const remove = useRemovePreview(teamId, application.id);
  const [removing, setRemoving] = useState<PreviewDto>();
  const close = () => setRemoving(undefined);

  const branch = <code>{application.gitBranch ?? 'the application’s branch'}</code>;
  const empty = (
    <div className="empty-state" data-testid="previews-empty">
      {application.previewsEnabled ? (
        <>No previews yet: open a pull request against {branch} and its preview shows up here, with its own address.</>
      ) : (
        <>No previews: turn previews on above, then open a pull request against {branch}.</>
      )}
    </div>
  );
  return (
    <>
      <PagedTable
        query={previews}
        table={TABLE}
        paging={{ page, onPageChange: setPage, perPage: PREVIEWS_PER_PAGE, label: 'Preview pages' }}
        empty={empty}
      >
        {(preview) => (
          <tr key={preview.id} data-testid={`preview-${preview.id}`}>
            <td>
              <PullRequest preview={preview} />
            </td>
            <td>
              <a href={domainUrl(preview.domain)} target="_blank" rel="noopener noreferrer">
                {preview.domain}
              </a>
            </td>
            <td>
              <LatestDeployment preview={preview} />
            </td>
            <td>
              {shortCommit(preview.commitSha) ? (
                <code title={preview.commitSha ?? undefined}>{shortCommit(preview.commitSha)}</code>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td>
              <TimeAgo iso={preview.updatedAt} />
            </td>
            <td>
              <div className="previews__row-actions">
                <Link
                  to={`/applications/${preview.id}/deployments`}
                  className="button button--secondary button--small"
                  aria-label={`Deployments of #${preview.number}`}
                >
                  Deployments
                </Link>
                <Button
                  tone="secondary"
                  small
                  refusal={writeRefusal}
                  aria-label={`Remove the preview of #${preview.number}`}
                  onClick={() => {
                    remove.reset();
                    setRemoving(preview);
                  }}
                >
                  Remove
                </Button>
              </div>
            </td>
          </tr>
        )}
      </PagedTable>
      {removing && (
        <ConfirmDialog
          title={`Remove the preview of #${removing.number}?`}
          description={`Its container, its route at ${removing.domain} and its images are removed from the server. The pull request itself is not changed.`}
          confirmLabel="Remove preview"
          pendingLabel="Removing…"
          submission={remove}
          onConfirm={() => remove.mutate(removing.id, { onSuccess: close })}
          onClose={close}
        />
      )}
    </>
  );
}
