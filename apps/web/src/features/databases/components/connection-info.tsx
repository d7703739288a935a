import { type DatabaseDto, type DatabaseEngine, REDIS_DATABASE_NAME, REDIS_USER_NAME, type Role } from '@zpanel/contracts';
import { useState } from 'react';
import { Button } from '../../../components/button';
import { CopyButton } from '../../../components/copy-button';
import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { seesSecrets } from '../../../shared/applications/labels';
import { databaseReference } from '../../../shared/databases/labels';
import { useServer } from '../../../shared/servers/queries';
import { useDatabaseCredentials } from '../queries';

const SCHEMES: Record<DatabaseEngine, string> = { postgresql: 'postgresql', mysql: 'mysql', mariadb: 'mysql', redis: 'redis' };
const MASK = '••••••••';

/** The internal URL as the credentials route gives it, with the password masked: all of it but the secret is in the row. */
function maskedUrl(database: DatabaseDto): string {
  const user = database.userName ?? REDIS_USER_NAME;
  const name = database.databaseName ?? REDIS_DATABASE_NAME;
  return `${SCHEMES[database.engine]}://${user}:${MASK}@${database.internalHost}:${database.internalPort}/${name}`;
}

interface ConnectionInfoProps {
  teamId: string;
  database: DatabaseDto;
  role: Role;
}

/**
 * Where the database answers and as whom; the password and the URLs holding it only after
 * "Reveal" (the credentials route, `read:sensitive`, audited), dropped again on "Hide".
 */
export function ConnectionInfo({ teamId, database, role }: ConnectionInfoProps) {
  const [revealed, setRevealed] = useState(false);
  const server = useServer(teamId, database.publicPort === null ? undefined : database.serverId);
  const reference = databaseReference(database.name, 'DATABASE_URL');
  const refusal = seesSecrets(role) ? undefined : `Your role (${role}) cannot read secrets`;

  return (
    <section className="panel panel--padded" aria-label="Connection">
      <header className="databases__section-header databases__section-header--flush">
        <h2 className="applications__heading">Connection</h2>
        <Button tone="secondary" small refusal={refusal} onClick={() => setRevealed((shown) => !shown)} aria-pressed={revealed}>
          {revealed ? 'Hide' : 'Reveal'}
        </Button>
      </header>
      <dl className="applications__facts" data-testid="database-connection">
        <dt>Internal host</dt>
        <dd>
          <code data-testid="database-internal-host">
            {database.internalHost}:{database.internalPort}
          </code>{' '}
          <span className="muted">on the server&apos;s Zpanel network</span>
        </dd>
        <dt>{database.engine === 'redis' ? 'Database index' : 'Database'}</dt>
        <dd>
          <code>{database.databaseName ?? REDIS_DATABASE_NAME}</code>
        </dd>
        <dt>User</dt>
        <dd>
          <code>{database.userName ?? REDIS_USER_NAME}</code>
        </dd>
        {!revealed && (
          <>
            <dt>Internal URL</dt>
            <dd>
              <code data-testid="database-internal-url">{maskedUrl(database)}</code>
            </dd>
          </>
        )}
        {revealed && <RevealedCredentials teamId={teamId} databaseId={database.id} />}
        <dt>Public access</dt>
        <dd data-testid="database-public-access">
          {database.publicPort === null ? (
            <span className="muted">None: reachable on the server&apos;s Zpanel network only</span>
          ) : (
            <>
              <code>
                {server.data?.host ?? 'the server'}:{database.publicPort}
              </code>{' '}
              <span className="databases__warning-inline">reachable from the internet</span>
            </>
          )}
        </dd>
        <dt>From an application</dt>
        <dd>
          <code>{reference}</code> <CopyButton text={reference} label="Copy reference" />
          <p className="muted databases__hint">
            In a variable of an application of this environment (Environment tab, &quot;Link database&quot;): filled in at each deployment.
          </p>
        </dd>
      </dl>
    </section>
  );
}

/** The secret part, asked for when shown: the password and the URLs with it, each with a copy button. */
function RevealedCredentials({ teamId, databaseId }: { teamId: string; databaseId: string }) {
  const credentials = useDatabaseCredentials(teamId, databaseId);
  if (credentials.isPending || credentials.isError) {
    return (
      <>
        <dt>Password</dt>
        <dd>{credentials.isPending ? <Skeleton lines={1} /> : <ErrorState error={credentials.error} />}</dd>
      </>
    );
  }
  const { password, internalUrl, publicUrl } = credentials.data;
  return (
    <>
      <dt>Password</dt>
      <dd className="databases__secret">
        <code data-testid="database-password">{password}</code> <CopyButton text={password} label="Copy password" />
      </dd>
      <dt>Internal URL</dt>
      <dd className="databases__secret">
        <code data-testid="database-internal-url">{internalUrl}</code> <CopyButton text={internalUrl} label="Copy internal URL" />
      </dd>
      {publicUrl && (
        <>
          <dt>Public URL</dt>
          <dd className="databases__secret">
            <code data-testid="database-public-url">{publicUrl}</code> <CopyButton text={publicUrl} label="Copy public URL" />
          </dd>
        </>
      )}
    </>
  );
}
