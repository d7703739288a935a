import type { ApplicationDto } from '@zpanel/contracts';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { FormDialog } from '../../../components/form-dialog';
import { deploymentHref } from '../labels';
import { useDeploy } from '../mutations';

interface DeployButtonProps {
  teamId: string;
  application: ApplicationDto;
  /** Why the caller may not deploy; undefined: allowed. */
  refusal?: string;
  className?: string;
  /** The button's text; the dialog it opens is the same. */
  label?: string;
}

/** Deploy, asked first; on success the page moves to the new deployment's live log. */
export function DeployButton({ teamId, application, refusal, className = 'button', label = 'Deploy' }: DeployButtonProps) {
  const [asking, setAsking] = useState(false);
  const deploy = useDeploy(teamId);
  const navigate = useNavigate();
  const what =
    application.buildPack === 'image'
      ? `the image ${application.imageReference ?? ''}`
      : `the head of ${application.gitBranch ?? 'the branch'} from ${application.gitUrl ?? 'the repository'}`;

  return (
    <>
      <button
        type="button"
        className={className}
        disabled={Boolean(refusal)}
        title={refusal}
        onClick={() => {
          deploy.reset();
          setAsking(true);
        }}
      >
        {label}
      </button>
      {asking && (
        <FormDialog
          title={`Deploy ${application.name}?`}
          description={`Zpanel ${application.buildPack === 'image' ? 'runs' : 'builds'} ${what}, starts it beside the running version and switches traffic once its health check passes. A deployment still waiting in the queue is replaced by this one.`}
          onSubmit={() =>
            deploy.mutate(application.id, {
              onSuccess: (created) => {
                setAsking(false);
                void navigate(deploymentHref(created));
              },
            })
          }
          onClose={() => setAsking(false)}
          submission={deploy}
          submitLabel="Deploy"
          pendingLabel="Queueing…"
        />
      )}
    </>
  );
}
