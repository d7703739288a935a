import { CopyButton } from '../../../components/copy-button';
import { Dialog } from '../../../components/dialog';
import { DoneActions } from '../../../components/form-actions';

/** The signing secret generated for a new webhook channel, once: only a sealed copy is kept, and the API never returns it again. */
export function SigningSecretDialog({ name, secret, onClose }: { name: string; secret: string; onClose: () => void }) {
  return (
    <Dialog title={`Signing secret of ${name}`} description="Zpanel generated this secret to sign every delivery to this webhook." onClose={onClose}>
      <div className="new-token" data-testid="new-signing-secret">
        <p className="form__error" role="alert">
          Copy it now into the receiver: it cannot be shown again. If it is lost, set a new one by editing the channel.
        </p>
        <div className="new-token__value">
          <code data-testid="signing-secret-value">{secret}</code>
          <CopyButton text={secret} label="Copy secret" />
        </div>
      </div>
      <DoneActions onDone={onClose} />
    </Dialog>
  );
}
