import type { TeamMembershipDto } from '@zpanel/contracts';
import { useState } from 'react';
import { FormDialog } from '../../../components/form-dialog';
import { TextField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import { useCreateTeam } from '../mutations';
import { bindText } from '../../../components/field';

interface CreateTeamDialogProps {
  onCreated: (team: TeamMembershipDto) => void;
  onClose: () => void;
}

export function CreateTeamDialog({ onCreated, onClose }: CreateTeamDialogProps) {
  const createTeam = useCreateTeam();
  const [name, setName] = useState('');
  const fields = fieldErrors(createTeam.error);

  return (
    <FormDialog
      title="Create team"
      description="You will be its owner. Apps and servers belong to a team."
      onSubmit={() => createTeam.mutate({ name: name.trim() }, { onSuccess: onCreated })}
      onClose={onClose}
      submission={createTeam}
      fields={['name']}
      submitLabel="Create team"
      pendingLabel="Creating…"
    >
      <TextField label="Team name" required maxLength={100} {...bindText(name, setName)} error={fields.name} />
    </FormDialog>
  );
}
