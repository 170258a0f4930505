/**
 * A synchronous notification with any number of listeners, that exists before any of them: the
 * kernel's "transfer queued" signal is emitted by whoever queues a transfer and heard by the outbox
 * worker once it runs. A failing listener does not stop the others nor the emitter.
 */
export class Signal<T> {
  readonly #listeners = new Set<(value: T) => void>();

  /** Adds a listener; the function returned removes it. */
  on(listener: (value: T) => void): () => void {
    const own = (value: T): void => {
      listener(value);
    };
    this.#listeners.add(own);
    return () => {
      this.#listeners.delete(own);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(value);
      } catch {
        // a listener's failure is its own; the transfer stays queued and the worker polls anyway
      }
    }
  }
}
