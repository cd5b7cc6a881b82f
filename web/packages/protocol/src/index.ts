/**
 * Tandem wire protocol: the shapes of every message and REST body in docs/protocol.md.
 * Types only: this package emits no code.
 */

// ---------------------------------------------------------------------------
// Shared vocabulary
// ---------------------------------------------------------------------------

export type Role = "visitor" | "agent";

export type SessionMode = "VIEW_ONLY" | "SHARED";

/** Invite states the tag knows how to act on; the service may add more later. */
export type InviteState = "PENDING" | "ACCEPTED" | "DECLINED" | "EXPIRED" | (string & {});

/** Session states reported to agents; the service may add more later. */
export type SessionState = "CREATED" | "ACTIVE" | "ENDED" | (string & {});

/** An ISO-8601 instant, as sent by the Java services. */
export type Instant = string;

/** Node id inside one snapshot: a positive integer, stable for the life of the node. */
export type NodeId = number;

// ---------------------------------------------------------------------------
// Serialised DOM
// ---------------------------------------------------------------------------

export interface SerializedDocument {
  id: NodeId;
  type: 9;
  children: SerializedNode[];
  /** CSS text of the document's `adoptedStyleSheets`, in order. */
  adopted?: string[];
}

export interface SerializedDoctype {
  id: NodeId;
  type: 10;
  name: string;
}

export type ElementNamespace = "svg" | "math";

export interface SerializedElement {
  id: NodeId;
  type: 1;
  /** Lower-case for HTML elements; as written for SVG and MathML. */
  tag: string;
  attrs: Record<string, string>;
  children: SerializedNode[];
  ns?: ElementNamespace;
  /**
   * For `<style>` elements whose rules were changed through the CSSOM (`insertRule`, ...): the
   * sheet's current CSS text, which replaces the element's text on the agent's side.
   */
  css?: string;
}

export interface SerializedText {
  id: NodeId;
  type: 3;
  text: string;
}

export interface SerializedComment {
  id: NodeId;
  type: 8;
  text: string;
}

/**
 * An open shadow root: always the first child of its host element in `children`. Its id is a
 * valid `parentId` for adds; nodes are never inserted before it.
 */
export interface SerializedShadowRoot {
  id: NodeId;
  type: 11;
  children: SerializedNode[];
  /** CSS text of the root's `adoptedStyleSheets`, in order. */
  adopted?: string[];
}

/** The `Node` of docs/protocol.md (renamed so it does not shadow the DOM's `Node`). */
export type SerializedNode =
  | SerializedDocument
  | SerializedShadowRoot
  | SerializedDoctype
  | SerializedElement
  | SerializedText
  | SerializedComment;

// ---------------------------------------------------------------------------
// Visitor -> agent (relayed)
// ---------------------------------------------------------------------------

export interface Size {
  w: number;
  h: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface SnapshotMessage {
  t: "snapshot";
  seq: number;
  snapshotId: number;
  url: string;
  title: string;
  viewport: Size;
  scroll: Point;
  root: SerializedNode;
}

export interface MutationAdd {
  parentId: NodeId;
  nextId: NodeId | null;
  node: SerializedNode;
}

export interface AttributeChange {
  id: NodeId;
  name: string;
  /** `null` when the attribute was removed. */
  value: string | null;
}

export interface TextChange {
  id: NodeId;
  value: string;
}

/**
 * Applied in this order: removes, then adds (in array order), then attrs, then texts.
 */
export interface MutationsMessage {
  t: "mutations";
  seq: number;
  snapshotId: number;
  adds: MutationAdd[];
  removes: NodeId[];
  attrs: AttributeChange[];
  texts: TextChange[];
  /** `<style>` elements whose CSSOM changed: their whole CSS text now. Applied after texts. */
  sheets?: StyleSheetChange[];
  /** Documents and shadow roots whose `adoptedStyleSheets` (or those sheets' rules) changed. */
  adopted?: AdoptedChange[];
  /**
   * The visitor's `:hover` chain (deepest hovered element, 0 for none) and focused element (0 for
   * none), sent when they change. The viewer shows them with `data-tandem-hover` and
   * `data-tandem-focus` attributes that its rewritten CSS matches.
   */
  hover?: NodeId;
  focus?: NodeId;
  /** `<canvas>` pictures that changed (only where the site's `capture.canvas` allows it). */
  canvas?: CanvasBitmap[];
}

/** A canvas's picture: a `data:image/webp` or `data:image/png` base64 URL, at most 256 KiB. */
export interface CanvasBitmap {
  id: NodeId;
  data: string;
}

export interface StyleSheetChange {
  id: NodeId;
  css: string;
}

export interface AdoptedChange {
  /** A document or shadow root. */
  id: NodeId;
  sheets: string[];
}

/**
 * Binary `snapshot.chunk` frames carry a snapshot too large for one text frame (docs/engine.md).
 * Frame: uint16 big-endian header length, the UTF-8 JSON header, then the payload. The payloads of
 * parts 0..n, each inflated on its own, concatenate to UTF-8 NDJSON: first a `SnapshotMessage`
 * without `seq` (what the visitor sees first: off-screen subtrees left for later), then
 * `SnapshotPartRecord`s.
 */
export interface SnapshotChunkHeader {
  t: "snapshot.chunk";
  /** The snapshot's `snapshotId`, as a string. */
  snapshotId: string;
  seq: number;
  /** 0, 1, 2, ... within one snapshot. */
  part: number;
  last: boolean;
  enc: "deflate-raw" | "identity";
}

/** Appends children to nodes already sent: always at the end of the parent's children. */
export interface SnapshotPartRecord {
  t: "snapshot.part";
  appends: Array<{ id: NodeId; nodes: SerializedNode[] }>;
}

export interface InputMessage {
  t: "input";
  seq: number;
  id: NodeId;
  /** For masked fields a fixed placeholder, never the value or its length. */
  value?: string;
  checked?: boolean;
}

export interface ScrollMessage {
  t: "scroll";
  seq: number;
  /** 0 is the window. */
  id: NodeId;
  x: number;
  y: number;
}

export interface ViewportMessage {
  t: "viewport";
  seq: number;
  w: number;
  h: number;
}

/**
 * CSS px in the sender's viewport. Sent both ways. Optionally anchored to the element under it: `id`
 * plus `fx`, `fy`, the point's place within the element's box as fractions (0..1), so that it lands
 * on the same element whatever the two screens' sizes. The agent adds its display `name` (a label,
 * shown as text, at most 40 characters).
 */
export interface PointerMessage {
  t: "pointer";
  x: number;
  y: number;
  id?: NodeId;
  fx?: number;
  fy?: number;
  name?: string;
}

/** The sender ended the session (the visitor pressed X, or the agent pressed End). */
export interface EndMessage {
  t: "end";
}

/**
 * The tag did not carry out an agent's control message: `action` is its `t`, `reason` one of
 * `view-only`, `submit`, `secret-field`, `file-input`, `no-agent-control`, `unsafe-url`, `other-origin`,
 * `new-window`, `disabled`, `unsupported`, `not-found`.
 */
export interface RefusedMessage {
  t: "refused";
  action: string;
  id?: NodeId;
  reason: string;
}

/**
 * The page the visitor is on, for the audit trail (PageVisited): only scheme, host, port and path,
 * never the query string or fragment (they can hold personal data). Read by the gateway, not relayed.
 */
export interface PageMessage {
  t: "page";
  url: string;
}

/**
 * A text range by node ids of the current snapshot, with offsets as in a DOM Range: characters in a
 * text node, a child index in an element.
 */
export interface SelectionRange {
  startId: NodeId;
  startOffset: number;
  endId: NodeId;
  endOffset: number;
}

/**
 * Text selected on one side, shown on the other (both modes, both directions); `ranges: []` clears it.
 * A selection that touches a masked or blocked node (or text the detectors scrubbed) is never sent:
 * the sender sends `ranges: []` instead, and the receiver ignores such a range too.
 */
export interface SelectionMessage {
  t: "selection";
  ranges: SelectionRange[];
}

/**
 * The visitor switched away from the session's tab (`away: true`, the page is hidden) or came back
 * (`away: false`). Sent when it changes, and `away: true` again on a new socket or when the agent
 * (re)joins while the page is hidden. Never carries page content.
 */
export interface AwayMessage {
  t: "away";
  away: boolean;
}

/**
 * Whether the agent follows the visitor across the site's tabs (`on`), answered to the agent's
 * `follow-request` once the visitor has said yes or no, sent again when the visitor stops it from the
 * session frame and to an agent who (re)joins while it is on. Never carries page content.
 */
export interface FollowMessage {
  t: "follow";
  on: boolean;
}

/** The tag's answer to the viewer's `ping`, at once, with the same `n`. */
export interface PongMessage {
  t: "pong";
  n: number;
}

export type VisitorMessage =
  | AwayMessage
  | FollowMessage
  | PongMessage
  | PageMessage
  | RefusedMessage
  | SelectionMessage
  | SnapshotMessage
  | MutationsMessage
  | InputMessage
  | ScrollMessage
  | ViewportMessage
  | PointerMessage
  | EndMessage;

// ---------------------------------------------------------------------------
// Agent -> visitor (relayed)
// ---------------------------------------------------------------------------

export interface HighlightMessage {
  t: "highlight";
  x: number;
  y: number;
  id?: NodeId;
  wiggle?: boolean;
}

export interface ResyncMessage {
  t: "resync";
}

/**
 * Shared-mode control (the gateway drops them in VIEW_ONLY, the tag ignores them there too). Every
 * action names a node of the current snapshot, never a screen point.
 */
export interface ClickMessage {
  t: "click";
  id: NodeId;
}

/** Inserts `text` at the field's caret (replacing its selection), as if typed. */
export interface TypeMessage {
  t: "type";
  id: NodeId;
  text: string;
}

/** A key without text: `Backspace`, `Delete`, `Enter` (a new line in a textarea; refused elsewhere), `Escape`. */
export interface KeyMessage {
  t: "key";
  id: NodeId;
  key: string;
}

/** Chooses the option at `index` of a `<select>`. */
export interface SelectMessage {
  t: "select";
  id: NodeId;
  index: number;
}

export interface CheckMessage {
  t: "check";
  id: NodeId;
  checked: boolean;
}

/** Scrolls the window (`id` 0) or an element to `x, y`. */
export interface ScrollToMessage {
  t: "scroll-to";
  id: NodeId;
  x: number;
  y: number;
}

/** `go` to a same-origin http(s) `url` (resolved against the visitor's page), `back`, or `reload`. */
export interface NavigateMessage {
  t: "navigate";
  action: "go" | "back" | "reload";
  url?: string;
}

export type ControlMessage =
  | ClickMessage
  | TypeMessage
  | KeyMessage
  | SelectMessage
  | CheckMessage
  | ScrollToMessage
  | NavigateMessage;

/**
 * The agent's pen or laser (both modes): points `[x, y, x, y, …]` in CSS px of the visitor's page
 * (document coordinates, so the stroke scrolls with the page), appended to stroke `id` (new ids start a
 * stroke). Laser strokes fade a moment after their last point; pen strokes stay until `erase`.
 */
export interface DrawMessage {
  t: "draw";
  id: number;
  points: number[];
  laser?: boolean;
}

/** Removes every pen stroke of the agent from the visitor's page. */
export interface EraseMessage {
  t: "erase";
}

/**
 * The agent asks to follow the visitor to whichever tab of the site is active (both modes). The tag asks
 * the visitor and answers `follow {on}`; nothing moves without the visitor's yes.
 */
export interface FollowRequestMessage {
  t: "follow-request";
}

/**
 * The viewer's latency probe (every 15 s, and when the visitor's page comes back): `n` is a counter of
 * the viewer's; the tag answers `pong {n}`. Relayed in both modes; never page content.
 */
export interface PingMessage {
  t: "ping";
  n: number;
}

export type AgentMessage =
  | PingMessage
  | FollowRequestMessage
  | PointerMessage
  | HighlightMessage
  | SelectionMessage
  | DrawMessage
  | EraseMessage
  | ResyncMessage
  | EndMessage
  | ControlMessage;

// ---------------------------------------------------------------------------
// Gateway -> client
// ---------------------------------------------------------------------------

export interface HelloMessage {
  t: "hello";
  role: Role;
  sessionId: string;
  mode: SessionMode;
  peerConnected: boolean;
}

export interface PeerMessage {
  t: "peer";
  role: Role;
  connected: boolean;
}

export interface EndedMessage {
  t: "ended";
  reason: string;
}

/** The session's mode changed (sent to every side; enforcement changed at the same moment). */
export interface ModeMessage {
  t: "mode";
  mode: SessionMode;
}

export type GatewayMessage = HelloMessage | PeerMessage | EndedMessage | ModeMessage;

/** What the visitor's tag can receive. */
export type ToVisitorMessage = AgentMessage | GatewayMessage;

/** What the agent's viewer can receive. */
export type ToAgentMessage = VisitorMessage | GatewayMessage;

/**
 * WebSocket close codes: 1000 session ended, 1001 gateway going away, 1003 message type not
 * allowed, 1007 malformed message, 1008 policy (rate, origin, token), 1009 message too big.
 * Subprotocols offered: `"tandem.v1"` and `"tandem.token." + joinToken`; the gateway answers `tandem.v1`.
 */
export type CloseCode = 1000 | 1001 | 1003 | 1007 | 1008 | 1009;

// ---------------------------------------------------------------------------
// REST: errors
// ---------------------------------------------------------------------------

export interface ProblemFieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details; `type` is `https://tandem.dev/problems/<name>`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: ProblemFieldError[];
}

/** The visitor's invite credential travels in the `Tandem-Invite-Credential` header. */
export type InviteCredentialHeader = "Tandem-Invite-Credential";

// ---------------------------------------------------------------------------
// REST: invite-service
// ---------------------------------------------------------------------------

export interface CreateInviteRequest {
  agentId: string;
  chatId: string;
  siteId: string;
  mode: SessionMode;
  message?: string;
}

/** Invite as seen by the chat platform; `visitor.credential` only in the 201 answer. */
export interface Invite {
  id: string;
  agentId: string;
  chatId: string;
  siteId: string;
  mode: SessionMode;
  message?: string | null;
  state: InviteState;
  expiresAt: Instant;
  visitor?: { credential: string };
}

/** Answer of `GET /api/visitor/invite` and of accept/decline. */
export interface VisitorInviteView {
  id: string;
  state: InviteState;
  mode: SessionMode;
  message: string | null;
  expiresAt: Instant;
}

/** Answer of `POST /api/mode-requests` and `GET /api/visitor/mode-request`. */
export interface ModeRequestView {
  id: string;
  state: string;
  mode: SessionMode;
  expiresAt: Instant;
}

// ---------------------------------------------------------------------------
// REST: session-service
// ---------------------------------------------------------------------------

/** Answer of `POST /api/visitor/session-token` and `POST /api/sessions/{id}/join-token`. */
export interface JoinTokenGrant {
  sessionId: string;
  code: string;
  mode: SessionMode;
  siteId: string;
  joinToken: string;
  expiresAt: Instant;
}

/** Answer of `GET /api/agents/me/session`. */
export interface AgentSession {
  sessionId: string;
  code: string;
  state: SessionState;
  mode: SessionMode;
  siteId: string;
  chatId: string;
  createdAt: Instant;
}

// ---------------------------------------------------------------------------
// REST: masking-config-service
// ---------------------------------------------------------------------------

export type RuleKind = "MASK" | "BLOCK" | "NO_AGENT_CONTROL";

export interface SiteRule {
  kind: RuleKind;
  /** A CSS selector; one the browser cannot parse is skipped. */
  selector: string;
  builtIn?: boolean;
}

export interface Appearance {
  borderColor: string;
  highlightColor: string;
  matchViewport: boolean;
}

export interface Detectors {
  cardNumbers: boolean;
  usSsn: boolean;
}

/** What the tag captures beyond the DOM where the site allows it (masking-config-service, off by default). */
export interface Capture {
  /** Pictures of `<canvas>` elements (never masked, blocked or tainted ones). */
  canvas: boolean;
}

/** Answer of `GET /api/sites/{siteId}/config`. */
export interface SiteConfig {
  siteId: string;
  version: number;
  enabled: boolean;
  allowedOrigins: string[];
  rules: SiteRule[];
  appearance: Appearance;
  /** Modes allowed per agent group. */
  modes: Record<string, SessionMode[]>;
  detectors: Detectors;
  /** What the tag may capture beyond the DOM; absent means all off. */
  capture?: Capture;
}
