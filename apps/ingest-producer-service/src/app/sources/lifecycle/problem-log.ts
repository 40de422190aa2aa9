import type { PinoLogger } from 'nestjs-pino';
import { errorMessage, isTransientError } from '../source-errors';

export interface ProblemReport {
  /** Log fields naming the input (file, source, …); `error` is added. */
  fields: Record<string, unknown>;
  /** The log message for the problem, told whether it is an outage (transient) or a verdict. */
  message: (problem: string, transient: boolean) => string;
}

/**
 * The log of each input's lasting problem: one line when it starts (a warning for an outage, an
 * error otherwise), one when the input works again, nothing for the tries in between. An outage is
 * the same problem whatever its text says from one try to the next (how many rows Kafka took,
 * which server); a verdict is news whenever its text changes.
 */
export class ProblemLog {
  private readonly current = new Map<string, string>();

  constructor(private readonly logger: PinoLogger) {}

  /** Logs the problem of `input` unless it is the one already logged; true when logged. */
  report(input: string, error: unknown, report: ProblemReport): boolean {
    const problem = errorMessage(error);
    const transient = isTransientError(error);
    const key = transient ? `outage:${error instanceof Error ? error.name : 'unknown'}` : `verdict:${problem}`;
    if (this.current.get(input) === key) return false;
    this.current.set(input, key);
    this.logger[transient ? 'warn' : 'error']({ ...report.fields, error: problem }, report.message(problem, transient));
    return true;
  }

  /** `input` works again: one line if a problem of it was logged. */
  recovered(input: string, fields: Record<string, unknown>, message: string): void {
    if (this.current.delete(input)) this.logger.info(fields, message);
  }

  /** `input` is gone (moved, removed): its problem is no longer news either way. */
  forget(input: string): void {
    this.current.delete(input);
  }

  has(input: string): boolean {
    return this.current.has(input);
  }
}
