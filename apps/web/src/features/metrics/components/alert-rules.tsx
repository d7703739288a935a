import type { AlertRuleDto } from '@zpanel/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { Button } from '../../../components/button';
import { PagedTable, type TableShape } from '../../../components/data-table';
import { EditDeleteButtons } from '../../../components/row-actions';
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

const TABLE: TableShape = { label: 'Alert rules', testId: 'alert-rules-table', columns: ['Rule', 'State', { title: 'Actions', hidden: true }] };

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
        <Button plus refusal={refusal} onClick={() => setEditing({ kind: 'add' })}>
          Add rule
        </Button>
      </header>
      {refusal && <p className="servers__notice">{refusal}.</p>}
      <PagedTable
        query={rules}
        table={TABLE}
        paging={{ page, onPageChange: setPage, perPage: RULES_PER_PAGE, label: 'Alert rule pages' }}
        empty={<div className="empty-state">No rules: this server opens no alerts.</div>}
      >
        {(rule) => (
          <tr key={rule.id} data-testid={`alert-rule-${rule.id}`}>
            <td>{describeRule(rule)}</td>
            <td>{rule.enabled ? <StatusBadge tone="ok">Enabled</StatusBadge> : <StatusBadge tone="neutral">Disabled</StatusBadge>}</td>
            <td>
              <div className="servers__actions alert-rules__actions">
                <EditDeleteButtons
                  name={describeRule(rule)}
                  refusal={refusal}
                  onEdit={() => setEditing({ kind: 'edit', rule })}
                  onDelete={() => {
                    remove.reset();
                    setEditing({ kind: 'delete', rule });
                  }}
                />
              </div>
            </td>
          </tr>
        )}
      </PagedTable>
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
          submission={remove}
          onConfirm={() => remove.mutate(editing.rule.id, { onSuccess: () => setEditing(undefined) })}
          onClose={() => setEditing(undefined)}
        />
      )}
    </section>
  );
}
