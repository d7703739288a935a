import { ErrorCode } from '@zpanel/contracts';
import { AppException, deriveKey, signJwt, verifyJwt } from '@zpanel/core';

/** What a download link was issued for: checked again when it is used. */
export interface DownloadGrant {
  backupId: string;
  /** The backup's team; null for an instance backup (its link is checked against the instance operators instead). */
  teamId: string | null;
  /** The person who asked (an API token's creator): still needs to be in the team with `read` when the link is used. */
  userId: string;
}

const TYPE = 'backup-download';
const linkGone = () =>
  new AppException(ErrorCode.NotFound, 'No such backup download: the link is wrong or expired (links last minutes; ask for a new one)');

/**
 * Signed, short-lived download links for backups in a server destination, where no presigned URL
 * exists: an HS256 token (the JWT helpers of @zpanel/core) with a key derived from the instance key
 * for this purpose alone, naming the backup, its team and the person who asked. A browser follows the
 * link without its bearer token, so the link itself is the credential; it is checked against the
 * path's backup id and, by the caller, against the team's current membership.
 */
export class DownloadLinks {
  private readonly key: Buffer;

  constructor(
    secretKey: Buffer,
    private readonly ttlSeconds: number,
  ) {
    this.key = deriveKey(secretKey, 'zpanel:backup-download:v1');
  }

  async sign(grant: DownloadGrant, now = Date.now()): Promise<{ token: string; expiresAt: Date }> {
    return signJwt({ typ: TYPE, bid: grant.backupId, tid: grant.teamId, sub: grant.userId }, this.key, this.ttlSeconds, now);
  }

  /** The grant of a valid, unexpired link for this backup; the same 404 for anything else. */
  async verify(token: unknown, backupId: string, now = Date.now()): Promise<DownloadGrant> {
    if (typeof token !== 'string' || token.length === 0) throw linkGone();
    let claims: Record<string, unknown>;
    try {
      claims = await verifyJwt(token, this.key, { now, maxLifetimeSeconds: this.ttlSeconds });
    } catch {
      throw linkGone();
    }
    const teamId = claims.tid;
    if (claims.typ !== TYPE || claims.bid !== backupId || (teamId !== null && typeof teamId !== 'string') || typeof claims.sub !== 'string')
      throw linkGone();
    return { backupId, teamId, userId: claims.sub };
  }
}
