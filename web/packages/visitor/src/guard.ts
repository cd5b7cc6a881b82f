/**
 * The tag runs on someone else's page: nothing it does may throw into that page. Every callback the
 * tag registers with the browser goes through `guard`, and failures are reported, not rethrown.
 */

export type ErrorReporter = (error: unknown, where: string) => void;

let reporter: ErrorReporter = () => {
  // Silent by default: the brand's console is not ours to fill.
};

export function setErrorReporter(next: ErrorReporter): void {
  reporter = next;
}

export function reportError(error: unknown, where: string): void {
  try {
    reporter(error, where);
  } catch {
    // A broken reporter must not break the page either.
  }
}

/** Wraps a callback so that it never throws; `where` names it in reports. */
export function guard<A extends unknown[]>(where: string, fn: (...args: A) => void): (...args: A) => void {
  return (...args: A): void => {
    try {
      fn(...args);
    } catch (error) {
      reportError(error, where);
    }
  };
}

/** Runs `fn` now, returning its result, or `fallback` when it throws. */
export function attempt<T>(where: string, fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (error) {
    reportError(error, where);
    return fallback;
  }
}
