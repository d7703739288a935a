import { BACKUP_LIMITS, BACKUP_PREFIX_PATTERN, S3_BUCKET_PATTERN } from '@zpanel/contracts';

/*
 * The rules for a backup destination's S3 settings, used by the API before saving (each returns a
 * problem completing "<field> ...", or null) and by the worker before it connects. The endpoint's
 * address is checked apart, against the instance's outbound policy (AddressPolicy.problem).
 */

const ENDPOINT_MAX_LENGTH = 2048;

/** An http(s) origin: no credentials, path, query or fragment, only printable ASCII. */
export function s3EndpointProblem(endpoint: unknown): string | null {
  if (typeof endpoint !== 'string') return 'must be text';
  if (endpoint.length > ENDPOINT_MAX_LENGTH) return `must be at most ${ENDPOINT_MAX_LENGTH} characters`;
  // Checked on the text itself: URL parsing would quietly drop tabs and newlines and percent-encode the rest.
  if (!/^https?:\/\/[\x21-\x7e]+$/.test(endpoint)) return 'must be an http:// or https:// URL (such as https://s3.eu-west-1.amazonaws.com)';
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'must be an http:// or https:// URL (such as https://s3.eu-west-1.amazonaws.com)';
  }
  if (url.username !== '' || url.password !== '' || endpoint.slice(url.protocol.length + 2).includes('@'))
    return 'must not hold credentials (give the access key and secret in their own fields)';
  if (url.hostname === '') return 'must name a host';
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || /[?#]/.test(endpoint))
    return 'must be the server alone, without a path, query or fragment (the bucket and prefix have their own fields)';
  return null;
}

/** A bucket name as S3 allows it (S3_BUCKET_PATTERN and the rules a pattern cannot say). */
export function bucketNameProblem(bucket: unknown): string | null {
  if (typeof bucket !== 'string' || !S3_BUCKET_PATTERN.test(bucket))
    return 'must be 3-63 lower-case letters, digits, "." or "-", starting and ending with a letter or digit';
  if (/\.\.|\.-|-\./.test(bucket)) return 'must not contain "..", ".-" or "-."';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(bucket)) return 'must not be an IP address';
  if (bucket.startsWith('xn--') || bucket.startsWith('sthree-') || /-s3alias$|--ol-s3$|\.mrap$|--x-s3$/.test(bucket))
    return 'must not use a prefix or suffix S3 reserves (xn--, sthree-, -s3alias, --ol-s3, .mrap, --x-s3)';
  return null;
}

/** A destination's prefix: empty, or `/`-joined segments (BACKUP_PREFIX_PATTERN), bounded. */
export function backupPrefixProblem(prefix: unknown): string | null {
  if (prefix === undefined || prefix === null || prefix === '') return null;
  if (typeof prefix !== 'string') return 'must be text';
  if (prefix.length > BACKUP_LIMITS.prefixLength) return `must be at most ${BACKUP_LIMITS.prefixLength} characters`;
  if (!BACKUP_PREFIX_PATTERN.test(prefix))
    return 'must be path segments of letters, digits, ".", "_" and "-" joined by "/", not starting with "." and without a leading or trailing "/"';
  // Harmless to S3, but a segment like --flag would read as an option wherever a person copies it to a command.
  if (prefix.split('/').some((segment) => segment.startsWith('-'))) return 'must not have a segment starting with "-"';
  return null;
}

/** A region name (`us-east-1`, `auto` for R2); empty means us-east-1. */
export function s3RegionProblem(region: unknown): string | null {
  if (region === undefined || region === '') return null;
  if (typeof region !== 'string' || !/^[a-z0-9][a-z0-9-]{0,39}$/.test(region))
    return 'must be 1-40 lower-case letters, digits or "-" (such as us-east-1)';
  return null;
}

/** An access key id or secret: printable ASCII without spaces, bounded (it is sent in a header, signed). */
export function s3KeyProblem(key: unknown): string | null {
  if (typeof key !== 'string' || key.length === 0) return 'must not be empty';
  if (key.length > 256) return 'must be at most 256 characters';
  if (!/^[\x21-\x7e]+$/.test(key)) return 'must be printable ASCII without spaces';
  return null;
}
