import type { TeamMembershipDto } from '@zpanel/contracts';
import { useState } from 'react';
import { Dialog } from '../../../components/dialog';
import { FormFailure } from '../../../components/form-failure';
import { TextField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import { useCreateTeam } from '../mutations';

interface CreateTeamDialogProps {
  onCreated: (team: TeamMembershipDto) => void;
  onClose: () => void;
}

export function CreateTeamDialog({ onCreated, onClose }: CreateTeamDialogProps) {
  const createTeam = useCreateTeam();
  const [name, setName] = useState('');
  const fields = fieldErrors(createTeam.error);

  return (
    <Dialog title="Create team" description="You will be its owner. Apps and servers belong to a team." onClose={onClose}>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          createTeam.mutate({ name: name.trim() }, { onSuccess: onCreated });
        }}
      >
        <TextField label="Team name" required maxLength={100} value={name} onChange={(event) => setName(event.target.value)} error={fields.name} />
        <FormFailure error={createTeam.error} fields={['name']} />
        <div className="form__actions">
          <button type="button" className="button button--secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button" disabled={createTeam.isPending}>
            {createTeam.isPending ? 'Creating…' : 'Create team'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
