/**
 * Writes a snapshot without blocking the page: the DOM is walked in slices of a few milliseconds,
 * what the visitor sees goes first (subtrees outside the viewport are left for later), and a
 * large result leaves as compressed binary `snapshot.chunk` frames. A small page that is done in
 * one slice still goes as one `snapshot` text frame.
 *
 * The page may change between slices. Changes are held back by the mutation tracker until the
 * snapshot is complete; nodes inserted meanwhile are left out of the walk and reach the agent as
 * changes right after it, so nothing is sent twice or missed.
 */
import type { NodeId, SerializedElement, SerializedNode, SnapshotMessage } from "@tandem/protocol";
import { isElement, isTextArea } from "./dom.js";
import type { FrameSink } from "./frames.js";
import type { MutationTracker } from "./mutations.js";
import { childSources, serializeShallow, type SerializeContext } from "./serialize.js";

/** Work per slice; far below the 50 ms of a long task, leaving room for the page's own work. */
const SLICE_MS = 8;
/** Time is checked every this many nodes. */
const CHECK_EVERY = 32;
/**
 * The first slice always takes this many nodes, however slow the page is (a cold start): a small
 * page then always goes as one text frame.
 */
const FIRST_SLICE_NODES = 1_000;
/** A finished snapshot up to this size (UTF-16 units of JSON) goes as one text frame. */
const TEXT_FRAME_LIMIT = 64 * 1024;
/** Raw bytes per binary frame: compressed (or not), a frame stays far below the gateway's 1 MiB. */
const CHUNK_RAW_BYTES = 192 * 1024;
/** Subtrees this far outside the viewport are sent after the rest. */
const VIEWPORT_MARGIN = 64;
export const SLICE_MARK = "tandem:snapshot-slice";

type Wire = { id: NodeId; children: SerializedNode[] };

interface WalkFrame {
  node: Node;
  wire: Wire;
  /** What there was to visit below `node` when the walk got there, and how far it got. */
  queue: Node[];
  at: number;
  masked: boolean;
  /** Where children go in the current record; `null` after a record was closed. */
  out: SerializedNode[] | null;
  /** May children outside the viewport be left for later? */
  defer: boolean;
}

interface Deferred {
  node: Node;
  wire: Wire;
  masked: boolean;
}

export interface SnapshotJob {
  /** Resolves when the snapshot is out (or was abandoned). */
  done: Promise<void>;
  cancel(): void;
}

export interface SnapshotOptions {
  win: Window;
  doc: Document;
  ctx: SerializeContext;
  mutations: MutationTracker;
  snapshotId: number;
  emit: FrameSink;
  /** Called when every node was sent: textareas whose typed text must follow, scrolled containers. */
  onComplete: (extras: { textareas: Element[]; scrolled: Element[] }) => void;
}

/** Gives the browser a turn: a message-channel task, which background tabs do not throttle. */
function yieldTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Records one slice as a User Timing measure, so that slicing can be checked from outside. */
function measure(start: number): void {
  try {
    performance.measure(SLICE_MARK, { start, end: performance.now() });
  } catch {
    // Marks are a diagnostic; a page without the User Timing API loses nothing else.
  }
}

let deflateSupported: boolean | undefined;

function canDeflate(): boolean {
  if (deflateSupported === undefined) {
    try {
      new CompressionStream("deflate-raw");
      deflateSupported = typeof Response === "function";
    } catch {
      deflateSupported = false;
    }
  }
  return deflateSupported;
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new CompressionStream("deflate-raw");
  const writer = stream.writable.getWriter();
  void writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => undefined);
  void writer.close().catch(() => undefined);
  return new Uint8Array(await new Response(stream.readable).arrayBuffer());
}

/** What the compression worker runs: CompressionStream there, so zlib never takes the page's thread. */
const WORKER_SOURCE =
  'onmessage=async e=>{let o=null;try{const s=new CompressionStream("deflate-raw"),w=s.writable.getWriter();' +
  'w.write(e.data.b);w.close();o=new Uint8Array(await new Response(s.readable).arrayBuffer())}catch(_){}' +
  "postMessage({i:e.data.i,o},o?[o.buffer]:[])}";
/** How long a worker that never answered may take before compression goes back to the page's thread. */
const WORKER_PROOF_MS = 2_000;

/**
 * Compression off the main thread: a worker made from a Blob URL. Where the page's CSP (worker-src,
 * script-src, Trusted Types) or the browser does not allow one, or it fails or stays silent, every
 * part is compressed on the page's thread as before.
 */
class Deflater {
  private worker: Worker | null | undefined;
  private proven = false;
  private next = 0;
  private readonly waiting = new Map<number, { bytes: Uint8Array; resolve: (out: Promise<Uint8Array> | Uint8Array) => void }>();

  deflate(bytes: Uint8Array): Promise<Uint8Array> {
    const worker = this.start();
    if (worker === null) {
      return deflate(bytes);
    }
    return new Promise((resolve) => {
      this.next += 1;
      const id = this.next;
      this.waiting.set(id, { bytes, resolve });
      if (!this.proven) {
        setTimeout(() => {
          if (!this.proven && this.waiting.has(id)) {
            this.fail();
          }
        }, WORKER_PROOF_MS);
      }
      try {
        worker.postMessage({ i: id, b: bytes });
      } catch {
        this.fail();
      }
    });
  }

  private start(): Worker | null {
    if (this.worker === undefined) {
      this.worker = null;
      try {
        const worker = new Worker(URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" })));
        worker.onmessage = (event: MessageEvent<{ i: number; o: Uint8Array | null }>) => {
          const entry = this.waiting.get(event.data.i);
          if (entry !== undefined) {
            this.waiting.delete(event.data.i);
            this.proven ||= event.data.o !== null;
            entry.resolve(event.data.o ?? deflate(entry.bytes));
          }
        };
        worker.onerror = () => this.fail();
        this.worker = worker;
      } catch {
        // Not allowed here: the page's thread it is.
      }
    }
    return this.worker;
  }

  private fail(): void {
    this.worker?.terminate();
    this.worker = null;
    for (const entry of this.waiting.values()) {
      entry.resolve(deflate(entry.bytes));
    }
    this.waiting.clear();
  }
}

let deflater: Deflater | undefined;

/** Turns NDJSON records into numbered chunk frames, in order, compressing off the walk's path. */
class ChunkWriter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private part = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly encoder = new TextEncoder();
  private readonly enc: "deflate-raw" | "identity" = canDeflate() ? "deflate-raw" : "identity";

  constructor(
    private readonly snapshotId: number,
    private readonly emit: FrameSink,
    private readonly live: () => boolean,
  ) {}

  write(record: object): void {
    const bytes = this.encoder.encode(`${JSON.stringify(record)}\n`);
    // A record larger than a frame is cut; the viewer joins parts before it splits lines.
    for (let at = 0; at < bytes.length; ) {
      const room = CHUNK_RAW_BYTES - this.pendingBytes;
      const piece = bytes.subarray(at, at + room);
      this.pending.push(piece);
      this.pendingBytes += piece.length;
      at += piece.length;
      if (this.pendingBytes >= CHUNK_RAW_BYTES) {
        this.flush(false);
      }
    }
  }

  /** Sends what is pending as one frame (also when empty, to mark the last part). */
  flush(last: boolean): void {
    if (this.pendingBytes === 0 && !last) {
      return;
    }
    const raw = new Uint8Array(this.pendingBytes);
    let offset = 0;
    for (const piece of this.pending) {
      raw.set(piece, offset);
      offset += piece.length;
    }
    this.pending = [];
    this.pendingBytes = 0;
    const part = this.part;
    this.part += 1;
    const enc = this.enc;
    this.chain = this.chain.then(async () => {
      const payload = enc === "deflate-raw" ? await (deflater ??= new Deflater()).deflate(raw) : raw;
      if (this.live()) {
        this.emit({ t: "snapshot.chunk", snapshotId: String(this.snapshotId), part, last, enc, payload });
      }
    });
  }

  finish(): Promise<void> {
    this.flush(true);
    return this.chain;
  }
}

export function writeSnapshot(options: SnapshotOptions): SnapshotJob {
  let cancelled = false;
  const done = run(options, () => !cancelled).catch(() => {
    // An abandoned or failed snapshot: the caller starts a fresh one on the next resync.
  });
  return {
    done,
    cancel: () => {
      cancelled = true;
    },
  };
}

async function run(options: SnapshotOptions, live: () => boolean): Promise<void> {
  const { win, doc, ctx, mutations, snapshotId } = options;
  const vw = win.innerWidth;
  const vh = win.innerHeight;
  const textareas: Element[] = [];
  const scrolled: Element[] = [];
  const deferred: Deferred[] = [];
  let deferredAt = 0;
  const stack: WalkFrame[] = [];
  /** Records in order: the snapshot message first, then `snapshot.part`s. */
  const records: object[] = [];
  let appends: Array<{ id: NodeId; nodes: SerializedNode[] }> | null = null;
  /** Wire nodes that got children in a later record, for joining a small snapshot back into one tree. */
  const joined = new Map<NodeId, Wire>();
  let writer: ChunkWriter | null = null;
  let phaseOne = true;

  mutations.hold();
  const root = serializeShallow(doc, ctx, false);
  if (root === null) {
    return;
  }
  const message: Omit<SnapshotMessage, "seq"> = {
    t: "snapshot",
    snapshotId,
    url: win.location.href,
    title: doc.title,
    viewport: { w: vw, h: vh },
    scroll: { x: win.scrollX, y: win.scrollY },
    root: root.wire,
  };
  records.push(message);
  const rootWire = root.wire as Wire;
  stack.push({ node: doc, wire: rootWire, queue: childSources(doc), at: 0, masked: false, out: rootWire.children, defer: true });

  const outside = (el: Element): boolean => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) {
      return false;
    }
    return box.bottom < -VIEWPORT_MARGIN || box.top > vh + VIEWPORT_MARGIN || box.right < -VIEWPORT_MARGIN || box.left > vw + VIEWPORT_MARGIN;
  };

  const closeRecord = (): void => {
    for (const frame of stack) {
      frame.out = null;
    }
    appends = [];
    records.push({ t: "snapshot.part", appends });
    if (writer !== null) {
      flushRecords();
    }
  };

  /** Hands finished records to the writer (all but the open one). */
  let written = 0;
  const flushRecords = (): void => {
    const w = writer as ChunkWriter;
    while (written < records.length - 1) {
      const record = records[written] as { appends?: unknown[] };
      const first = written === 0;
      written += 1;
      if (record.appends !== undefined && record.appends.length === 0) {
        continue;
      }
      w.write(record);
      if (first) {
        // What the visitor sees goes out at once.
        w.flush(false);
      }
    }
  };

  const outFor = (frame: WalkFrame): SerializedNode[] => {
    if (frame.out === null) {
      const entry = { id: frame.wire.id, nodes: [] as SerializedNode[] };
      (appends as Array<{ id: NodeId; nodes: SerializedNode[] }>).push(entry);
      joined.set(frame.wire.id, frame.wire);
      frame.out = entry.nodes;
    }
    return frame.out;
  };

  let sliceStart = performance.now();
  let count = 0;
  let firstSlice = true;
  for (;;) {
    let frame = stack[stack.length - 1];
    if (frame === undefined) {
      const next = deferred[deferredAt];
      deferredAt += 1;
      if (phaseOne) {
        phaseOne = false;
        // The end of what the visitor sees: it leaves as its own record.
        closeRecord();
      }
      if (next === undefined) {
        break;
      }
      if (!next.node.isConnected || ctx.mirror.idOf(next.node) !== next.wire.id) {
        continue;
      }
      frame = { node: next.node, wire: next.wire, queue: childSources(next.node), at: 0, masked: next.masked, out: null, defer: false };
      stack.push(frame);
    }
    const child = frame.queue[frame.at];
    frame.at += 1;
    if (child === undefined) {
      stack.pop();
      continue;
    }
    // Moved away or inserted since the walk began: the changes after the snapshot carry it.
    if (!sameParent(child, frame.node) || ctx.mirror.has(child) || mutations.addedSinceHold(child)) {
      continue;
    }
    const shallow = serializeShallow(child, ctx, frame.masked);
    if (shallow === null) {
      continue;
    }
    outFor(frame).push(shallow.wire);
    if (isElement(child)) {
      if (isTextArea(child)) {
        textareas.push(child);
      }
      if (shallow.descend && child.firstElementChild !== null && (child.scrollTop !== 0 || child.scrollLeft !== 0)) {
        scrolled.push(child);
      }
    }
    if (shallow.descend) {
      const wire = shallow.wire as Wire;
      const isDoc = child.nodeType === 9;
      if (frame.defer && !isDoc && isElement(child) && child.firstChild !== null && outside(child)) {
        deferred.push({ node: child, wire, masked: shallow.masked });
      } else {
        stack.push({ node: child, wire, queue: childSources(child), at: 0, masked: shallow.masked, out: wire.children, defer: frame.defer && !isDoc });
      }
    }
    count += 1;
    if (count % CHECK_EVERY !== 0 || (firstSlice && count < FIRST_SLICE_NODES) || performance.now() - sliceStart < SLICE_MS || !mayCut(stack)) {
      continue;
    }
    // End of a slice.
    measure(sliceStart);
    if (firstSlice) {
      firstSlice = false;
      writer = new ChunkWriter(snapshotId, options.emit, live);
    }
    closeRecord();
    await yieldTask();
    if (!live()) {
      return;
    }
    mutations.collect();
    sliceStart = performance.now();
  }
  measure(sliceStart);

  if (writer === null) {
    // Done within one slice: one tree, and a text frame if it is small.
    for (const record of records.slice(1) as Array<{ appends: Array<{ id: NodeId; nodes: SerializedNode[] }> }>) {
      for (const entry of record.appends) {
        joined.get(entry.id)?.children.push(...entry.nodes);
      }
    }
    const text = JSON.stringify(message);
    if (text.length <= TEXT_FRAME_LIMIT) {
      options.emit(message);
      finish(options, textareas, scrolled);
      return;
    }
    writer = new ChunkWriter(snapshotId, options.emit, live);
    records.length = 1;
    records.push({ t: "snapshot.part", appends: [] });
  }
  flushRecords();
  const last = records[records.length - 1] as { appends?: unknown[] };
  if (last.appends === undefined || last.appends.length > 0) {
    writer.write(last);
  }
  await writer.finish();
  if (live()) {
    finish(options, textareas, scrolled);
  }
}

function finish(options: SnapshotOptions, textareas: Element[], scrolled: Element[]): void {
  options.onComplete({ textareas, scrolled });
}

/** A child taken from a parent's list is still below it (a shadow root or frame document counts). */
function sameParent(child: Node, parent: Node): boolean {
  if (child.parentNode === parent) {
    return true;
  }
  return (child.nodeType === 11 || child.nodeType === 9) && child.parentNode === null;
}

/**
 * A record may end anywhere except among a document's own children (the viewer builds `<html>`
 * with its document) and inside `<head>` (styles arrive with the content they style).
 */
function mayCut(stack: WalkFrame[]): boolean {
  const top = stack[stack.length - 1];
  if (top === undefined || top.node.nodeType === 9) {
    return false;
  }
  return !stack.some((frame) => isElement(frame.node) && frame.node.localName === "head");
}

export type { SerializedElement };
