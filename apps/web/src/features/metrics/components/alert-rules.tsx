import type { AlertRuleDto } from '@zpanel/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorState } from '../../../components/error-state';
import { PlusIcon } from '../../../components/icons';
import { Pagination } from '../../../components/pagination';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { describeRule } from '../labels';
import { useDeleteAlertRule } from '../mutations';
import { RULES_PER_PAGE, useAlertRules } from '../../../shared/metrics/queries';
import '../metrics.css';
import { AlertRuleDialog } from './alert-rule-dialog';

interface AlertRulesProps {
  teamId: string;
  serverId: string;
  /** Why the caller may not change rules; absent when they may. */
  refusal?: string;
}

type Editing = { kind: 'add' } | { kind: 'edit'; rule: AlertRuleDto } | { kind: 'delete'; rule: AlertRuleDto } | undefined;

/** The thresholds that open alerts for this server. */
export function AlertRules({ teamId, serverId, refusal }: AlertRulesProps) {
  const [page, setPage] = useState(1);
  const rules = useAlertRules(teamId, serverId, page);
  const remove = useDeleteAlertRule(teamId, serverId);
  const [editing, setEditing] = useState<Editing>();

  return (
    <section className="panel alert-rules" aria-label="Alert rules">
      <header className="alerts__head">
        <div>
          <h2 className="servers__heading">Alert rules</h2>
          <p className="servers__muted">An alert opens when a rule holds at every check for its duration, and resolves when it no longer does.</p>
        </div>
        <button type="button" className="button" disabled={Boolean(refusal)} title={refusal} onClick={() => setEditing({ kind: 'add' })}>
          <PlusIcon />
          Add rule
        </button>
      </header>
      {refusal && <p className="servers__notice">{refusal}.</p>}
      {rules.isPending && <Skeleton lines={3} />}
      {rules.isError && <ErrorState error={rules.error} />}
      {rules.isSuccess && rules.data.total === 0 && <div className="empty-state">No rules: this server opens no alerts.</div>}
      {rules.isSuccess && rules.data.total > 0 && (
        <>
          <div className="table-scroll">
            <table className="table" aria-label="Alert rules" data-testid="alert-rules-table">
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">State</th>
                  <th scope="col" aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {rules.data.items.map((rule) => (
                  <tr key={rule.id} data-testid={`alert-rule-${rule.id}`}>
                    <td>{describeRule(rule)}</td>
                    <td>{rule.enabled ? <StatusBadge tone="ok">Enabled</StatusBadge> : <StatusBadge tone="neutral">Disabled</StatusBadge>}</td>
                    <td>
                      <div className="servers__actions alert-rules__actions">
                        <button
                          type="button"
                          className="button button--secondary button--small"
                          disabled={Boolean(refusal)}
                          title={refusal}
                          aria-label={`Edit ${describeRule(rule)}`}
                          onClick={() => setEditing({ kind: 'edit', rule })}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          className="button button--secondary button--small"
                          disabled={Boolean(refusal)}
                          title={refusal}
                          aria-label={`Delete ${describeRule(rule)}`}
                          onClick={() => {
                            remove.reset();
                            setEditing({ kind: 'delete', rule });
                          }}
                        >
                          Delete
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination
            page={page}
            perPage={rules.data.perPage || RULES_PER_PAGE}
            total={rules.data.total}
            onPageChange={setPage}
            label="Alert rule pages"
          />
        </>
      )}
      {(editing?.kind === 'add' || editing?.kind === 'edit') && (
        <AlertRuleDialog
          teamId={teamId}
          serverId={serverId}
          rule={editing.kind === 'edit' ? editing.rule : undefined}
          onClose={() => setEditing(undefined)}
        />
      )}
      {editing?.kind === 'delete' && (
        <ConfirmDialog
          title="Delete this rule?"
          description={`“${describeRule(editing.rule)}” stops opening alerts. Alerts it opened stay in the history.`}
          confirmLabel="Delete rule"
          pendingLabel="Deleting…"
          pending={remove.isPending}
          error={remove.error}
          onConfirm={() => remove.mutate(editing.rule.id, { onSuccess: () => setEditing(undefined) })}
          onClose={() => setEditing(undefined)}
        />
      )}
    </section>
  );
}
