import { hostileDatabaseValues } from '../databases/hostile-values';
import { backupPrefixProblem, bucketNameProblem, s3EndpointProblem, s3KeyProblem, s3RegionProblem } from './destination-fields';

const hostile = hostileDatabaseValues('/tmp/zpanel-canary');

describe('s3EndpointProblem', () => {
  it.each([
    'https://s3.eu-west-1.amazonaws.com',
    'http://127.0.0.1:9000',
    'https://abc.r2.cloudflarestorage.com/',
    'http://[::1]:9000',
    'https://minio.lan:9443',
  ])('accepts %s', (endpoint) => expect(s3EndpointProblem(endpoint)).toBeNull());

  it.each([
    ['ftp://host', /http/],
    ['s3.amazonaws.com', /http/],
    ['https://user:secret@host', /credentials/],
    ['https://user@host', /credentials/],
    ['https://host/bucket', /path/],
    ['https://host?x=1', /path, query/],
    ['https://host#x', /path, query/],
    ['https://host\n.evil', /http/],
    ['https://ho st', /http/],
    ['https://', /http|host/],
    [42, /text/],
    [null, /text/],
    [`https://${'a'.repeat(3000)}`, /at most/],
  ])('refuses %j', (endpoint, message) => expect(s3EndpointProblem(endpoint)).toMatch(message));

  it('refuses every hostile value', () => {
    for (const value of hostile) expect(s3EndpointProblem(value)).not.toBeNull();
    for (const value of hostile) expect(s3EndpointProblem(`https://host/${value}`)).not.toBeNull();
  });
});

describe('bucketNameProblem', () => {
  it.each(['zpanel-backups', 'abc', 'my.bucket.1', 'a'.repeat(63)])('accepts %s', (bucket) => expect(bucketNameProblem(bucket)).toBeNull());

  it.each([
    'ab',
    'a'.repeat(64),
    'Upper',
    '-start',
    'end-',
    'a..b',
    'a.-b',
    'a-.b',
    '192.168.1.1',
    'xn--abc',
    'sthree-x',
    'x-s3alias',
    'x--ol-s3',
    'a_b',
    'a/b',
    '',
    undefined,
  ])('refuses %j', (bucket) => expect(bucketNameProblem(bucket)).not.toBeNull());

  it('refuses every hostile value', () => {
    for (const value of hostile) expect(bucketNameProblem(value)).not.toBeNull();
  });
});

describe('backupPrefixProblem', () => {
  it.each(['', undefined, 'backups', 'team-1/prod', 'a_b/c.d/e-f'])('accepts %j', (prefix) => expect(backupPrefixProblem(prefix)).toBeNull());

  it.each(['/lead', 'trail/', 'a//b', '../x', 'a/../b', './a', 'a/.hidden', 'sp ace', 'a\\b', 'x'.repeat(201), 42])('refuses %j', (prefix) =>
    expect(backupPrefixProblem(prefix)).not.toBeNull(),
  );

  it('refuses every hostile value', () => {
    for (const value of hostile) expect(backupPrefixProblem(value)).not.toBeNull();
  });
});

describe('s3RegionProblem and s3KeyProblem', () => {
  it('accepts regions and keys as providers give them', () => {
    for (const region of ['', undefined, 'us-east-1', 'auto', 'eu-central-003']) expect(s3RegionProblem(region)).toBeNull();
    for (const key of ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'k+/=']) expect(s3KeyProblem(key)).toBeNull();
  });

  it('refuses every hostile value, blanks and non-text', () => {
    for (const value of [...hostile, 'Us-East', ' ', 42]) expect(s3RegionProblem(value)).not.toBeNull();
    for (const value of [...hostile.filter((v) => /[^\x21-\x7e]/.test(v) || v.length > 256), '', 'a b', null])
      expect(s3KeyProblem(value)).not.toBeNull();
  });
});
