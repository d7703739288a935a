import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Dialog } from '../../../components/dialog';
import { FormFailure } from '../../../components/form-failure';
import { TextField } from '../../../components/text-field';
import { useApplicationOutlet } from '../../../shared/applications/application-outlet';
import { useDeleteApplication } from '../../../shared/applications/mutations';

/** Deleting the application, confirmed by typing its name. */
export function ApplicationDangerTab() {
  const { application, teamId, writeRefusal } = useApplicationOutlet();
  const remove = useDeleteApplication(teamId);
  const navigate = useNavigate();
  const [asking, setAsking] = useState(false);
  const [typed, setTyped] = useState('');

  return (
    <section className="panel panel--padded applications__danger" aria-label="Danger zone">
      <h2 className="applications__heading">Delete this application</h2>
      <p className="muted">
        Zpanel forgets {application.name} with its domains, variables and deployment history, the proxy stops routing its domains, and its containers
        and images are stopped and removed from the server. This cannot be undone.
      </p>
      <div className="form__actions">
        <button
          type="button"
          className="button button--danger"
          disabled={Boolean(writeRefusal)}
          title={writeRefusal}
          onClick={() => {
            remove.reset();
            setTyped('');
            setAsking(true);
          }}
        >
          Delete application
        </button>
      </div>
      {asking && (
        <Dialog title={`Delete ${application.name}?`} description="Type the application's name to confirm." onClose={() => setAsking(false)}>
          <form
            className="form"
            onSubmit={(event) => {
              event.preventDefault();
              if (typed !== application.name) return;
              remove.mutate(application.id, {
                onSuccess: () => void navigate(`/projects/${application.projectId}?environment=${application.environmentId}`),
              });
            }}
          >
            <TextField
              label="Application name"
              autoComplete="off"
              placeholder={application.name}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
            />
            <FormFailure error={remove.error} fields={[]} />
            <div className="form__actions">
              <button type="button" className="button button--secondary" onClick={() => setAsking(false)}>
                Cancel
              </button>
              <button type="submit" className="button button--danger" disabled={typed !== application.name || remove.isPending}>
                {remove.isPending ? 'Deleting…' : 'Delete application'}
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </section>
  );
}
