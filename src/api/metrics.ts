/**
 * Prometheus metrics (prom-client, a registry per app): transfers by state, outbox depth (queued
 * transfers due), audit head sequence — read from the database at scrape time, so every instance
 * reports the shared truth — and the delivery latency histogram (creation → homeserver accepted
 * the sheet), fed at scrape time from transfers sent since the previous scrape.
 */
import { Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { readHead } from "../audit/index.ts";
import { outboxDepth, sentSince, transfersByState } from "../transfers/index.ts";
import type { ApiServices } from "./services.ts";

export class ApiMetrics {
  readonly registry = new Registry();
  readonly #services: ApiServices;
  readonly #latency: Histogram;
  #watermark = "";
  readonly #seenAtWatermark = new Set<string>();

  constructor(services: ApiServices) {
    this.#services = services;
    const knex = services.db.knex;
    collectDefaultMetrics({ register: this.registry, prefix: "passerelle_process_" });
    new Gauge({
      name: "passerelle_transfers",
      help: "Transfers by state",
      labelNames: ["state"],
      registers: [this.registry],
      async collect() {
        for (const [state, n] of Object.entries(await transfersByState(knex))) this.set({ state }, n);
      },
    });
    new Gauge({
      name: "passerelle_outbox_depth",
      help: "Transfers waiting in the outbox (queued)",
      registers: [this.registry],
      async collect() {
        this.set(await outboxDepth(knex));
      },
    });
    new Gauge({
      name: "passerelle_audit_head_seq",
      help: "Sequence number of the last audit entry",
      registers: [this.registry],
      async collect() {
        this.set((await readHead(knex)).seq);
      },
    });
    this.#latency = new Histogram({
      name: "passerelle_delivery_latency_seconds",
      help: "Time from transfer creation to the homeserver accepting its sheet event",
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      registers: [this.registry],
    });
  }

  /** Observes transfers sent since the last call (at most 10 000 per scrape). */
  async #observeSent(): Promise<void> {
    for (const r of await sentSince(this.#services.db.knex, this.#watermark, 10_000)) {
      if (r.sentAt === this.#watermark && this.#seenAtWatermark.has(r.id)) continue;
      if (r.sentAt !== this.#watermark) {
        this.#watermark = r.sentAt;
        this.#seenAtWatermark.clear();
      }
      this.#seenAtWatermark.add(r.id);
      const s = (new Date(r.sentAt).getTime() - new Date(r.createdAt).getTime()) / 1000;
      if (Number.isFinite(s) && s >= 0) this.#latency.observe(s);
    }
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    await this.#observeSent();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
