import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  COMMAND_MAX_LENGTH,
  COMMAND_RUN_STATUSES,
  COMMAND_TIMEOUT_SECONDS,
  type CommandRunActorDto,
  type CommandRunDto,
  type CommandRunStatus,
  type CommandRunSummaryDto,
  type CreateCommandRunRequest,
} from '@zpanel/contracts';
import { IsInt, IsOptional, Max, Min, type ValidationArguments, ValidateBy } from 'class-validator';

/** Why a command cannot be run, or null. Anything else goes: the command is the admin's, run by `sh -c`. */
export function commandProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be text';
  if (value.trim().length === 0) return 'is required';
  // Counted in characters, as the database counts them.
  if ([...value].length > COMMAND_MAX_LENGTH) return `must be at most ${COMMAND_MAX_LENGTH} characters`;
  if (value.includes('\0')) return 'cannot contain a NUL character';
  return null;
}

function IsCommand(): PropertyDecorator {
  return ValidateBy({
    name: 'isCommand',
    validator: {
      validate: (value: unknown) => commandProblem(value) === null,
      defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'command'} ${commandProblem(args?.value) ?? 'is not allowed'}`,
    },
  });
}

const timeoutMessage = { message: `timeoutSeconds must be a whole number from ${COMMAND_TIMEOUT_SECONDS.min} to ${COMMAND_TIMEOUT_SECONDS.max}` };

export class CreateCommandRunDto implements CreateCommandRunRequest {
  @ApiProperty({
    example: 'df -h / && docker ps --format "{{.Names}}"',
    minLength: 1,
    maxLength: COMMAND_MAX_LENGTH,
    description: 'Run by `sh -c` on the server as its SSH user',
  })
  @IsCommand()
  command: string;

  @ApiPropertyOptional({
    example: 60,
    minimum: COMMAND_TIMEOUT_SECONDS.min,
    maximum: COMMAND_TIMEOUT_SECONDS.max,
    default: COMMAND_TIMEOUT_SECONDS.default,
  })
  @IsOptional()
  @IsInt(timeoutMessage)
  @Min(COMMAND_TIMEOUT_SECONDS.min, timeoutMessage)
  @Max(COMMAND_TIMEOUT_SECONDS.max, timeoutMessage)
  timeoutSeconds?: number;
}

class CommandRunActorDoc implements CommandRunActorDto {
  @ApiProperty({ enum: ['user', 'token'], example: 'user' }) type: 'user' | 'token';
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) userId: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) tokenId: string | null;
  @ApiProperty({ example: 'Olive Owner' }) name: string;
}

export class CommandRunSummaryDoc implements CommandRunSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ format: 'uuid' }) serverId: string;
  @ApiProperty({ type: CommandRunActorDoc }) actor: CommandRunActorDoc;
  @ApiProperty({ example: 'df -h /' }) command: string;
  @ApiProperty({ example: 300 }) timeoutSeconds: number;
  @ApiProperty({ enum: COMMAND_RUN_STATUSES, example: 'failed' }) status: CommandRunStatus;
  @ApiPropertyOptional({ nullable: true, example: 3 }) exitCode: number | null;
  @ApiPropertyOptional({ nullable: true, example: 'Exited with code 3.' }) error: string | null;
  @ApiProperty({ example: false }) outputTruncated: boolean;
  @ApiProperty({ example: false, description: 'A cancel was asked for and the worker has not stopped the command yet' }) cancelRequested: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) finishedAt: string | null;
}

export class CommandRunDoc extends CommandRunSummaryDoc implements CommandRunDto {
  @ApiProperty({
    example: 'hello\noops\n',
    description:
      'stdout and stderr interleaved, at most 1 MiB then "\\n[output truncated at 1 MiB]\\n"; saved every heartbeat while running and at the end',
  })
  output: string;
}

export class CommandRunPageDoc {
  @ApiProperty({ type: [CommandRunSummaryDoc] }) items: CommandRunSummaryDoc[];
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() total: number;
}
