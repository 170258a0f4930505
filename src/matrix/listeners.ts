/**
 * Listening to the hub's matrix-js-sdk client for a while: listeners attached together and detached
 * together, so that none is left behind on the long-lived client.
 */
import type { ClientEventHandlerMap, EmittedEvents, Listener, MatrixClient } from "matrix-js-sdk";

/** One listener of one client event (see {@link hear}). */
export interface ClientListener {
  on(client: MatrixClient): void;
  off(client: MatrixClient): void;
}

/** `listener` for `event`, typed by the SDK's handler map. */
export function hear<E extends EmittedEvents>(
  event: E,
  listener: Listener<EmittedEvents, ClientEventHandlerMap, E>,
): ClientListener {
  return {
    on: (client) => client.on(event, listener),
    off: (client) => client.off(event, listener),
  };
}

/** Attaches `listeners` to `client`; returns the function that detaches them all. */
export function attach(client: MatrixClient, listeners: readonly ClientListener[]): () => void {
  for (const l of listeners) l.on(client);
  return () => {
    for (const l of listeners) l.off(client);
  };
}
