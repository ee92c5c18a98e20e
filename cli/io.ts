/** What a command may touch: output streams and the clock. Tests pass their own. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Epoch seconds. */
  readonly now: () => number;
}

export const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  now: () => Date.now() / 1000,
};

/** Exit codes of every command. */
export const EXIT = {
  ok: 0,
  /** verify: CloudFront would reject the request. */
  rejected: 1,
  /** Bad flags or input the core refuses. */
  usage: 2,
  /** A failure that is neither (a bug or the environment). */
  internal: 3,
} as const;

/** Defined beside the flag parser, which throws it; re-exported for the commands. */
export { UsageError } from "./flags";
