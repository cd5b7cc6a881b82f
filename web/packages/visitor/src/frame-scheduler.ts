import { guard } from "./guard.js";

/** Longest wait for a frame: background tabs get no animation frames at all. */
const FALLBACK_MS = 250;

/**
 * Runs a task once per animation frame however often it is requested in between. A timer backs up
 * the frame so that work still flows when the tab is hidden.
 */
export class FrameScheduler {
  private frameHandle: number | null = null;
  private timerHandle: ReturnType<typeof setTimeout> | null = null;
  private readonly run: () => void;

  constructor(where: string, task: () => void) {
    this.run = guard(where, () => {
      this.cancel();
      task();
    });
  }

  request(): void {
    if (this.frameHandle !== null || this.timerHandle !== null) {
      return;
    }
    if (typeof requestAnimationFrame === "function") {
      this.frameHandle = requestAnimationFrame(this.run);
    }
    this.timerHandle = setTimeout(this.run, FALLBACK_MS);
  }

  cancel(): void {
    if (this.frameHandle !== null) {
      cancelAnimationFrame(this.frameHandle);
      this.frameHandle = null;
    }
    if (this.timerHandle !== null) {
      clearTimeout(this.timerHandle);
      this.timerHandle = null;
    }
  }
}
