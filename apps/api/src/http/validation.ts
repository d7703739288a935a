import { type ArgumentMetadata, Injectable, applyDecorators, type PipeTransform, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ErrorCode, type FieldError } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { Transform } from 'class-transformer';
import {
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsString,
  Max,
  MaxLength,
  Min,
  type ValidationArguments,
  type ValidationOptions,
  ValidateBy,
} from 'class-validator';
import type { NextFunction, Request, Response } from 'express';

/** Flattens class-validator's tree into one entry per field, with dotted paths (`domains.0`). */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** Unknown fields are refused, not silently dropped: a typo in a field name must not look like success. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => AppException.validation(flattenValidationErrors(errors)),
  });
}

/** Deeper than any body of the API; past it a body is refused before anyone walks it. */
export const MAX_JSON_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Why a piece of text cannot enter the system, or null: PostgreSQL refuses NUL in text and a
 * lone UTF-16 surrogate has no UTF-8 encoding, so either would fail deep inside (a 500, or a
 * skipped audit row) instead of at the door.
 */
export function unsafeTextProblem(value: string): string | null {
  if (value.includes('\0')) return 'must not contain a NUL character';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (no lone UTF-16 surrogates)';
  return null;
}

/** The first string (or key) in a parsed body, query or parameter that cannot enter the system, with its dotted path. */
export function findUnsafeInput(value: unknown, path: string, depth = 0): FieldError | null {
  const field = path || 'body';
  if (typeof value === 'string') {
    const problem = unsafeTextProblem(value);
    return problem ? { field, message: `${field} ${problem}` } : null;
  }
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return null;
  if (depth >= MAX_JSON_DEPTH) return { field, message: `${field} nests deeper than ${MAX_JSON_DEPTH} levels` };
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    const keyProblem = unsafeTextProblem(key);
    if (keyProblem) return { field: childPath, message: `the field name ${keyProblem}` };
    const found = findUnsafeInput(child, childPath, depth + 1);
    if (found) return found;
  }
  return null;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON parser's `verify` hook: a body that is not valid UTF-8 is refused, where the parser
 * would otherwise turn the bad bytes into U+FFFD and store text the client never sent.
 */
export function assertUtf8Body(_req: unknown, _res: unknown, body: Buffer): void {
  try {
    UTF8.decode(body);
  } catch {
    throw new AppException(ErrorCode.MalformedBody, 'The request body is not valid UTF-8');
  }
}

/** Runs after body parsing, for every route: NUL, lone surrogates and over-deep nesting are a 400 naming the field. */
export function refuseUnsafeInput() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const found = findUnsafeInput(req.body, '') ?? findUnsafeInput(req.query, '');
    next(found ? AppException.validation([found]) : undefined);
  };
}

/** Route parameters are only known once Nest matched the route: the same check, naming the parameter. */
@Injectable()
export class SafeTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param') return value;
    const found = findUnsafeInput(value, metadata.data ?? 'param');
    if (found) throw AppException.validation([found]);
    return value;
  }
}

type SwaggerProperty = { nullable?: boolean; type?: unknown; isArray?: boolean };
const SWAGGER_PROPERTY = 'swagger/apiModelProperties';

/**
 * `null` is accepted only where the OpenAPI document says the field is nullable. Partial update
 * DTOs mark every field optional, which lets null through class-validator to a NOT NULL column.
 */
function nullFieldErrors(metatype: unknown, value: unknown, path: string, depth = 0): FieldError[] {
  if (typeof metatype !== 'function' || typeof value !== 'object' || value === null || depth > MAX_JSON_DEPTH) return [];
  const prototype = (metatype as { prototype: object }).prototype;
  return Object.entries(value).flatMap(([key, child]) => {
    const property = Reflect.getMetadata(SWAGGER_PROPERTY, prototype, key) as SwaggerProperty | undefined;
    if (!property) return [];
    const field = path ? `${path}.${key}` : key;
    if (child === null) return property.nullable ? [] : [{ field, message: `${field} must not be null` }];
    const nested = typeof property.type === 'function' && !isBuiltIn(property.type) ? property.type : undefined;
    if (!nested) return [];
    if (Array.isArray(child))
      return child.flatMap((item, i) =>
        item === null
          ? [{ field: `${field}.${i}`, message: `${field}.${i} must not be null` }]
          : nullFieldErrors(nested, item, `${field}.${i}`, depth + 1),
      );
    return nullFieldErrors(nested, child, field, depth + 1);
  });
}

const BUILT_IN = new Set<unknown>([String, Number, Boolean, Object, Array, Date]);
function isBuiltIn(type: unknown): boolean {
  return BUILT_IN.has(type);
}

@Injectable()
export class NonNullableFieldsPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' || metadata.data) return value;
    const errors = nullFieldErrors(metadata.metatype, value, '');
    if (errors.length) throw AppException.validation(errors);
    return value;
  }
}

const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/**
 * What a one-line name must not hold: control characters (newlines included), bidirectional
 * controls (LRM/RLM, embeddings, overrides, isolates) that make a name display as another, and
 * zero-width characters that make two names look the same.
 */
const NOT_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;

/**
 * Display text. One-line (every display name: teams, projects, SSH keys, tokens, people): no
 * control, bidirectional or zero-width characters. Multi-line (descriptions): no control
 * characters other than line breaks and tabs.
 */
export function IsDisplayText(options: { multiline?: boolean } & ValidationOptions = {}): PropertyDecorator {
  const forbidden = options.multiline ? CONTROL_BUT_LINES : NOT_IN_NAMES;
  const message = options.multiline
    ? 'must be text without control characters'
    : 'must be one line of text without control, bidirectional or zero-width characters';
  return ValidateBy(
    {
      name: 'isDisplayText',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && !forbidden.test(value),
        defaultMessage: (args?: ValidationArguments) => `${args?.property} ${message}`,
      },
    },
    options,
  );
}

/** For `@Transform`: a string is trimmed; anything else is left for the type check to refuse. */
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** A required display name (`name`): trimmed, non-empty one-line text of at most 100 characters. */
export function IsDisplayName(): PropertyDecorator {
  // Listed innermost first, the order the same decorators stacked on the property apply in, so
  // class-validator reports their failures in the same order.
  return applyDecorators(IsDisplayText(), MaxLength(100), IsNotEmpty({ message: 'name is required' }), IsString(), Transform(trim));
}

const range = (field: string, limits: { min: number; max: number }) => `${field} must be between ${limits.min} and ${limits.max}`;

/** A whole number within `limits`, with messages naming the field (a dotted path for nested fields). */
export function IsBoundedInt(field: string, limits: { min: number; max: number }): PropertyDecorator {
  return applyDecorators(
    IsInt({ message: `${field} must be a whole number` }),
    Min(limits.min, { message: range(field, limits) }),
    Max(limits.max, { message: range(field, limits) }),
  );
}

/** CPUs as a container limit: a number with at most 2 decimals within `limits` (listed innermost first, as IsDisplayName). */
export function IsCpuLimit(limits: { min: number; max: number }, field = 'cpuLimit'): PropertyDecorator {
  return applyDecorators(
    Max(limits.max, { message: range(field, limits) }),
    Min(limits.min, { message: range(field, limits) }),
    IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false }, { message: `${field} must be a number with at most 2 decimals` }),
  );
}
