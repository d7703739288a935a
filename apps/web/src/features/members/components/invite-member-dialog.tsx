import { INVITATION_TTL_HOURS, type InviteMemberRequest, Role } from '@zpanel/contracts';
import { useState } from 'react';
import { Dialog } from '../../../components/dialog';
import { DoneActions, FormActions } from '../../../components/form-actions';
import { SelectField } from '../../../components/select-field';
import { TextField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import { ROLE_LABELS } from '../../../shared/teams/labels';
import { ROLE_SUMMARIES } from '../labels';
import { useInviteMember } from '../mutations';
import { ROLES_STRONGEST_FIRST, whyCannotGrant } from '../permissions';
import { CopyField } from './copy-field';

interface InviteMemberDialogProps {
  teamId: string;
  teamName: string;
  actorRole: Role;
  onClose: () => void;
}

const FIELDS: readonly (keyof InviteMemberRequest)[] = ['email', 'role'];

/**
 * Invites an email address with a role. The API answers with the token once: the link is shown
 * here, and nowhere after the dialog closes.
 */
export function InviteMemberDialog({ teamId, teamName, actorRole, onClose }: InviteMemberDialogProps) {
  const invite = useInviteMember(teamId);
  const [form, setForm] = useState<InviteMemberRequest>({ email: '', role: Role.Member });

  // Both branches render the same Dialog (same type, same place), which React keeps mounted:
  // the backdrop does not flash again, and focus moves to the link.
  if (invite.isSuccess) {
    const invitation = invite.data;
    return (
      <Dialog
        title="Invitation created"
        description={
          invitation.emailed
            ? `We emailed this link to ${invitation.email}. You can also copy it now: it is shown only once.`
            : `Send this link to ${invitation.email}. It is shown only now: copy it before closing.`
        }
        onClose={onClose}
      >
        <div className="form" data-testid="invitation-link">
          <CopyField
            label="Invitation link"
            value={`${window.location.origin}${invitation.acceptPath}`}
            hint={`Expires in ${INVITATION_TTL_HOURS} h and works for ${invitation.email} only, as ${ROLE_LABELS[invitation.role]}.`}
            autoFocus
          />
          <DoneActions onDone={onClose} tone="secondary" />
        </div>
      </Dialog>
    );
  }

  const fields = fieldErrors(invite.error);
  return (
    <Dialog title="Invite member" description={`They join ${teamName} with the role you pick.`} onClose={onClose}>
      <form
        className="form"
        aria-label="Invite member"
        onSubmit={(event) => {
          event.preventDefault();
          invite.mutate({ email: form.email.trim(), role: form.role });
        }}
      >
        <TextField
          label="Email"
          type="email"
          autoComplete="off"
          required
          maxLength={254}
          value={form.email}
          onChange={(event) => setForm((current) => ({ ...current, email: event.target.value }))}
          error={fields.email}
        />
        <RoleField actorRole={actorRole} value={form.role} error={fields.role} onChange={(role) => setForm((current) => ({ ...current, role }))} />
        <FormActions submission={invite} fields={FIELDS} submitLabel="Create invitation" pendingLabel="Inviting…" onCancel={onClose} />
      </form>
    </Dialog>
  );
}

interface RoleFieldProps {
  actorRole: Role;
  value: Role;
  error?: string;
  onChange: (role: Role) => void;
}

function RoleField({ actorRole, value, error, onChange }: RoleFieldProps) {
  return (
    <SelectField
      label="Role"
      selectClassName="members-select"
      value={value}
      error={error}
      hint={ROLE_SUMMARIES[value]}
      onChange={(event) => onChange(event.target.value as Role)}
    >
      {ROLES_STRONGEST_FIRST.map((role) => (
        <option key={role} value={role} disabled={whyCannotGrant(actorRole, role) !== undefined}>
          {ROLE_LABELS[role]}
        </option>
      ))}
    </SelectField>
  );
}
