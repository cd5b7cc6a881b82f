import { reportError } from "./guard.js";

type Listener<T> = (detail: T) => void;

/** A tiny typed event emitter; a throwing listener is reported and never stops the others. */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  emit<K extends keyof Events>(event: K, detail: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) {
      return;
    }
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(detail);
      } catch (error) {
        reportError(error, `listener for ${String(event)}`);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
