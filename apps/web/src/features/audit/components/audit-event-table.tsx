import type { AuditEventDto } from '@zpanel/contracts';
import { DataTable } from '../../../components/data-table';
import { StatusBadge } from '../../../components/status-badge';
import { dateTime, timeAgo } from '../../../lib/format';
import { AUDIT_ACTION_TONES, AUDIT_TARGET_LABELS, auditActionLabel } from '../labels';

const day = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });
const clock = new Intl.DateTimeFormat('en', { timeStyle: 'medium' });

const COLUMNS = ['Time', 'Action', 'Actor', 'Target', 'IP', 'User agent', 'Details'];

interface AuditEventTableProps {
  events: readonly AuditEventDto[];
}

/** Every value is rendered as text: user agents, names and metadata come from outside. */
export function AuditEventTable({ events }: AuditEventTableProps) {
  return (
    <DataTable className="audit-table" testId="audit-table" columns={COLUMNS} items={events}>
      {(event) => (
        <tr key={event.id}>
          <td className="num">
            <time dateTime={event.createdAt} title={`${dateTime(event.createdAt)} (${timeAgo(event.createdAt)})`}>
              <span className="audit-table__day">{day.format(new Date(event.createdAt))}</span>
              <span className="audit-table__clock">{clock.format(new Date(event.createdAt))}</span>
            </time>
          </td>
          <td title={event.action}>
            <ActionLabel action={event.action} />
          </td>
          <td>
            <Actor actor={event.actor} />
          </td>
          <td>
            {event.target ? (
              <span title={`${event.target.type} ${event.target.id}`}>
                {AUDIT_TARGET_LABELS[event.target.type] ?? event.target.type} <span className="mono muted">{event.target.id.slice(0, 8)}</span>
              </span>
            ) : (
              <span className="muted">—</span>
            )}
          </td>
          <td className="mono">{event.ip ?? <span className="muted">—</span>}</td>
          <td className="truncate audit-table__agent" title={event.userAgent ?? undefined}>
            {event.userAgent ?? <span className="muted">—</span>}
          </td>
          <td>
            <Metadata metadata={event.metadata} />
          </td>
        </tr>
      )}
    </DataTable>
  );
}

function ActionLabel({ action }: { action: AuditEventDto['action'] }) {
  const tone = AUDIT_ACTION_TONES[action];
  const label = auditActionLabel(action);
  return tone ? <StatusBadge tone={tone}>{label}</StatusBadge> : <span className="audit-table__action">{label}</span>;
}

function Actor({ actor }: { actor: AuditEventDto['actor'] }) {
  switch (actor.type) {
    case 'user':
      return <span title={actor.id ?? undefined}>{actor.name ?? 'Former user'}</span>;
    case 'token':
      return (
        <span title={actor.id ? `API token ${actor.id}` : undefined}>API token{actor.name && <span className="muted"> of {actor.name}</span>}</span>
      );
    default:
      return <span className="muted">Anonymous</span>;
  }
}

/** `{ name: "ci", abilities: ["read"] }` as small `key value` lines. */
export function Metadata({ metadata }: { metadata: Record<string, unknown> }) {
  const entries = Object.entries(metadata ?? {});
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="audit-metadata">
      {entries.map(([key, value]) => (
        <div key={key} className="audit-metadata__entry">
          <dt>{key}</dt>
          <dd>{metadataValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function metadataValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) return value.join(', ');
  return JSON.stringify(value) ?? String(value);
}
