/**
 * The durable outbox: claims due transfers and re-sends with a lease (PostgreSQL `for update
 * skip locked`, sqlite one conditional update; every write fenced by the lease token), keeps the
 * sheets of a room in queue order, builds each message (caption and file name of an `m.file`,
 * rich replies, Matrix client-server API §11.19), sends idempotently through the
 * `SheetTransport` (transaction ids derived from the transfer) and records `sent`, a retry with
 * backoff, or `failed`.
 */
export { sheetRole } from "./caption.ts";
export { WORKER_ACTOR, reasonOf } from "./outcome.ts";
export { OutboxWorker } from "./worker.ts";
