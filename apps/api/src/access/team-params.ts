import { Param, ParseUUIDPipe } from '@nestjs/common';
import { AppException } from '@zpanel/core';

/** Path ids must be UUIDs; anything else is a 400 naming the parameter, never a database error. */
export const uuidParam = (field: string) =>
  new ParseUUIDPipe({ version: '4', exceptionFactory: () => AppException.validation([{ field, message: `${field} must be a UUID` }]) });

/** The path parameter `name`, checked by `uuidParam`. */
export const UuidParam = (name: string) => Param(name, uuidParam(name));
