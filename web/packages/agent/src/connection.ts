/** The agent's WebSocket to the relay gateway; frames in and out, nothing about pages. */
import type { AgentMessage } from "@tandem/protocol";
import { decodeBinaryFrame } from "./binary.js";

const SUBPROTOCOL = "tandem.v1";
const TOKEN_PREFIX = "tandem.token.";
/** The agent's OIDC access token, the way Quarkus turns a subprotocol into an Authorization header. */
const BEARER_PREFIX = "quarkus-http-upgrade#Authorization#Bearer%20";

export type Frame = Record<string, unknown> & { t: string };

export interface ConnectionHandlers {
  open(): void;
  frame(frame: Frame): void;
  close(code: number, reason: string): void;
}

export class AgentConnection {
  private socket: WebSocket | null = null;
  private closed = false;

  constructor(
    url: string,
    token: string,
    private readonly handlers: ConnectionHandlers,
    accessToken?: string,
  ) {
    const protocols = [SUBPROTOCOL, TOKEN_PREFIX + token];
    if (typeof accessToken === "string" && accessToken !== "") {
      protocols.push(BEARER_PREFIX + accessToken);
    }
    const socket = new WebSocket(url, protocols);
    this.socket = socket;
    socket.onopen = () => {
      if (socket.protocol !== SUBPROTOCOL) {
        this.close();
        this.handlers.close(1002, "unexpected subprotocol");
        return;
      }
      this.handlers.open();
    };
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event: MessageEvent) => {
      if (event.data instanceof ArrayBuffer) {
        const binary = decodeBinaryFrame(event.data);
        if (binary !== null) {
          this.handlers.frame(binary);
        }
        return;
      }
      if (typeof event.data !== "string") {
        return;
      }
      let parsed: unknown;
      try {
        // JSON parse boundary: every field is checked where it is used.
        parsed = JSON.parse(event.data) as unknown;
      } catch {
        return;
      }
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) && typeof (parsed as Frame).t === "string") {
        this.handlers.frame(parsed as Frame);
      }
    };
    socket.onclose = (event: CloseEvent) => {
      this.socket = null;
      if (!this.closed) {
        this.closed = true;
        this.handlers.close(event.code, event.reason);
      }
    };
  }

  send(message: AgentMessage): void {
    if (this.socket !== null && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }

  /** Closes without reporting it: the caller is the one ending things. */
  close(): void {
    this.closed = true;
    const socket = this.socket;
    this.socket = null;
    if (socket !== null && socket.readyState < WebSocket.CLOSING) {
      socket.close(1000);
    }
  }
}
