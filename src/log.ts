/**
 * The Logger handed to the pipeline, so nothing below main.ts / cli.ts imports @actions/core.
 * `stage` marks the long steps (build, boot, checks): a collapsed group on a runner, a progress
 * line in a terminal. `secret` registers a value to be masked everywhere.
 */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  /** Runs fn inside a named stage (a collapsed group on the runner). */
  stage<T>(title: string, fn: () => Promise<T>): Promise<T>
  /** Registers a value that must never be printed. */
  secret(value: string): void
}

/** A logger that prints nothing (tests, and code that has no console). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warning: () => undefined,
  stage: (_title, fn) => fn(),
  secret: () => undefined,
}
