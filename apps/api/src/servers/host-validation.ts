import { isIP } from 'node:net';
import { type ValidationOptions, ValidateBy } from 'class-validator';

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** An IPv4/IPv6 address or a DNS name (RFC 1123 labels): nothing an SSH client could read as an option or a command. */
export function isServerHost(value: unknown): value is string {
  return typeof value === 'string' && (isIP(value) !== 0 || DNS_NAME.test(value));
}

export function IsServerHost(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'isServerHost', validator: { validate: isServerHost, defaultMessage: () => 'host must be an IP address or a DNS name' } },
    options,
  );
}
