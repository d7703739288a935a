import { CopyButton } from '../../../components/copy-button';
import { DownloadIcon } from '../../../components/icons';
import { RECOVERY_CODES_FILE_NAME, downloadTextFile, recoveryCodesText } from '../recovery-codes-file';

interface RecoveryCodesProps {
  codes: readonly string[];
  /** The account the codes belong to, named in the downloaded file. */
  account: string;
  /** What just happened, e.g. "Two-factor authentication is on." */
  status: string;
  /** The user has saved the codes: they are dropped and never shown again. */
  onDone: () => void;
}

/** Recovery codes, shown once: only their hashes are stored, so this is the one chance to save them. */
export function RecoveryCodes({ codes, account, status, onDone }: RecoveryCodesProps) {
  return (
    <div className="recovery-codes" data-testid="recovery-codes">
      <p className="form__success" role="status">
        {status}
      </p>
      <div>
        <h3 className="two-factor__subtitle">Save your recovery codes</h3>
        <p className="muted">
          Each code signs you in once if you lose your authenticator app. Store them somewhere safe, such as a password manager: they will not be
          shown again.
        </p>
      </div>
      <ol className="recovery-codes__list" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code} className="mono">
            {code}
          </li>
        ))}
      </ol>
      <div className="recovery-codes__actions">
        <CopyButton text={codes.join('\n')} label="Copy codes" />
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => downloadTextFile(recoveryCodesText(codes, account, new Date()), RECOVERY_CODES_FILE_NAME)}
        >
          <DownloadIcon />
          Download .txt
        </button>
        <button type="button" className="button button--small recovery-codes__done" onClick={onDone}>
          I saved them
        </button>
      </div>
    </div>
  );
}
