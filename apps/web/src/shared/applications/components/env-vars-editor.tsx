import type { EnvVarDto, Role } from '@zpanel/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import type { EnvOwner } from '../api';
import { ENV_SCOPE_TEXTS, SCOPE_LABELS, seesSecrets, whyCannotWrite } from '../labels';
import { useDeleteEnvVar } from '../mutations';
import { useEnvVars } from '../queries';
import { BulkEnvDialog } from './bulk-env-dialog';
import { EnvVarDialog } from './env-var-dialog';
import { Button, buttonClass } from '../../../components/button';
import { DataTable } from '../../../components/data-table';
import { EditDeleteButtons } from '../../../components/row-actions';
import { LinkDatabaseDialog } from '../../databases/components/link-database-dialog';
import { DATABASE_CHOICES_PER_PAGE, useDatabases } from '../../databases/queries';
import { DatabaseReferenceChips } from './database-reference-chips';

interface EnvVarsEditorProps {
  teamId: string;
  owner: EnvOwner;
  role: Role;
  /** Under the list of an application: where its environment's shared variables are edited. */
  sharedHint?: React.ReactNode;
  /** Offers "Link database": a variable referencing a database of this environment (listed on the project's page). */
  linkDatabases?: { environmentId: string; projectHref: string };
  /** Whose databases the variables' references name (default: linkDatabases' or the environment's own); their chips then link to them. */
  environmentId?: string;
}

type Editing =
  | { kind: 'add'; key?: string }
  | { kind: 'edit'; variable: EnvVarDto }
  | { kind: 'delete'; variable: EnvVarDto }
  | { kind: 'bulk' }
  | { kind: 'link-database' };

const MASK = '••••••••';

/**
 * Variables of an application (the effective list: its own and its environment's shared ones, each
 * with its scope), of an environment, or an application's preview overrides. Values are masked on
 * screen until shown; callers without `read:sensitive` never get them and see why.
 */
export function EnvVarsEditor({ teamId, owner, role, sharedHint, linkDatabases, environmentId }: EnvVarsEditorProps) {
  const vars = useEnvVars(teamId, owner);
  const databasesOf = environmentId ?? linkDatabases?.environmentId ?? (owner.scope === 'environment' ? owner.id : undefined);
  // Listed only when a variable references one (the Link dialog's query, so its cache is shared).
  const referenced = useDatabases(
    teamId,
    vars.data?.some((variable) => variable.references.length > 0) ? databasesOf : undefined,
    1,
    DATABASE_CHOICES_PER_PAGE,
  );
  const remove = useDeleteEnvVar(teamId, owner);
  const [editing, setEditing] = useState<Editing>();
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(new Set());
  const refusal = whyCannotWrite(role);
  const secretsHidden = !seesSecrets(role);
  const own = (v: EnvVarDto) => v.scope === owner.scope;
  const close = () => setEditing(undefined);
  const texts = ENV_SCOPE_TEXTS[owner.scope];

  const toggle = (key: string) =>
    setRevealed((current) => {
      const next = new Set(current);
      if (!next.delete(key)) next.add(key);
      return next;
    });

  return (
    <section className="panel env-vars" aria-label={texts.title}>
      <header className="env-vars__header">
        <div>
          <h2 className="applications__heading">{texts.title}</h2>
          <p className="muted">{texts.description}</p>
        </div>
        <div className="env-vars__actions">
          <Button tone="secondary" refusal={refusal} disabled={!vars.isSuccess} onClick={() => setEditing({ kind: 'bulk' })}>
            Edit as .env
          </Button>
          {linkDatabases && (
            <Button tone="secondary" refusal={refusal} disabled={!vars.isSuccess} onClick={() => setEditing({ kind: 'link-database' })}>
              Link database
            </Button>
          )}
          <Button plus refusal={refusal} onClick={() => setEditing({ kind: 'add' })}>
            Add variable
          </Button>
        </div>
      </header>
      {secretsHidden && <p className="applications__notice env-vars__notice">Values are hidden: your role ({role}) cannot read secrets.</p>}
      {vars.isPending && <Skeleton lines={3} />}
      {vars.isError && <ErrorState error={vars.error} />}
      {vars.isSuccess && vars.data.length === 0 && <div className="empty-state">No variables yet.</div>}
      {vars.isSuccess && vars.data.length > 0 && (
        <DataTable
          label="Variables"
          testId="env-vars-table"
          columns={['Key', 'Value', owner.scope === 'application' && 'Scope', 'Available', { title: 'Actions', hidden: true }]}
          items={vars.data}
        >
          {(variable) => (
            <tr key={`${variable.scope}:${variable.key}`} data-testid={`env-var-${variable.key}`}>
              <td>
                <code>{variable.key}</code>
                {variable.references.length > 0 && <DatabaseReferenceChips references={variable.references} databases={referenced.data?.items} />}
              </td>
              <td className="env-vars__value" data-testid="env-var-value">
                {variable.masked || variable.value === null ? (
                  <span className="muted" title="Hidden: your role cannot read secret values">
                    {MASK} hidden
                  </span>
                ) : revealed.has(variable.key) ? (
                  <code className="env-vars__revealed">{variable.value === '' ? '(empty)' : variable.value}</code>
                ) : (
                  <span className="muted">{MASK}</span>
                )}
                {!variable.masked && variable.value !== null && (
                  <button
                    type="button"
                    className="link-button env-vars__show"
                    onClick={() => toggle(variable.key)}
                    aria-label={`${revealed.has(variable.key) ? 'Hide' : 'Show'} ${variable.key}`}
                  >
                    {revealed.has(variable.key) ? 'Hide' : 'Show'}
                  </button>
                )}
              </td>
              {owner.scope === 'application' && (
                <td>
                  <span
                    className={variable.scope === 'application' ? 'tag env-vars__scope env-vars__scope--app' : 'tag env-vars__scope'}
                    data-testid="env-var-scope"
                  >
                    {SCOPE_LABELS[variable.scope]}
                  </span>
                </td>
              )}
              <td className="muted">{[variable.buildTime && 'build', variable.runtime && 'run'].filter(Boolean).join(' + ')}</td>
              <td>
                <div className="env-vars__row-actions">
                  {own(variable) ? (
                    <EditDeleteButtons
                      name={variable.key}
                      refusal={refusal}
                      onEdit={() => setEditing({ kind: 'edit', variable })}
                      onDelete={() => {
                        remove.reset();
                        setEditing({ kind: 'delete', variable });
                      }}
                    />
                  ) : (
                    <button
                      type="button"
                      className={buttonClass('secondary', true)}
                      disabled={Boolean(refusal)}
                      title={refusal ?? 'Set an own value for this key; the shared one stays for the other applications'}
                      aria-label={`Override ${variable.key}`}
                      onClick={() => setEditing({ kind: 'add', key: variable.key })}
                    >
                      Override
                    </button>
                  )}
                </div>
              </td>
            </tr>
          )}
        </DataTable>
      )}
      {sharedHint && <p className="muted env-vars__hint">{sharedHint}</p>}
      {editing?.kind === 'add' && <EnvVarDialog teamId={teamId} owner={owner} suggestedKey={editing.key} onClose={close} />}
      {editing?.kind === 'edit' && <EnvVarDialog teamId={teamId} owner={owner} editing={editing.variable} onClose={close} />}
      {editing?.kind === 'link-database' && linkDatabases && vars.isSuccess && (
        <LinkDatabaseDialog
          teamId={teamId}
          owner={owner}
          environmentId={linkDatabases.environmentId}
          projectHref={linkDatabases.projectHref}
          existingKeys={vars.data.filter(own).map((variable) => variable.key)}
          onClose={close}
        />
      )}
      {editing?.kind === 'bulk' && vars.isSuccess && <BulkEnvDialog teamId={teamId} owner={owner} current={vars.data.filter(own)} onClose={close} />}
      {editing?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete ${editing.variable.key}?`}
          description={texts.deleted}
          confirmLabel="Delete variable"
          pendingLabel="Deleting…"
          submission={remove}
          onConfirm={() => remove.mutate(editing.variable.key, { onSuccess: close })}
          onClose={close}
        />
      )}
    </section>
  );
}
