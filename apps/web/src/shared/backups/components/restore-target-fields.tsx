import type { RestoreTarget } from '@zpanel/contracts';
import { useState } from 'react';
import { TextField } from '../../../components/text-field';
import type { RestoreTargetRequest } from '../api';

/** Where a restore goes from the dialogs that offer the choice: over the source itself, or (databases) into a new database. */
export type ChosenRestoreTarget = Extract<RestoreTarget, 'same' | 'new'>;

/**
 * The choice and what it needs typed, shared by restoring a backup and restoring an uploaded file:
 * a new database when the source can have one (the safer default), else the source itself.
 */
export function useRestoreTarget(source: { name: string; canCreateNew: boolean }) {
  const [target, setTarget] = useState<ChosenRestoreTarget>(source.canCreateNew ? 'new' : 'same');
  const [confirmName, setConfirmName] = useState('');
  const [newDatabaseName, setNewDatabaseName] = useState('');
  const request: RestoreTargetRequest = target === 'same' ? { target, confirmName } : { target, newDatabaseName: newDatabaseName.trim() };
  // The same database only once its name is typed exactly; a new one once it has a name (the API judges it).
  const ready = target === 'same' ? confirmName === source.name : newDatabaseName.trim() !== '';
  return { target, setTarget, confirmName, setConfirmName, newDatabaseName, setNewDatabaseName, request, ready };
}

interface RestoreTargetFieldsProps {
  sourceName: string;
  canCreateNew: boolean;
  state: ReturnType<typeof useRestoreTarget>;
  /** The API's words by field: `confirmName`, `newDatabaseName`, or `name` (a new name taken). */
  errors: Record<string, string | undefined>;
}

export function RestoreTargetFields({ sourceName, canCreateNew, state, errors }: RestoreTargetFieldsProps) {
  return (
    <>
      {canCreateNew && (
        <fieldset className="backups__choices">
          <legend className="field__label">Restore into</legend>
          <label className="applications__check">
            <input type="radio" name="restore-target" checked={state.target === 'new'} onChange={() => state.setTarget('new')} />A new database
          </label>
          <label className="applications__check">
            <input type="radio" name="restore-target" checked={state.target === 'same'} onChange={() => state.setTarget('same')} />
            {sourceName} itself, replacing what it holds
          </label>
        </fieldset>
      )}
      {state.target === 'new' ? (
        <TextField
          label="New database name"
          required
          value={state.newDatabaseName}
          onChange={(event) => state.setNewDatabaseName(event.target.value)}
          error={errors.newDatabaseName ?? errors.name}
          hint="Created in the same environment and on the same server, with the same engine and version."
        />
      ) : (
        <>
          <p className="databases__warning" role="note">
            Everything {sourceName} holds now is replaced. A safety backup of it is taken first, listed in its history.
          </p>
          <TextField
            label={`Type ${sourceName} to confirm`}
            autoComplete="off"
            value={state.confirmName}
            onChange={(event) => state.setConfirmName(event.target.value)}
            error={errors.confirmName}
          />
        </>
      )}
    </>
  );
}
