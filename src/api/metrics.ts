/**
 * Prometheus metrics (prom-client, a registry per app): transfers by state, outbox depth (queued
 * transfers due), audit head sequence — read from the database at scrape time, so every instance
 * reports the shared truth — and the delivery latency histogram (creation → homeserver accepted
 * the sheet), fed at scrape time from transfers sent since the previous scrape.
 */
import { Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { readHead } from "../audit/index.ts";
import { TRANSFER_STATES } from "../transfers/index.ts";
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
        const raw: unknown = await knex("transfers").select("state").count({ n: "*" }).groupBy("state");
        const rows = raw as { state: string; n: number | string }[];
        for (const s of TRANSFER_STATES)
          this.set({ state: s }, Number(rows.find((r) => r.state === s)?.n ?? 0));
      },
    });
    new Gauge({
      name: "passerelle_outbox_depth",
      help: "Transfers waiting in the outbox (queued)",
      registers: [this.registry],
      async collect() {
        const r = await knex("transfers").where("state", "queued").count({ n: "*" }).first();
        this.set(Number(r?.n ?? 0));
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
    const rows = (await this.#services.db
      .knex("transfers")
      .select("id", "created_at", "sent_at")
      .whereNotNull("sent_at")
      .andWhere("sent_at", ">=", this.#watermark)
      .orderBy("sent_at")
      .limit(10_000)) as { id: string; created_at: string; sent_at: string }[];
    for (const r of rows) {
      if (r.sent_at === this.#watermark && this.#seenAtWatermark.has(r.id)) continue;
      if (r.sent_at !== this.#watermark) {
        this.#watermark = r.sent_at;
        this.#seenAtWatermark.clear();
      }
      this.#seenAtWatermark.add(r.id);
      const s = (new Date(r.sent_at).getTime() - new Date(r.created_at).getTime()) / 1000;
      if (Number.isFinite(s) && s >= 0) this.#latency.observe(s);
    }
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    await this.#observeSent();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
