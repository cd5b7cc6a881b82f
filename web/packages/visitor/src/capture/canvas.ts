/**
 * `<canvas>` content as bitmaps, where the site allows it (`capture.canvas` in its config, off by
 * default): each followed canvas at most once per tick (a second), and only when its picture
 * changed. Never a canvas that is masked, blocked or inside such an area; a tainted canvas (drawn
 * from another origin) is skipped silently. Large canvases are scaled down first, and a picture
 * still over the size cap is not sent.
 */
import type { CanvasBitmap } from "@tandem/protocol";
import type { SerializeContext } from "./serialize.js";

/** Pixels a bitmap may have at most; bigger canvases are scaled down to this. */
const MAX_PIXELS = 640 * 480;
/** Characters of a data: URL at most (a frame must stay far below the gateway's 1 MiB). */
export const MAX_BITMAP_CHARS = 256 * 1024;

export class CanvasWatcher {
  private canvases = new Set<HTMLCanvasElement>();
  private sent = new WeakMap<HTMLCanvasElement, string>();
  private readonly tainted = new WeakSet<HTMLCanvasElement>();
  private pending: CanvasBitmap[] = [];

  constructor(
    private readonly ctx: SerializeContext,
    private readonly changed: () => void,
  ) {}

  /** A canvas got serialised: watch it (its picture goes out with a later batch). */
  note(el: Element): void {
    this.canvases.add(el as HTMLCanvasElement);
  }

  /** A fresh snapshot: ids are new, so every picture is sent again. */
  reset(): void {
    this.canvases = new Set();
    this.sent = new WeakMap();
    this.pending = [];
  }

  /** Looks at every canvas once; changed pictures go out with the next `mutations` frame. */
  tick(): void {
    const { mirror, policy } = this.ctx;
    for (const canvas of this.canvases) {
      const id = mirror.idOf(canvas);
      if (id === undefined || !canvas.isConnected) {
        this.canvases.delete(canvas);
        continue;
      }
      if (this.tainted.has(canvas) || policy.isMasked(canvas) || policy.isInsideBlocked(canvas)) {
        continue;
      }
      const data = picture(canvas);
      if (data === null) {
        this.tainted.add(canvas);
        continue;
      }
      if (data === "" || this.sent.get(canvas) === data) {
        continue;
      }
      this.sent.set(canvas, data);
      this.pending.push({ id, data });
    }
    if (this.pending.length > 0) {
      this.changed();
    }
  }

  take(): CanvasBitmap[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}

/** The canvas as a WebP (or PNG) data: URL; `""` when empty or too big, `null` when tainted. */
function picture(canvas: HTMLCanvasElement): string | null {
  const { width, height } = canvas;
  if (width === 0 || height === 0) {
    return "";
  }
  try {
    let source: HTMLCanvasElement = canvas;
    const scale = Math.sqrt(MAX_PIXELS / (width * height));
    if (scale < 1) {
      source = canvas.ownerDocument.createElement("canvas");
      source.width = Math.max(1, Math.floor(width * scale));
      source.height = Math.max(1, Math.floor(height * scale));
      source.getContext("2d")?.drawImage(canvas, 0, 0, source.width, source.height);
    }
    const data = source.toDataURL("image/webp", 0.8);
    return data.length <= MAX_BITMAP_CHARS && /^data:image\/(webp|png);base64,/.test(data) ? data : "";
  } catch {
    // SecurityError: drawn from another origin. It stays tainted for good.
    return null;
  }
}
