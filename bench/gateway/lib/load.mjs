// The load generator: N sessions, each a raw visitor socket and a raw agent socket with real join tokens, each
// session sending 20 messages a second: 10 visitor `mutations` (200–500 bytes), 6 visitor `pointer` and 4 agent
// `pointer` (~60 bytes), plus, once every 30 s per session at a random phase, a binary `snapshot.chunk` of
// 50–200 KB from the visitor. Every message carries the moment it was sent (`bt`, ms on this process's clock;
// the gateway reads only `t`), so the receiving socket of the same process measures the relay latency.
// Open loop: a message is stamped and sent when it is due, whatever the gateway's backlog.
import { RawSocket } from "./ws.mjs";
import { agentProtocols, visitorProtocols, wsUrl } from "./tandem.mjs";

const PERIOD_MS = 50; // 20 messages/s per session
const CHUNK_EVERY_MS = 30_000;
const AGENT_SLOTS = new Set([3, 7, 13, 17]); // of every 20 messages: 10 mutations, 6 visitor pointers, 4 agent pointers

const FILLER = "x".repeat(600);

function mutationsFrame(seq, bt, size) {
  // Shaped like the tag's: a few adds, removes, attrs and texts.
  const head = `{"t":"mutations","seq":${seq},"snapshotId":1,"bt":${bt},"adds":[{"parentId":${40 + (seq % 50)},"nextId":null,`
    + `"node":{"id":${1000 + seq},"type":1,"tag":"li","attrs":{"class":"row"},"children":[{"id":${100000 + seq},"type":3,"text":"`;
  const tail = `"}]}}],"removes":[${900 + (seq % 40)}],"attrs":[{"id":${50 + (seq % 30)},"name":"class","value":"active"}],"texts":[{"id":77,"value":"12:0${seq % 10}"}]}`;
  const pad = Math.max(0, size - head.length - tail.length);
  return head + FILLER.slice(0, pad) + tail;
}

function chunkFrame(seq, bt, size) {
  const header = Buffer.from(`{"t":"snapshot.chunk","snapshotId":1,"seq":${seq},"part":${seq},"last":false,"enc":"identity"}`, "utf8");
  const frame = Buffer.alloc(2 + header.length + size);
  frame.writeUInt16BE(header.length, 0);
  header.copy(frame, 2);
  frame.writeDoubleBE(bt, 2 + header.length);
  return frame;
}

function stampOf(text) {
  const i = text.indexOf('"bt":');
  if (i < 0) return null;
  return parseFloat(text.slice(i + 5, i + 30));
}

function typeOf(text) {
  const m = /"t":"([^"]+)"/.exec(text);
  return m ? m[1] : null;
}

export class Load {
  sessions = [];
  recording = false;
  sending = false;
  lat = { mutations: [], pointerToAgent: [], pointerToVisitor: [], chunk: [] };
  sent = { mutations: 0, pointerToAgent: 0, pointerToVisitor: 0, chunk: 0 };
  received = { mutations: 0, pointerToAgent: 0, pointerToVisitor: 0, chunk: 0 };
  gateway = { hello: 0, peer: 0, resync: 0, ended: 0, other: 0 };
  unexpectedCloses = [];
  #timer = null;
  #ticks = 0;
  lateTicks = 0;

  #record(kind, bt) {
    this.received[kind] += 1;
    if (this.recording && bt !== null && bt >= this.recordFrom) this.lat[kind].push(performance.now() - bt);
  }

  /** Opens both sockets of a session (visitor on visitorBase, agent on agentBase) and waits for both hellos. */
  async open(session, { visitorBase, agentBase, visitorOrigin, agentOrigin }) {
    const s = { ...session, seq: 0, k: 0, next: 0, nextChunk: 0, helloV: false, helloA: false };
    const onGateway = (text, who) => {
      const t = typeOf(text);
      if (t === "hello") {
        this.gateway.hello += 1;
        if (who === "v") s.helloV = true; else s.helloA = true;
      } else if (t === "peer") this.gateway.peer += 1;
      else if (t === "resync") this.gateway.resync += 1;
      else if (t === "ended") this.gateway.ended += 1;
      else this.gateway.other += 1;
    };
    const closing = (who) => (code, reason) => {
      if (!s.closing) this.unexpectedCloses.push(`${who} of ${s.sessionId}: ${code} ${reason}`);
    };
    s.agent = await RawSocket.connect(wsUrl(agentBase, "/ws/agent"), {
      origin: agentOrigin,
      protocols: agentProtocols(s.agentToken, s.agentAccess),
      onMessage: (data, binary) => {
        if (binary) {
          this.#record("chunk", data.readDoubleBE(2 + data.readUInt16BE(0)));
          return;
        }
        const t = typeOf(data);
        if (t === "mutations") this.#record("mutations", stampOf(data));
        else if (t === "pointer") this.#record("pointerToAgent", stampOf(data));
        else onGateway(data, "a");
      },
      onClose: closing("agent"),
    });
    s.visitor = await RawSocket.connect(wsUrl(visitorBase, "/ws/visitor"), {
      origin: visitorOrigin,
      protocols: visitorProtocols(s.visitorToken),
      onMessage: (data, binary) => {
        if (binary) return;
        const t = typeOf(data);
        if (t === "pointer") this.#record("pointerToVisitor", stampOf(data));
        else onGateway(data, "v");
      },
      onClose: closing("visitor"),
    });
    const deadline = Date.now() + 30_000;
    while (!(s.helloV && s.helloA)) {
      if (Date.now() > deadline || s.visitor.closed || s.agent.closed) throw new Error(`no hello on both sides of ${s.sessionId}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    this.sessions.push(s);
    return s;
  }

  /** Starts sending (every session at 20 messages/s, phases spread evenly). */
  start({ chunks = true } = {}) {
    const now = performance.now();
    this.chunks = chunks;
    this.sessions.forEach((s, i) => {
      s.next = now + (i * PERIOD_MS) / this.sessions.length;
      s.nextChunk = now + Math.random() * CHUNK_EVERY_MS;
    });
    this.sending = true;
    let last = now;
    const tick = () => {
      if (!this.sending) return;
      const t = performance.now();
      if (t - last > 20) this.lateTicks += 1;
      last = t;
      this.#ticks += 1;
      for (const s of this.sessions) {
        while (s.next <= t) {
          this.#sendOne(s, s.next);
          s.next += PERIOD_MS;
        }
        if (this.chunks && s.nextChunk <= t) {
          const bt = performance.now();
          s.seq += 1;
          s.visitor.sendBinary(chunkFrame(s.seq, bt, 50_000 + Math.floor(Math.random() * 150_000)));
          this.sent.chunk += 1;
          s.nextChunk += CHUNK_EVERY_MS;
        }
      }
      this.#timer = setTimeout(tick, 5);
    };
    tick();
  }

  #sendOne(s) {
    const k = s.k % 20;
    s.k += 1;
    const bt = performance.now();
    if (k % 2 === 0) {
      s.seq += 1;
      s.visitor.sendText(mutationsFrame(s.seq, bt, 200 + Math.floor(Math.random() * 300)));
      this.sent.mutations += 1;
    } else if (AGENT_SLOTS.has(k)) {
      s.agent.sendText(`{"t":"pointer","x":${(s.k * 7) % 1280},"y":${(s.k * 3) % 800},"bt":${bt}}`);
      this.sent.pointerToVisitor += 1;
    } else {
      s.visitor.sendText(`{"t":"pointer","x":${(s.k * 5) % 1280},"y":${(s.k * 11) % 800},"bt":${bt}}`);
      this.sent.pointerToAgent += 1;
    }
  }

  stop() {
    this.sending = false;
    clearTimeout(this.#timer);
  }

  beginRecording() {
    for (const k of Object.keys(this.lat)) this.lat[k] = [];
    this.recordFrom = performance.now();
    this.recording = true;
  }

  endRecording() {
    this.recording = false;
  }

  /** Waits (up to `ms`) until everything sent has arrived; returns what is missing per kind. */
  async drain(ms, allowedMissing = {}) {
    const deadline = Date.now() + ms;
    for (;;) {
      const missing = {};
      for (const k of Object.keys(this.sent)) {
        const m = this.sent[k] - this.received[k];
        if (m > (allowedMissing[k] ?? 0)) missing[k] = m;
      }
      if (Object.keys(missing).length === 0 || Date.now() > deadline) return missing;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  closeAll() {
    for (const s of this.sessions) {
      s.closing = true;
      s.visitor.close();
      s.agent.close();
    }
  }
}
