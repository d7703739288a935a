/** Command runs (ChatOps): a command an admin typed, run on a server over SSH. */

export type CommandRunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const COMMAND_RUN_STATUSES: readonly CommandRunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** Statuses a run never leaves. */
export const FINISHED_COMMAND_RUN_STATUSES: readonly CommandRunStatus[] = ['succeeded', 'failed', 'cancelled'];

export function isCommandRunFinished(status: CommandRunStatus): boolean {
  return FINISHED_COMMAND_RUN_STATUSES.includes(status);
}

/** Stored output is capped; past it the marker below is appended and the rest dropped. */
export const COMMAND_OUTPUT_CAP_BYTES = 1024 * 1024;
export const COMMAND_OUTPUT_TRUNCATED_MARKER = '\n[output truncated at 1 MiB]\n';

/** Limits shared by the API's validation and the SPA's console. */
export const COMMAND_MAX_LENGTH = 4096;
export const COMMAND_TIMEOUT_SECONDS = { min: 1, max: 3600, default: 300 } as const;

/** Who started a run: a person, or an API token acting for its creator (names are snapshots). */
export interface CommandRunActorDto {
  type: 'user' | 'token';
  /** The person, or the token's creator; null once that account is deleted. */
  userId: string | null;
  /** Set when an API token started the run. */
  tokenId: string | null;
  /** The person's name when the run started. */
  name: string;
}

/** A run as listed in the history (without its output). */
export interface CommandRunSummaryDto {
  id: string;
  teamId: string;
  serverId: string;
  actor: CommandRunActorDto;
  command: string;
  timeoutSeconds: number;
  status: CommandRunStatus;
  /** Null until it finished, and when it was killed or never ran. */
  exitCode: number | null;
  /** Why it failed or was cancelled, in words for a person. */
  error: string | null;
  outputTruncated: boolean;
  /** A cancel was asked for and the worker has not stopped it yet. */
  cancelRequested: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** `GET /api/v1/servers/{serverId}/commands/{runId}`: with the output stored so far. */
export interface CommandRunDto extends CommandRunSummaryDto {
  /**
   * stdout and stderr interleaved as they arrived, at most COMMAND_OUTPUT_CAP_BYTES of UTF-8,
   * then COMMAND_OUTPUT_TRUNCATED_MARKER when cut. Saved while the run goes (every heartbeat) and
   * when it ends; follow the `command-run` live kind for every chunk as it comes.
   */
  output: string;
}

/** `POST /api/v1/servers/{serverId}/commands` */
export interface CreateCommandRunRequest {
  /** Run by `sh -c` on the server as the server's SSH user. 1..4096 characters, no NUL. */
  command: string;
  /** Killed (with its children) after this long; 1..3600, default 300. */
  timeoutSeconds?: number;
}
