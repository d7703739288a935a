import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '../../../components/button';
import { FormDialog } from '../../../components/form-dialog';
import { TextField } from '../../../components/text-field';
import { useApplicationOutlet } from '../../../shared/applications/application-outlet';
import { CheckboxField } from '../../../shared/applications/components/fields';
import { useDeleteApplication } from '../../../shared/applications/mutations';
import { bindText } from '../../../components/field';

/** Deleting the application, confirmed by typing its name. */
export function ApplicationDangerTab() {
  const { application, teamId, writeRefusal } = useApplicationOutlet();
  const remove = useDeleteApplication(teamId);
  const navigate = useNavigate();
  const [asking, setAsking] = useState(false);
  const [typed, setTyped] = useState('');
  const [deleteVolumes, setDeleteVolumes] = useState(false);

  return (
    <section className="panel panel--padded applications__danger" aria-label="Danger zone">
      <h2 className="applications__heading">Delete this application</h2>
      <p className="muted">
        Zpanel forgets {application.name} with its domains, variables and deployment history, the proxy stops routing its domains, and its containers
        and images are stopped and removed from the server. Its named volumes stay on the server (listed among its orphaned volumes) unless you choose
        to delete them too. This cannot be undone.
      </p>
      <div className="form__actions">
        <Button
          tone="danger"
          refusal={writeRefusal}
          onClick={() => {
            remove.reset();
            setTyped('');
            setDeleteVolumes(false);
            setAsking(true);
          }}
        >
          Delete application
        </Button>
      </div>
      {asking && (
        <FormDialog
          title={`Delete ${application.name}?`}
          description="Type the application's name to confirm."
          onSubmit={() => {
            if (typed !== application.name) return;
            remove.mutate(
              { id: application.id, deleteVolumes },
              {
                onSuccess: () => void navigate(`/projects/${application.projectId}?environment=${application.environmentId}`),
              },
            );
          }}
          onClose={() => setAsking(false)}
          submission={remove}
          submitLabel="Delete application"
          pendingLabel="Deleting…"
          disabled={typed !== application.name}
          tone="danger"
        >
          <TextField label="Application name" autoComplete="off" placeholder={application.name} {...bindText(typed, setTyped)} />
          <CheckboxField
            label="Also delete its named volumes and the data in them"
            checked={deleteVolumes}
            onChange={(event) => setDeleteVolumes(event.target.checked)}
          />
        </FormDialog>
      )}
    </section>
  );
}
