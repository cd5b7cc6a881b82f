// A minimal WebSocket client (RFC 6455) over node:net, for the gateway harnesses: Node 20 has no WebSocket
// client that can set `Origin` and offer subprotocols, and a dependency-free client keeps the load generator's
// own cost small and visible. Text and binary messages, fragmented frames, ping/pong and close; no extensions
// (the tag and viewer do not negotiate permessage-deflate either).
//
// Client frames must be masked; this client uses the all-zero masking key so that masking costs nothing in
// the generator (the key exists against cache poisoning by proxies, and there are none on loopback).
import net from "node:net";
import { randomBytes } from "node:crypto";

const ZERO_MASK = Buffer.alloc(4);

export class RawSocket {
  /**
   * @param {string} url ws://host:port/path
   * @param {{protocols?: string[], origin?: string, onMessage?: (data: string|Buffer, binary: boolean) => void,
   *          onClose?: (code: number, reason: string) => void}} options
   */
  static connect(url, options = {}) {
    return new Promise((resolve, reject) => {
      const u = new URL(url);
      const socket = net.connect({ host: u.hostname, port: Number(u.port || 80) });
      socket.setNoDelay(true);
      const key = randomBytes(16).toString("base64");
      let head = Buffer.alloc(0);
      let settled = false;
      const fail = (error) => {
        if (!settled) {
          settled = true;
          socket.destroy();
          reject(error);
        }
      };
      socket.setTimeout(30_000, () => fail(new Error(`${url}: no handshake within 30 s`)));
      socket.once("error", fail);
      socket.once("connect", () => {
        const lines = [
          `GET ${u.pathname}${u.search} HTTP/1.1`,
          `Host: ${u.host}`,
          "Upgrade: websocket",
          "Connection: Upgrade",
          `Sec-WebSocket-Key: ${key}`,
          "Sec-WebSocket-Version: 13",
        ];
        if (options.origin) lines.push(`Origin: ${options.origin}`);
        if (options.protocols?.length) lines.push(`Sec-WebSocket-Protocol: ${options.protocols.join(", ")}`);
        socket.write(lines.join("\r\n") + "\r\n\r\n");
      });
      const onHead = (chunk) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) {
          if (head.length > 65536) fail(new Error(`${url}: handshake answer too long`));
          return;
        }
        socket.off("data", onHead);
        const status = head.subarray(0, end).toString("latin1").split("\r\n")[0];
        if (!/^HTTP\/1\.1 101/.test(status)) {
          fail(new Error(`${url}: ${status}`));
          return;
        }
        settled = true;
        socket.setTimeout(0);
        socket.off("error", fail);
        const ws = new RawSocket(socket, options);
        resolve(ws);
        const rest = head.subarray(end + 4);
        if (rest.length > 0) ws.#feed(rest);
        socket.on("data", (d) => ws.#feed(d));
      };
      socket.on("data", onHead);
    });
  }

  #socket;
  #buffer = null;
  #fragments = [];
  #fragmentBinary = false;
  #options;
  closed = false;
  closeCode = null;

  constructor(socket, options) {
    this.#socket = socket;
    this.#options = options;
    socket.on("error", () => {});
    socket.on("close", () => this.#closed(this.closeCode ?? 1006, ""));
  }

  get bufferedAmount() {
    return this.#socket.writableLength;
  }

  sendText(text) {
    this.#send(0x1, Buffer.from(text, "utf8"));
  }

  sendBinary(buffer) {
    this.#send(0x2, buffer);
  }

  close(code = 1000) {
    if (this.closed) return;
    const body = Buffer.alloc(2);
    body.writeUInt16BE(code);
    this.#send(0x8, body);
    this.#socket.end();
  }

  destroy() {
    this.#socket.destroy();
  }

  #send(opcode, payload) {
    if (this.closed || this.#socket.destroyed) return;
    const length = payload.length;
    let header;
    if (length < 126) {
      header = Buffer.alloc(6);
      header[1] = 0x80 | length;
    } else if (length < 65536) {
      header = Buffer.alloc(8);
      header[1] = 0x80 | 126;
      header.writeUInt16BE(length, 2);
    } else {
      header = Buffer.alloc(14);
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    header[0] = 0x80 | opcode;
    ZERO_MASK.copy(header, header.length - 4);
    this.#socket.cork();
    this.#socket.write(header);
    this.#socket.write(payload);
    this.#socket.uncork();
  }

  #feed(chunk) {
    let buf = this.#buffer ? Buffer.concat([this.#buffer, chunk]) : chunk;
    let offset = 0;
    for (;;) {
      if (buf.length - offset < 2) break;
      const b0 = buf[offset];
      const b1 = buf[offset + 1];
      let length = b1 & 0x7f;
      let pos = offset + 2;
      if (length === 126) {
        if (buf.length - pos < 2) break;
        length = buf.readUInt16BE(pos);
        pos += 2;
      } else if (length === 127) {
        if (buf.length - pos < 8) break;
        length = Number(buf.readBigUInt64BE(pos));
        pos += 8;
      }
      const masked = (b1 & 0x80) !== 0;
      const maskAt = pos;
      if (masked) pos += 4;
      if (buf.length - pos < length) break;
      let payload = buf.subarray(pos, pos + length);
      if (masked) {
        payload = Buffer.from(payload);
        for (let i = 0; i < payload.length; i += 1) payload[i] ^= buf[maskAt + (i & 3)];
      }
      offset = pos + length;
      this.#frame(b0 & 0x80, b0 & 0x0f, payload);
    }
    this.#buffer = offset < buf.length ? Buffer.from(buf.subarray(offset)) : null;
  }

  #frame(fin, opcode, payload) {
    if (opcode === 0x8) {
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      this.closeCode = code;
      const reason = payload.length > 2 ? payload.subarray(2).toString("utf8") : "";
      if (!this.closed) {
        const body = Buffer.alloc(2);
        body.writeUInt16BE(code === 1005 ? 1000 : code);
        this.#send(0x8, body);
      }
      this.#socket.end();
      this.#closed(code, reason);
      return;
    }
    if (opcode === 0x9) {
      this.#send(0xa, Buffer.from(payload));
      return;
    }
    if (opcode === 0xa) return;
    if (opcode === 0x1 || opcode === 0x2) {
      this.#fragmentBinary = opcode === 0x2;
      if (fin) {
        this.#deliver(Buffer.from(payload), this.#fragmentBinary);
      } else {
        this.#fragments = [Buffer.from(payload)];
      }
      return;
    }
    if (opcode === 0x0) {
      this.#fragments.push(Buffer.from(payload));
      if (fin) {
        const whole = Buffer.concat(this.#fragments);
        this.#fragments = [];
        this.#deliver(whole, this.#fragmentBinary);
      }
    }
  }

  #deliver(data, binary) {
    this.#options.onMessage?.(binary ? data : data.toString("utf8"), binary);
  }

  #closed(code, reason) {
    if (this.closed) return;
    this.closed = true;
    this.closeCode = code;
    this.#options.onClose?.(code, reason);
  }
}
