/** Command runs (ChatOps, issue #4 part 4): a command an admin typed, run on a server over SSH. */

export type CommandRunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Stored output is capped; past it the marker below is appended and the rest dropped. */
export const COMMAND_OUTPUT_CAP_BYTES = 1024 * 1024;
export const COMMAND_OUTPUT_TRUNCATED_MARKER = '\n[output truncated at 1 MiB]\n';
