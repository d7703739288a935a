import type { CreatedApiTokenResponse } from '@zpanel/contracts';
import { CopyButton } from '../../../components/copy-button';
import { DoneActions } from '../../../components/form-actions';

interface NewTokenSecretProps {
  created: CreatedApiTokenResponse;
  /** Where the API is reached, for the example command. */
  origin: string;
  onDone: () => void;
}

export function curlExample(token: string, origin: string, teamId: string): string {
  return `curl -H "Authorization: Bearer ${token}" ${origin}/api/v1/teams/${teamId}/members`;
}

/** The secret token, shown once: only its hash is stored. */
export function NewTokenSecret({ created, origin, onDone }: NewTokenSecretProps) {
  const example = curlExample(created.token, origin, created.teamId);
  return (
    <div className="new-token" data-testid="new-api-token">
      <p className="form__success" role="status">
        Token “{created.name}” created.
      </p>
      <p className="muted">Copy it now and keep it somewhere safe: only a hash is stored, so it cannot be shown again.</p>
      <div className="new-token__value">
        <code data-testid="new-api-token-value">{created.token}</code>
        <CopyButton text={created.token} label="Copy token" />
      </div>
      <div className="new-token__example">
        <h3 className="new-token__subtitle">Try it</h3>
        <pre>
          <code data-testid="api-token-curl">{example}</code>
        </pre>
        <CopyButton text={example} label="Copy command" />
      </div>
      <DoneActions onDone={onDone} />
    </div>
  );
}
