import { useState } from 'react';
import { useNavigate } from 'react-router';
import { FormDialog } from '../../../components/form-dialog';
import { TextField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import { useCreateProject } from '../mutations';
import { bindText } from '../../../components/field';

const FIELDS = ['name', 'description'];

/** A new project, with its `production` environment; opens it once created. */
export function CreateProjectDialog({ teamId, onClose }: { teamId: string; onClose: () => void }) {
  const create = useCreateProject(teamId);
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const errors = fieldErrors(create.error);

  const submit = () => {
    create.mutate(
      { name: name.trim(), ...(description.trim() ? { description: description.trim() } : {}) },
      { onSuccess: (project) => void navigate(`/projects/${project.id}`) },
    );
  };

  return (
    <FormDialog
      title="Create project"
      description="A project groups applications; it starts with a production environment."
      formLabel="Create project"
      onSubmit={submit}
      onClose={onClose}
      submission={create}
      fields={FIELDS}
      submitLabel="Create project"
      pendingLabel="Creating…"
    >
      <TextField label="Name" required maxLength={100} placeholder="Shop" {...bindText(name, setName)} error={errors.name} />
      <TextField
        label="Description (optional)"
        maxLength={500}
        placeholder="Storefront and its workers"
        {...bindText(description, setDescription)}
        error={errors.description}
      />
    </FormDialog>
  );
}
