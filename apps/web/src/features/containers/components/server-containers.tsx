import type { ContainerDto, Role } from '@zpanel/contracts';
import { useId, useState } from 'react';
import { Button } from '../../../components/button';
import { DataTable } from '../../../components/data-table';
import { ErrorState } from '../../../components/error-state';
import { Pagination } from '../../../components/pagination';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { dateTime, timeAgo } from '../../../lib/format';
import type { ContainerFilter } from '../api';
import { STATE_LABELS, STATE_TONES, containerName, imageName, whyCannotManageContainers } from '../labels';
import { type ContainerChange, useChangeContainer } from '../mutations';
import { useContainers } from '../queries';
import { ContainerLogs } from './container-logs';
import { RemoveContainerDialog, StopContainerDialog } from './container-dialogs';
import '../containers.css';

export const CONTAINERS_PER_PAGE = 20;

const PENDING_LABELS: Record<ContainerChange['action'], string> = {
  start: 'Starting…',
  stop: 'Stopping…',
  restart: 'Restarting…',
  remove: 'Removing…',
};

interface ServerContainersProps {
  teamId: string;
  serverId: string;
  role: Role;
}

const COLUMNS = ['Name', 'Image', 'State', 'Status', 'Created', { title: 'Actions', hidden: true }];

type Dialog = { kind: 'stop' | 'remove'; container: ContainerDto } | undefined;

/** The containers on one server, with start / stop / restart / remove and a live log viewer. */
export function ServerContainers({ teamId, serverId, role }: ServerContainersProps) {
  const [filter, setFilter] = useState<ContainerFilter>({ all: false, managedOnly: false });
  const [page, setPage] = useState(1);
  const [dialog, setDialog] = useState<Dialog>();
  const [logsOf, setLogsOf] = useState<ContainerDto>();
  const containers = useContainers(teamId, serverId, filter);
  const change = useChangeContainer(teamId, serverId);
  const refusal = whyCannotManageContainers(role);
  const allId = useId();
  const managedId = useId();

  const setFilterField = (field: keyof ContainerFilter, value: boolean) => {
    setFilter((current) => ({ ...current, [field]: value }));
    setPage(1);
  };
  const openDialog = (next: Dialog) => {
    change.reset();
    setDialog(next);
  };
  const act = (next: ContainerChange) => {
    change.reset();
    change.mutate(next);
  };

  const items = containers.data ?? [];
  const pages = Math.max(1, Math.ceil(items.length / CONTAINERS_PER_PAGE));
  const shownPage = Math.min(page, pages);
  const shown = items.slice((shownPage - 1) * CONTAINERS_PER_PAGE, shownPage * CONTAINERS_PER_PAGE);
  const busyId = change.isPending ? change.variables.containerId : undefined;
  // Errors of changes made from a dialog are shown in it; the others above the table.
  const rowError = !dialog && change.error !== null ? change : undefined;

  return (
    <>
      <section className="panel containers" aria-label="Containers">
        <div className="toolbar toolbar--ruled">
          <div className="containers__filters">
            <label className="containers__filter" htmlFor={allId}>
              <input id={allId} type="checkbox" checked={filter.all} onChange={(event) => setFilterField('all', event.target.checked)} />
              Show stopped containers
            </label>
            <label className="containers__filter" htmlFor={managedId}>
              <input
                id={managedId}
                type="checkbox"
                checked={filter.managedOnly}
                onChange={(event) => setFilterField('managedOnly', event.target.checked)}
              />
              Managed by Zpanel only
            </label>
          </div>
          <button
            type="button"
            className="button button--secondary button--small"
            disabled={containers.isFetching}
            onClick={() => void containers.refetch()}
          >
            {containers.isFetching ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
        {refusal && <p className="containers__notice">{refusal}. You can see the containers and their logs.</p>}
        {rowError && (
          <div className="containers__failure" data-testid="container-action-error">
            <p>
              Could not {rowError.variables?.action} {rowError.variables?.containerId}:
            </p>
            <ErrorState error={rowError.error} />
          </div>
        )}
        {containers.isPending ? (
          <Skeleton lines={3} />
        ) : containers.isError ? (
          <ErrorState error={containers.error} />
        ) : items.length === 0 ? (
          <div className="empty-state">
            {filter.all
              ? `No containers on this server${filter.managedOnly ? ' managed by Zpanel' : ''}.`
              : `No running containers${filter.managedOnly ? ' managed by Zpanel' : ''}. Show stopped ones to see the others.`}
          </div>
        ) : (
          <DataTable label="Containers" testId="containers-table" columns={COLUMNS} items={shown}>
            {(container) => {
              const name = containerName(container);
              const busy = busyId === name || busyId === container.id;
              const running = container.state === 'running';
              const rowButton = (label: string, onClick: () => void) => (
                <Button tone="secondary" small refusal={refusal} disabled={busyId !== undefined} onClick={onClick}>
                  {label}
                </Button>
              );
              return (
                <tr key={container.id} data-testid={`container-${name}`}>
                  <td>
                    <code>{name}</code>
                  </td>
                  <td className="truncate containers__image" title={container.image}>
                    {imageName(container.image)}
                  </td>
                  <td data-testid="container-state">
                    <StatusBadge tone={STATE_TONES[container.state]}>{STATE_LABELS[container.state]}</StatusBadge>
                  </td>
                  <td className="muted" data-testid="container-status">
                    {busy ? PENDING_LABELS[change.variables!.action] : container.status}
                  </td>
                  <td>
                    <time title={dateTime(container.createdAt)}>{timeAgo(container.createdAt)}</time>
                  </td>
                  <td>
                    <div className="containers__actions">
                      <Button tone="secondary" small onClick={() => setLogsOf(container)}>
                        Logs
                      </Button>
                      {running ? (
                        <>
                          {rowButton('Stop', () => openDialog({ kind: 'stop', container }))}
                          {rowButton('Restart', () => act({ action: 'restart', containerId: name }))}
                        </>
                      ) : (
                        rowButton('Start', () => act({ action: 'start', containerId: name }))
                      )}
                      {rowButton('Remove', () => openDialog({ kind: 'remove', container }))}
                    </div>
                  </td>
                </tr>
              );
            }}
          </DataTable>
        )}
        <Pagination page={shownPage} perPage={CONTAINERS_PER_PAGE} total={items.length} onPageChange={setPage} label="Container pages" />
      </section>
      {logsOf && (
        <ContainerLogs
          key={logsOf.id}
          serverId={serverId}
          containerId={containerName(logsOf)}
          name={containerName(logsOf)}
          onClose={() => setLogsOf(undefined)}
        />
      )}
      {dialog?.kind === 'stop' && (
        <StopContainerDialog
          container={dialog.container}
          submission={change}
          onConfirm={(timeoutSeconds) =>
            change.mutate({ action: 'stop', containerId: containerName(dialog.container), timeoutSeconds }, { onSuccess: () => setDialog(undefined) })
          }
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'remove' && (
        <RemoveContainerDialog
          container={dialog.container}
          submission={change}
          onConfirm={(force) =>
            change.mutate(
              { action: 'remove', containerId: containerName(dialog.container), force },
              {
                onSuccess: () => {
                  setDialog(undefined);
                  if (logsOf?.id === dialog.container.id) setLogsOf(undefined);
                },
              },
            )
          }
          onClose={() => setDialog(undefined)}
        />
      )}
    </>
  );
}
