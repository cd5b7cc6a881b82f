import type {
  InputMessage,
  MutationsMessage,
  PointerMessage,
  ScrollMessage,
  SnapshotMessage,
  ViewportMessage,
} from "@tandem/protocol";

type WithoutSeq<T> = T extends { seq: number } ? Omit<T, "seq"> : T;

/** What capture produces; the session stamps `seq` on the frames that carry page state. */
export type CaptureFrame = WithoutSeq<
  SnapshotMessage | MutationsMessage | InputMessage | ScrollMessage | ViewportMessage | PointerMessage
>;

export type FrameSink = (frame: CaptureFrame) => void;
