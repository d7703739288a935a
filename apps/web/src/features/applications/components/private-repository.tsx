import type { ApplicationDto, SshKeyDto } from '@zpanel/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { CopyButton } from '../../../components/copy-button';
import { FormActions } from '../../../components/form-actions';
import { FormFailure } from '../../../components/form-failure';
import { TextField } from '../../../components/text-field';
import { errorsByField, shownFields } from '../../../shared/applications/application-form';
import { useForgetGitHostKey, useGenerateDeployKey, useSetGitToken } from '../../../shared/applications/mutations';
import { Button } from '../../../components/button';
import { bindText } from '../../../components/field';

interface Props {
  application: ApplicationDto;
  teamId: string;
  /** The team's keys, to show the public half of the current deploy key. */
  sshKeys: readonly SshKeyDto[];
  writeRefusal?: string;
}

const isSshUrl = (url: string | null) => Boolean(url) && !/^https?:\/\//i.test(url ?? '');

/** The deploy key to paste into the provider, generated for this application or picked in the source settings. */
function DeployKey({ application, teamId, sshKeys, writeRefusal }: Props) {
  const generate = useGenerateDeployKey(teamId, application.id);
  const current =
    generate.data?.sshKey.id === application.deployKeyId ? generate.data.sshKey : sshKeys.find((key) => key.id === application.deployKeyId);
  return (
    <div className="applications__group" data-testid="deploy-key">
      <h3 className="applications__legend">Deploy key (ssh repositories)</h3>
      {application.deployKeyId === null ? (
        <p className="muted">No deploy key: the repository must be public, or reached over HTTPS with a token.</p>
      ) : current ? (
        <>
          <p className="muted">
            Add this public key to the repository&apos;s deploy keys (read access is enough): <strong>{current.name}</strong> ({current.fingerprint}).
          </p>
          <div className="new-token__value">
            <code data-testid="deploy-key-public">{current.publicKey}</code>
            <CopyButton text={current.publicKey} label="Copy public key" />
          </div>
        </>
      ) : (
        <p className="muted">The deploy key is one of the team&apos;s SSH keys (see SSH keys).</p>
      )}
      <FormActions
        submission={generate}
        savedMessage="New deploy key generated and in use from the next deployment. Paste its public key into the provider now."
        submitLabel={application.deployKeyId ? 'Generate a new deploy key' : 'Generate a deploy key'}
        pendingLabel="Generating…"
        tone="secondary"
        refusal={writeRefusal}
        onClick={() => generate.mutate()}
      />
    </div>
  );
}

/** The git host's key pinned at the first ssh clone; forgetting it trusts whatever key the host shows next. */
function GitHostKey({ application, teamId, writeRefusal }: Props) {
  const forget = useForgetGitHostKey(teamId, application.id);
  const [confirming, setConfirming] = useState(false);
  const fingerprints = application.gitHostKeyFingerprints;
  return (
    <div className="applications__group" data-testid="git-host-key">
      <h3 className="applications__legend">Git host key</h3>
      {fingerprints === null ? (
        <p className="muted">
          {isSshUrl(application.gitUrl)
            ? 'Not pinned yet: the next deployment learns the host key and pins it.'
            : 'Only ssh repositories pin a host key.'}
        </p>
      ) : (
        <>
          <p className="muted">
            Pinned at the first clone: a deployment fails if the host shows another key. Compare with the fingerprints your provider publishes.
          </p>
          <ul className="applications__fingerprints">
            {fingerprints.map((fingerprint) => (
              <li key={fingerprint}>
                <code>{fingerprint}</code>
              </li>
            ))}
          </ul>
          <div className="form__actions">
            <Button tone="secondary" refusal={writeRefusal} onClick={() => setConfirming(true)}>
              Forget host key
            </Button>
          </div>
        </>
      )}
      {forget.isSuccess && fingerprints === null && <p className="form__success">Forgotten: the next deployment pins the key the host shows.</p>}
      {confirming && (
        <ConfirmDialog
          title="Forget the git host key?"
          description="Only when the provider really changed its key: the next deployment trusts whatever key the host shows and pins it."
          confirmLabel="Forget host key"
          pendingLabel="Forgetting…"
          submission={forget}
          onConfirm={() => forget.mutate(undefined, { onSuccess: () => setConfirming(false) })}
          onClose={() => setConfirming(false)}
        />
      )}
    </div>
  );
}

/** Write-only: the token is sent once and never shown again; only whether one is set. */
function HttpsToken({ application, teamId, writeRefusal }: Props) {
  const save = useSetGitToken(teamId, application.id);
  const [token, setToken] = useState('');
  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (token.trim()) save.mutate(token.trim(), { onSuccess: () => setToken('') });
  };
  return (
    <form className="applications__group" onSubmit={submit} aria-label="HTTPS token" data-testid="git-token">
      <h3 className="applications__legend">HTTPS token</h3>
      <p className="muted" data-testid="git-token-state">
        {application.gitTokenSet
          ? 'A token is set. It is stored encrypted and never shown again.'
          : 'No token: an https:// repository is cloned without credentials.'}
      </p>
      <fieldset className="form" disabled={Boolean(writeRefusal)}>
        <TextField
          label={application.gitTokenSet ? 'Replace the token' : 'Token'}
          type="password"
          autoComplete="off"
          {...bindText(token, setToken)}
          error={errorsByField(save.error).gitToken?.join(' ')}
          hint="A personal or project access token that can read the repository, or user:password (Bitbucket app passwords)."
        />
      </fieldset>
      <FormFailure error={save.error} fields={shownFields(save.error, ['gitToken'])} />
      <div className="form__actions">
        <button
          type="submit"
          className="button button--secondary"
          disabled={Boolean(writeRefusal) || save.isPending || !token.trim()}
          title={writeRefusal}
        >
          {save.isPending ? 'Saving…' : 'Set token'}
        </button>
        {application.gitTokenSet && (
          <Button tone="danger" refusal={writeRefusal} disabled={save.isPending} onClick={() => save.mutate(null)}>
            Clear token
          </Button>
        )}
      </div>
    </form>
  );
}

/** How Zpanel reaches a private repository: a deploy key and the pinned host key (ssh), or a token (HTTPS). */
export function PrivateRepository(props: Props) {
  return (
    <section className="panel panel--padded" aria-label="Private repository">
      <h2 className="applications__heading">Private repository</h2>
      <DeployKey {...props} />
      <GitHostKey {...props} />
      <HttpsToken {...props} />
    </section>
  );
}
