import { Ability, type CreatedApiTokenResponse, ROLE_ABILITIES, Role } from '@zpanel/contracts';
import { useId, useState } from 'react';
import { Dialog } from '../../../components/dialog';
import { FormDialog } from '../../../components/form-dialog';
import { TextField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import { endOfLocalDay, localDateInputValue } from '../expiry';
import { ABILITY_DESCRIPTIONS, ABILITY_LABELS, ALL_ABILITIES } from '../labels';
import { useCreateApiToken } from '../mutations';
import { NewTokenSecret } from './new-token-secret';
import { bindText } from '../../../components/field';

interface CreateTokenDialogProps {
  teamId: string;
  /** The creator's role in the team: a token can never hold more than it grants. */
  role: Role;
  onClose: () => void;
}

const FIELDS = ['name', 'abilities', 'expiresAt'] as const;
const ROLE_WITH_ARTICLE: Record<Role, string> = {
  [Role.Viewer]: 'a viewer',
  [Role.Member]: 'a member',
  [Role.Admin]: 'an admin',
  [Role.Owner]: 'an owner',
};
const DEFAULT_ABILITIES: readonly Ability[] = [Ability.Read];

export function CreateTokenDialog({ teamId, role, onClose }: CreateTokenDialogProps) {
  const create = useCreateApiToken(teamId);
  // The secret token lives here only, until the dialog closes.
  const [created, setCreated] = useState<CreatedApiTokenResponse>();
  const [name, setName] = useState('');
  const [abilities, setAbilities] = useState<readonly Ability[]>(DEFAULT_ABILITIES);
  const [expiresOn, setExpiresOn] = useState('');
  const abilitiesId = useId();
  const allowed = ROLE_ABILITIES[role];
  const fields = fieldErrors(create.error);

  if (created) {
    return (
      // Keyed: a new dialog, so focus moves into it rather than staying on the unmounted form.
      <Dialog key="created" title="API token created" onClose={onClose}>
        <NewTokenSecret created={created} origin={window.location.origin} onDone={onClose} />
      </Dialog>
    );
  }

  const toggle = (ability: Ability, on: boolean) =>
    setAbilities((current) => (on ? ALL_ABILITIES.filter((a) => a === ability || current.includes(a)) : current.filter((a) => a !== ability)));

  const submit = () => {
    if (abilities.length === 0) return;
    create.mutate(
      { name: name.trim(), abilities: [...abilities], ...(expiresOn ? { expiresAt: endOfLocalDay(expiresOn) } : {}) },
      {
        onSuccess: (token) => {
          create.reset();
          setCreated(token);
        },
      },
    );
  };

  const abilitiesNote = fields.abilities ?? (abilities.length === 0 ? 'Choose at least one ability.' : undefined);

  return (
    <FormDialog
      title="Create API token"
      description={`For scripts and CI in this team. As ${ROLE_WITH_ARTICLE[role]}, you can grant: ${allowed.map((a) => ABILITY_LABELS[a]).join(', ')}.`}
      formLabel="Create API token"
      onSubmit={submit}
      onClose={onClose}
      submission={create}
      fields={FIELDS}
      submitLabel="Create token"
      pendingLabel="Creating…"
      disabled={abilities.length === 0}
    >
      <TextField label="Name" required maxLength={100} placeholder="GitHub Actions deploy" {...bindText(name, setName)} error={fields.name} />
      <fieldset className="checkboxes" aria-describedby={abilitiesNote ? `${abilitiesId}-note` : undefined}>
        <legend className="field__label">Abilities</legend>
        {ALL_ABILITIES.map((ability) => {
          const permitted = allowed.includes(ability);
          const boxId = `${abilitiesId}-${ability}`;
          return (
            <div key={ability} className={permitted ? 'checkbox' : 'checkbox checkbox--disabled'}>
              <input
                id={boxId}
                type="checkbox"
                name="abilities"
                value={ability}
                checked={permitted && abilities.includes(ability)}
                disabled={!permitted}
                aria-describedby={`${boxId}-hint`}
                onChange={(event) => toggle(ability, event.target.checked)}
              />
              <div>
                <label htmlFor={boxId} className="checkbox__label">
                  {ABILITY_LABELS[ability]}
                </label>
                <p id={`${boxId}-hint`} className="checkbox__hint">
                  {permitted ? ABILITY_DESCRIPTIONS[ability] : `${ABILITY_DESCRIPTIONS[ability]} Your role cannot grant this.`}
                </p>
              </div>
            </div>
          );
        })}
        {abilitiesNote && (
          <p id={`${abilitiesId}-note`} className="field__error">
            {abilitiesNote}
          </p>
        )}
      </fieldset>
      <TextField
        label="Expires on (optional)"
        className="api-tokens__expiry"
        type="date"
        min={localDateInputValue(new Date())}
        {...bindText(expiresOn, setExpiresOn)}
        hint="Works through the end of that day. Leave empty for a token that does not expire."
        error={fields.expiresAt}
      />
    </FormDialog>
  );
}
