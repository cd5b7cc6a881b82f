import type {
  InputMessage,
  MutationsMessage,
  PointerMessage,
  ScrollMessage,
  SnapshotChunkHeader,
  SnapshotMessage,
  ViewportMessage,
} from "@tandem/protocol";

type WithoutSeq<T> = T extends { seq: number } ? Omit<T, "seq"> : T;

/** A binary `snapshot.chunk` frame before the session stamps its `seq`. */
export interface ChunkFrame extends Omit<SnapshotChunkHeader, "seq"> {
  payload: Uint8Array;
}

/** What capture produces; the session stamps `seq` on the frames that carry page state. */
export type CaptureFrame =
  | WithoutSeq<SnapshotMessage | MutationsMessage | InputMessage | ScrollMessage | ViewportMessage | PointerMessage>
  | ChunkFrame;

export type FrameSink = (frame: CaptureFrame) => void;
