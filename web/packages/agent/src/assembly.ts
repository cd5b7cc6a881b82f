/**
 * Puts a chunked snapshot back together: parts arrive in order, each is inflated on its own, and
 * the text they make is NDJSON whose records are handed on as soon as each line is complete, so
 * that what the visitor sees is rebuilt before the rest of the page has arrived.
 */
type Json = Record<string, unknown>;

/** Inflated bytes one snapshot may take at most; a forged stream cannot exhaust the console. */
const MAX_BYTES = 128 * 1024 * 1024;
const MAX_PARTS = 4_096;

export interface AssemblyHandlers {
  record(record: Json, first: boolean): void;
  done(): void;
  fail(reason: string): void;
}

async function inflate(payload: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([payload as BlobPart]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export class SnapshotAssembly {
  private nextPart = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private buffer = "";
  private bytes = 0;
  private records = 0;
  private over = false;

  constructor(
    readonly snapshotId: string,
    private readonly handlers: AssemblyHandlers,
  ) {}

  /** Whether the assembly still waits for parts. */
  get active(): boolean {
    return !this.over;
  }

  /**
   * Whether records have been handed on: the first one replaces the view, so from then on the screen
   * shows this snapshot, complete only once {@link AssemblyHandlers.done} has been called.
   */
  get begun(): boolean {
    return this.records > 0;
  }

  push(part: unknown, last: unknown, enc: unknown, payload: Uint8Array): void {
    if (this.over) {
      return;
    }
    if (part !== this.nextPart || typeof last !== "boolean" || (enc !== "deflate-raw" && enc !== "identity") || part >= MAX_PARTS) {
      this.fail("bad part");
      return;
    }
    this.nextPart += 1;
    if (last) {
      this.over = true;
    }
    const copy = payload.slice();
    this.chain = this.chain
      .then(async () => {
        const bytes = enc === "identity" ? copy : await inflate(copy);
        this.bytes += bytes.length;
        if (this.bytes > MAX_BYTES) {
          throw new Error("snapshot too large");
        }
        this.buffer += this.decoder.decode(bytes, { stream: !last });
        this.drain(last);
        if (last && !this.cancelled) {
          if (this.records === 0) {
            throw new Error("empty snapshot");
          }
          this.handlers.done();
        }
      })
      .catch((error: unknown) => this.fail(error instanceof Error ? error.message : "bad snapshot"));
  }

  private cancelled = false;

  cancel(): void {
    this.over = true;
    this.cancelled = true;
  }

  private drain(last: boolean): void {
    let newline = this.buffer.indexOf("\n");
    while (newline >= 0 && !this.cancelled) {
      this.handle(this.buffer.slice(0, newline));
      this.buffer = this.buffer.slice(newline + 1);
      newline = this.buffer.indexOf("\n");
    }
    if (last && this.buffer.trim() !== "" && !this.cancelled) {
      this.handle(this.buffer);
      this.buffer = "";
    }
  }

  private handle(line: string): void {
    if (line.trim() === "") {
      return;
    }
    // JSON parse boundary: the replica checks every field it reads.
    const record = JSON.parse(line) as unknown;
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      throw new Error("bad record");
    }
    const first = this.records === 0;
    this.records += 1;
    this.handlers.record(record as Json, first);
  }

  private fail(reason: string): void {
    if (this.cancelled) {
      return;
    }
    this.over = true;
    this.cancelled = true;
    this.handlers.fail(reason);
  }
}
