import { ENV_VALUE_MAX_BYTES } from '@zpanel/contracts';
import { APPLICATION_FIELD_RULES, type ApplicationField, AppException, watchPathsProblem } from '@zpanel/core';
import { type PipeTransform, Injectable } from '@nestjs/common';
import { type ValidationArguments, type ValidationOptions, ValidateBy, ValidateIf } from 'class-validator';

/**
 * The API's side of the allowlists in @zpanel/core: the same rule the worker checks before use,
 * with a message that starts with the field's name.
 */
export function IsApplicationField(field: ApplicationField, options?: ValidationOptions): PropertyDecorator {
  const rule = APPLICATION_FIELD_RULES[field];
  return ValidateBy(
    {
      name: `application_${field}`,
      validator: {
        validate: (value: unknown) => rule(value) === null,
        // For `each`, `value` is the whole array: the rule's message is the same for every element.
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? field} ${rule(options?.each ? undefined : args?.value) ?? 'is not allowed'}`,
      },
    },
    options,
  );
}

/** The whole list of watch paths, with the message of the first problem (which entry, and what is wrong with it). */
export function IsWatchPaths(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isWatchPaths',
      validator: {
        validate: (value: unknown) => watchPathsProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) => {
          const problem = watchPathsProblem(args?.value) ?? 'is not allowed';
          return `${args?.property ?? 'watchPaths'}${problem.startsWith('[') ? '' : ' '}${problem}`;
        },
      },
    },
    options,
  );
}

/** Validated when present, null included: only fields documented as nullable accept null (with IsOptional). */
export const IfPresent = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);

/**
 * Why a variable value cannot be stored, or null. Anything else goes: quotes, `$`, `#`, newlines
 * reach the container byte-exact. A NUL cannot (the kernel's environment block is NUL-separated),
 * and a lone UTF-16 surrogate has no UTF-8 bytes to reach it with.
 */
export function envValueProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value.includes('\0')) return 'cannot contain a NUL character (environment variables cannot carry one)';
  if (/[\uD800-\uDFFF]/u.test(value)) return 'must be valid Unicode text';
  if (Buffer.byteLength(value, 'utf8') > ENV_VALUE_MAX_BYTES) return `must be at most ${ENV_VALUE_MAX_BYTES} bytes`;
  return null;
}

export function IsEnvValue(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEnvValue',
      validator: {
        validate: (value: unknown) => envValueProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) => `${args?.property} ${envValueProblem(args?.value) ?? 'is not allowed'}`,
      },
    },
    options,
  );
}

/** The `{key}` path parameter of the variable routes: a variable name, or a 400 naming `key`. */
@Injectable()
export class EnvKeyPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    const problem = APPLICATION_FIELD_RULES.envKey(value);
    if (problem) throw AppException.validation([{ field: 'key', message: `key ${problem}` }]);
    return value as string;
  }
}
