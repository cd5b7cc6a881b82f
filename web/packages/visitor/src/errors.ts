/** Why the tag gave up; `reason` is stable and shows up in `error` and `session-ended` events. */
export type TandemErrorReason =
  | "busy"
  | "network"
  | "invite-unavailable"
  | "invite-not-pending"
  | "accept-failed"
  | "session-not-ready"
  | "session-ended"
  | "config-unavailable"
  | "site-disabled"
  | "connection-failed"
  | "request-failed"
  | "request-expired";

export class TandemError extends Error {
  constructor(
    readonly reason: TandemErrorReason,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "TandemError";
  }
}
