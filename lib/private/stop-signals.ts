import { constants as osConstants } from "node:os";
import { Errors, UsageError } from "../errors";

/** The signals a synth stops cleanly on (staging removed, previous output kept: IO-056). */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** What a stoppable piece of work came to. */
export type StopOutcome<T> =
  /** It finished; `signalExit` is set when a signal came while it could no longer stop (the output was moving in). */
  | { readonly done: true; readonly value: T; readonly signalExit?: number }
  /** A signal stopped it at a safe point (IO-056); nothing was written. */
  | { readonly done: false; readonly error: UsageError; readonly signalExit: number };

/**
 * Runs `work` with SIGINT, SIGTERM and SIGHUP turned into an abort of the signal it is given,
 * which the work acts on at its next safe point. Node would otherwise die at once, possibly
 * in the middle of moving an output in. Shared by `backup-gov synth` and the cdktf app, so
 * that both stop the same way and report the shell's 128 + n.
 */
export async function withStopSignals<T>(work: (signal: AbortSignal) => Promise<T>): Promise<StopOutcome<T>> {
  const stop = new AbortController();
  let received: (typeof STOP_SIGNALS)[number] | undefined;
  const handlers = STOP_SIGNALS.map((sig) => {
    const h = () => {
      received ??= sig;
      stop.abort(Errors.interrupted(sig));
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  try {
    const value = await work(stop.signal);
    return received ? { done: true, value, signalExit: signalExit(received) } : { done: true, value };
  } catch (e) {
    if (!received || !(e instanceof UsageError && e.code === "IO-056")) throw e;
    return { done: false, error: e, signalExit: signalExit(received) };
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
  }
}

/** The shell's convention for a command a signal stopped: 128 + the signal's number. */
function signalExit(sig: (typeof STOP_SIGNALS)[number]): number {
  return 128 + osConstants.signals[sig];
}
