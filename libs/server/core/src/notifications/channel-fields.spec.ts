import { randomBytes, randomUUID } from 'node:crypto';
import { NOTIFICATION_EVENT_KINDS, NOTIFICATION_LIMITS } from '@zpanel/contracts';
import { hostileDatabaseValues } from '../databases/hostile-values';
import {
  accessTokenProblem,
  emailAddressProblem,
  emailRecipientsProblem,
  eventKindsProblem,
  filterIdsProblem,
  notificationUrlHost,
  notificationUrlProblem,
  ntfyTopicProblem,
  portProblem,
  signingSecretProblem,
  smtpHostProblem,
  smtpPasswordProblem,
  smtpSecurityProblem,
  smtpUsernameProblem,
  telegramBotTokenProblem,
  telegramChatIdProblem,
} from './channel-fields';

const hostile = hostileDatabaseValues('/tmp/zpanel-canary');
const BOT_TOKEN = `123456789:${'A'.repeat(35)}`;
const secretOf = (bytes: number) => `whsec_${randomBytes(bytes).toString('base64')}`;

/** Characters that mean nothing to a shell, a header or a URL: a value of only these is used literally (docs/security.md). */
const LITERAL = /^[A-Za-z0-9._:@/%+-]{1,2048}$/;

/**
 * Every hostile value, alone and inside an otherwise good value, is refused by `rule`, or is plain
 * text of LITERAL characters that goes where it is sent as it is (`--requirepass` is a valid ntfy topic).
 */
function refusesHostile(rule: (value: unknown) => string | null, wrap: ((value: string) => string)[] = []): void {
  const accepted = [...hostile, ...hostile.flatMap((value) => wrap.map((w) => w(value)))].filter((value) => rule(value) === null);
  expect(accepted.filter((value) => !LITERAL.test(value)).map((value) => JSON.stringify(value).slice(0, 60))).toEqual([]);
  expect(accepted.length).toBeLessThan(hostile.length);
}

describe('notificationUrlProblem', () => {
  it.each([
    ['https://hooks.slack.com/services/T000/B000/XXXX', 'https-webhook'],
    ['https://discord.com/api/webhooks/1/abc', 'https-webhook'],
    ['http://mattermost.lan:8065/hooks/abc', 'webhook'],
    ['https://example.com/hook?token=abc', 'webhook'],
    ['http://127.0.0.1:8080/receive', 'webhook'],
    ['http://[::1]:8080/', 'webhook'],
    ['https://ntfy.sh', 'ntfy-server'],
    ['https://example.com/ntfy/', 'ntfy-server'],
  ] as const)('accepts %s for %s', (url, use) => expect(notificationUrlProblem(url, use)).toBeNull());

  it.each([
    ['http://hooks.slack.com/services/x', 'https-webhook', /https:\/\//],
    ['ftp://host/x', 'webhook', /http/],
    ['javascript:alert(1)', 'webhook', /http/],
    ['hooks.example.com/x', 'webhook', /http/],
    ['https://user:secret@host/x', 'webhook', /credentials/],
    ['https://user@host/x', 'webhook', /credentials/],
    ['https://host/x#frag', 'webhook', /fragment/],
    ['https://ntfy.sh?x=1', 'ntfy-server', /query/],
    ['https://host\n.evil/', 'webhook', /printable/],
    ['https://host/a b', 'webhook', /printable/],
    ['https://h\u00f6st/', 'webhook', /printable/],
    ['https://', 'webhook', /http|host/],
    ['https://../etc/passwd', 'webhook', /DNS name/],
    ['https://${IFS}x/', 'webhook', /DNS name/],
    ['https://-x.example.com/', 'webhook', /DNS name/],
    ['', 'webhook', /empty/],
    [42, 'webhook', /text/],
    [null, 'webhook', /text/],
    [`https://host/${'a'.repeat(3000)}`, 'webhook', /at most 2048/],
  ] as const)('refuses %j for %s', (url, use, message) => expect(notificationUrlProblem(url, use)).toMatch(message));

  it('never echoes the URL (it may be the secret) in its problem', () => {
    const url = 'https://user:s3cr3t-value@hooks.example.com/x';
    expect(notificationUrlProblem(url, 'webhook')).not.toContain('s3cr3t');
  });

  it('refuses every hostile value, alone or as the host', () => {
    for (const use of ['https-webhook', 'webhook', 'ntfy-server'] as const)
      refusesHostile((value) => notificationUrlProblem(value, use), [(value) => `https://${value}`]);
  });

  it('gives the host the address policy checks', () => {
    expect(notificationUrlHost('https://hooks.example.com:8443/x')).toBe('hooks.example.com');
    expect(notificationUrlHost('http://[::1]:8080/')).toBe('::1');
    expect(notificationUrlHost('http://169.254.169.254/latest')).toBe('169.254.169.254');
  });
});

describe('ntfyTopicProblem', () => {
  it.each(['alerts', 'zp_prod-1', 'a', 'x'.repeat(64)])('accepts %s', (topic) => expect(ntfyTopicProblem(topic)).toBeNull());
  it.each(['', 'x'.repeat(65), 'a/b', 'a b', 'a.b', '../x', undefined, 7])('refuses %j', (topic) => expect(ntfyTopicProblem(topic)).not.toBeNull());
  it('refuses every hostile value', () => refusesHostile(ntfyTopicProblem));
});

describe('accessTokenProblem', () => {
  it.each(['tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2', 'a'])('accepts %s', (token) => expect(accessTokenProblem(token)).toBeNull());
  it.each(['', 'with space', 'tab\there', 'x'.repeat(257), 'caf\u00e9', null])('refuses %j', (token) =>
    expect(accessTokenProblem(token)).not.toBeNull(),
  );
  it('refuses every hostile value but those that are plain printable tokens', () => {
    // A token is opaque: printable ASCII without spaces goes into the header as it is, never into a command.
    const accepted = hostile.filter((value) => accessTokenProblem(value) === null);
    expect(accepted.every((value) => /^[\x21-\x7e]{1,256}$/.test(value))).toBe(true);
  });
});

describe('telegram', () => {
  it.each([BOT_TOKEN, `1:${'a_b-'.repeat(10)}`])('accepts the bot token %s', (token) => expect(telegramBotTokenProblem(token)).toBeNull());
  it.each([
    '123456789',
    `abc:${'A'.repeat(35)}`,
    `1:${'A'.repeat(29)}`,
    `1:${'A'.repeat(101)}`,
    `1:${'A'.repeat(34)}!`,
    `${'1'.repeat(21)}:${'A'.repeat(35)}`,
  ])('refuses the bot token %j', (token) => expect(telegramBotTokenProblem(token)).not.toBeNull());
  it.each(['123456', '-1001234567890', '@my_channel', '@abcde'])('accepts the chat %s', (chatId) => expect(telegramChatIdProblem(chatId)).toBeNull());
  it.each(['', '@', '@abc', '@1abcde', '@abcde_', `@${'a'.repeat(33)}`, '12a', '--1', '1'.repeat(21), 42])('refuses the chat %j', (chatId) =>
    expect(telegramChatIdProblem(chatId)).not.toBeNull(),
  );
  it('refuses every hostile value', () => {
    refusesHostile(telegramBotTokenProblem, [(value) => `1:${'A'.repeat(30)}${value}`]);
    refusesHostile(telegramChatIdProblem, [(value) => `@channel${value}`]);
  });
});

describe('email', () => {
  it.each(['ops@example.com', 'first.last+zp@mail.example.co.uk', 'a_b%c-d@x-y.io', `${'a'.repeat(64)}@example.com`])('accepts %s', (address) =>
    expect(emailAddressProblem(address)).toBeNull(),
  );
  it.each([
    '',
    'no-at.example.com',
    'a@b',
    '.a@example.com',
    'a.@example.com',
    'a..b@example.com',
    '"quoted"@example.com',
    'a b@example.com',
    'a@-example.com',
    'a@example-.com',
    'a@[127.0.0.1]',
    '-a@example.com',
    'caf\u00e9@example.com',
    'a@example.com\r\nBcc: x@example.com',
    'a@example.com>',
    `${'a'.repeat(65)}@example.com`,
    `a@${'b'.repeat(250)}.com`,
    null,
  ])('refuses %j', (address) => expect(emailAddressProblem(address)).not.toBeNull());
  it('refuses every hostile value, alone or around an address', () =>
    refusesHostile(emailAddressProblem, [(value) => `${value}@example.com`, (value) => `ops@example.com${value}`]));

  it('takes 1 to 20 recipients, each once', () => {
    expect(emailRecipientsProblem(['a@example.com', 'b@example.com'])).toBeNull();
    expect(emailRecipientsProblem([])).toMatch(/at least one/);
    expect(emailRecipientsProblem('a@example.com')).toMatch(/at least one/);
    expect(emailRecipientsProblem(['a@example.com', 'A@example.com'])).toMatch(/twice/);
    expect(emailRecipientsProblem(['a@example.com', 'bad'])).toMatch(/^entry 2 /);
    expect(emailRecipientsProblem(Array.from({ length: NOTIFICATION_LIMITS.emailRecipients + 1 }, (_, i) => `a${i}@example.com`))).toMatch(/at most/);
  });
});

describe('SMTP', () => {
  it.each(['smtp.example.com', 'localhost', 'mail', '127.0.0.1', '::1', '2001:db8::25', 'smtp.example.com.'])('accepts the host %s', (host) =>
    expect(smtpHostProblem(host)).toBeNull(),
  );
  it.each(['', 'smtp example.com', 'smtp_example.com', '-smtp.example.com', '999.1.1.1', '1.2.3', '[::1]', 'smtp.example.com:25', 'h\u00f6st', null])(
    'refuses the host %j',
    (host) => expect(smtpHostProblem(host)).not.toBeNull(),
  );
  it.each([1, 25, 465, 587, 65535])('accepts the port %s', (port) => expect(portProblem(port)).toBeNull());
  it.each([0, -1, 65536, 1.5, '25', null, Number.NaN])('refuses the port %j', (port) => expect(portProblem(port)).not.toBeNull());
  it.each(['starttls', 'tls', 'none'])('accepts the security %s', (security) => expect(smtpSecurityProblem(security)).toBeNull());
  it.each(['ssl', 'STARTTLS', '', null])('refuses the security %j', (security) => expect(smtpSecurityProblem(security)).not.toBeNull());
  it('refuses every hostile host and security', () => {
    refusesHostile(smtpHostProblem, [(value) => `smtp.example.com${value}`]);
    refusesHostile(smtpSecurityProblem);
  });

  it('takes a user name of printable ASCII, and a password of any text but control characters', () => {
    expect(smtpUsernameProblem('ops@example.com')).toBeNull();
    expect(smtpUsernameProblem('with space')).not.toBeNull();
    expect(smtpUsernameProblem('')).not.toBeNull();
    expect(smtpPasswordProblem('correct horse battery staple \u00e9\u{1F600}')).toBeNull();
    expect(smtpPasswordProblem('a\r\nQUIT')).toMatch(/control/);
    expect(smtpPasswordProblem('a\0b')).toMatch(/control/);
    expect(smtpPasswordProblem('a\ud800b')).toMatch(/Unicode/);
    expect(smtpPasswordProblem('x'.repeat(1025))).toMatch(/at most/);
    // Hostile values either fail or are opaque text handed to the SMTP server base64-encoded (AUTH PLAIN).
    for (const value of hostile) {
      const problem = smtpPasswordProblem(value);
      if (problem === null) expect(/[\x00-\x1f\x7f\uD800-\uDFFF]/u.test(value) || value.length > 1024).toBe(false);
    }
    for (const value of hostile) {
      const problem = smtpUsernameProblem(value);
      if (problem === null) expect(value).toMatch(/^[\x21-\x7e]{1,256}$/);
    }
  });
});

describe('signingSecretProblem', () => {
  it.each([24, 32, 64])('accepts whsec_ and the base64 of %s bytes', (bytes) => expect(signingSecretProblem(secretOf(bytes))).toBeNull());
  it.each([
    secretOf(23),
    secretOf(65),
    secretOf(32).slice('whsec_'.length),
    // base64url's alphabet ("-", "_") is not the standard one receivers decode.
    `whsec_${'ab-_'.repeat(11)}`,
    `whsec_${randomBytes(32).toString('hex')}!`,
    `whsec_${randomBytes(32).toString('base64')}\n`,
    'whsec_',
    '',
    null,
  ])('refuses %j', (secret) => expect(signingSecretProblem(secret)).toMatch(/whsec_/));
  it('refuses every hostile value, alone or after the prefix', () => refusesHostile(signingSecretProblem, [(value) => `whsec_${value}`]));
});

describe('eventKindsProblem', () => {
  it('accepts one or more subscribable kinds, each once', () => {
    expect(eventKindsProblem(['deployment.failed'])).toBeNull();
    expect(eventKindsProblem([...NOTIFICATION_EVENT_KINDS])).toBeNull();
  });
  it.each([
    [[], /at least one/],
    [null, /at least one/],
    ['deployment.failed', /at least one/],
    [['deployment.failed', 'deployment.failed'], /twice/],
    [['deployment.exploded'], /^entry 1 must be one of/],
    [['account.new_sign_in'], /must be one of/],
    [['channel.failing'], /must be one of/],
    [['deployment.failed', 42], /^entry 2 /],
  ])('refuses %j', (events, message) => expect(eventKindsProblem(events)).toMatch(message));
  it('refuses every hostile value as a kind', () => refusesHostile((value) => eventKindsProblem([value])));
});

describe('filterIdsProblem', () => {
  it('accepts null, an empty list and ids', () => {
    expect(filterIdsProblem(null)).toBeNull();
    expect(filterIdsProblem([])).toBeNull();
    expect(filterIdsProblem([randomUUID(), randomUUID()])).toBeNull();
  });
  it('refuses what is not a list of distinct ids, and more than the limit', () => {
    const id = randomUUID();
    expect(filterIdsProblem(id)).toMatch(/list of ids/);
    expect(filterIdsProblem([id, id.toUpperCase()])).toMatch(/twice/);
    expect(filterIdsProblem([id, 'nope'])).toMatch(/^entry 2 /);
    expect(filterIdsProblem(Array.from({ length: NOTIFICATION_LIMITS.filterIds + 1 }, () => randomUUID()))).toMatch(/at most/);
  });
  it('refuses every hostile value as an id', () => refusesHostile((value) => filterIdsProblem([value])));
});
