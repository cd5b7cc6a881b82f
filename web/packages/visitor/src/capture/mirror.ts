import type { NodeId } from "@tandem/protocol";
import { childSources } from "./serialize.js";

/** The ids of the nodes sent in one snapshot, and the nodes behind them. */
export class Mirror {
  private ids = new WeakMap<Node, NodeId>();
  private readonly nodes = new Map<NodeId, Node>();
  private nextId: NodeId = 1;

  /** The id the next new node will get; every id handed out later is at least this. */
  get watermark(): NodeId {
    return this.nextId;
  }

  add(node: Node): NodeId {
    const id = this.nextId;
    this.nextId += 1;
    this.ids.set(node, id);
    this.nodes.set(id, node);
    return id;
  }

  idOf(node: Node | null): NodeId | undefined {
    return node === null ? undefined : this.ids.get(node);
  }

  has(node: Node): boolean {
    return this.ids.has(node);
  }

  nodeOf(id: NodeId): Node | undefined {
    return this.nodes.get(id);
  }

  /** Forgets a node and everything below it as it is in the DOM now. */
  forget(node: Node): void {
    const stack: Node[] = [node];
    while (stack.length > 0) {
      const current = stack.pop() as Node;
      const id = this.ids.get(current);
      if (id !== undefined) {
        this.ids.delete(current);
        this.nodes.delete(id);
      }
      // Shadow roots and frame documents too.
      stack.push(...childSources(current));
    }
  }

  clear(): void {
    this.ids = new WeakMap();
    this.nodes.clear();
  }
}
