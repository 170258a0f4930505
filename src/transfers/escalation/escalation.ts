/**
 * The escalation scheduler: every `intervalMs`, {@link findOverdue} lists the transfers
 * past their delay; for each one it
 *
 * 1. posts a French reminder in the transfer's room, as a reply to the sheet (so that `!ack` in
 *    reply to it acknowledges the sheet), with transaction id `passerelle.<transfer>.reminder.<n>`;
 * 2. tells every CPTS coordinator (directory role `coordinator`, active, with a Matrix id) in an
 *    encrypted room of their own with the hub — neutral name, no topic, the message carries the
 *    transfer reference and the delay only — with transaction id
 *    `passerelle.<transfer>.escalation.<n>.<member id>`;
 * 3. records the escalation ({@link markEscalated}: history and audit `transfer.escalated`).
 *
 * `n` is the escalation's number, so a crash between the sends and step 3 re-sends with the same
 * transaction ids and the homeserver does not post twice; step 3 is fenced on the escalation
 * count, so the transfer is escalated once per delay. Time comes from the injectable clock.
 */
import { createHash } from "node:crypto";
import type { NoticeTransport, SheetTransport } from "../../matrix/index.ts";
import { isPasserelleError } from "../../core/index.ts";
import { DirectoryRepository, memberAuditId } from "../../directory/index.ts";
import { reasonOf } from "../outbox/index.ts";
import type { EscalationDelays } from "./overdue.ts";
import { ANSWERED_KINDS, DEFAULT_ESCALATION, findOverdue, markEscalated } from "./overdue.ts";
import { coordinatorNoticeFr, reminderFr } from "./reminders.ts";
import { TransferRepository } from "../record/index.ts";
import { ensureRoom } from "../rooms/index.ts";
import type { Transfer, TransferContext } from "../record/index.ts";

export type EscalationTransport = SheetTransport & NoticeTransport;

export interface EscalationOptions {
  readonly delays?: EscalationDelays;
  /** Pause between two looks (default 5 min). */
  readonly intervalMs?: number;
  /** How long a notice waits for the hub's view of a room to catch up, e.g. a coordinator's room just made (default 15 s). */
  readonly roomReadyMs?: number;
  /** Told of each failed escalation: transfer id and reason code only (for logs); retried next time. */
  readonly onError?: (transferId: string, reason: string) => void;
  /**
   * Further looks run after the transfers' (the documents waiting « à orienter »): each gets a way
   * to tell every coordinator in their own room and returns how many items it escalated.
   */
  readonly alsoLook?: readonly ((tell: TellCoordinators) => Promise<number>)[];
}

/** Tells every coordinator `bodyFr`, once per `key` (the Matrix transaction id's stem). */
export type TellCoordinators = (key: string, bodyFr: string) => Promise<void>;

const HOUR = 3_600_000;

/** Context key of a coordinator's own room with the hub (stored with the transfer rooms). */
export function coordinatorContextKey(memberId: number, matrixId: string): string {
  return createHash("sha256")
    .update(`passerelle/coordinator/v1\n${String(memberId)}\n${matrixId}`)
    .digest("hex");
}

export class EscalationScheduler {
  readonly #ctx: TransferContext;
  readonly #transport: EscalationTransport;
  readonly #o: Required<Omit<EscalationOptions, "onError" | "alsoLook">> &
    Pick<EscalationOptions, "onError" | "alsoLook">;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = true;

  constructor(ctx: TransferContext, transport: EscalationTransport, options: EscalationOptions = {}) {
    this.#ctx = ctx;
    this.#transport = transport;
    this.#o = {
      delays: options.delays ?? DEFAULT_ESCALATION,
      intervalMs: options.intervalMs ?? 300_000,
      roomReadyMs: options.roomReadyMs ?? 15_000,
      onError: options.onError,
      alsoLook: options.alsoLook,
    };
  }

  /** One look: escalates every overdue transfer; resolves with how many were escalated. */
  async runOnce(): Promise<number> {
    const now = this.#ctx.clock.now();
    let n = 0;
    for (const t of await findOverdue(this.#ctx, now, this.#o.delays)) {
      try {
        if (await this.#escalate(t, now)) n++;
      } catch (e) {
        this.#o.onError?.(t.id, reasonOf(e));
      }
    }
    for (const look of this.#o.alsoLook ?? []) {
      n += await look((key, bodyFr) => this.#tellCoordinators(key, bodyFr)).catch((e: unknown) => {
        this.#o.onError?.("queue", reasonOf(e));
        return 0;
      });
    }
    return n;
  }

  /** One notice per coordinator (active, with a Matrix id) in their own room with the hub. */
  async #tellCoordinators(key: string, bodyFr: string): Promise<void> {
    for (const c of await new DirectoryRepository(this.#ctx.db.knex).membersWithRole("coordinator")) {
      if (c.matrixId === undefined) continue;
      const matrixId = c.matrixId;
      const { roomId } = await ensureRoom(
        this.#ctx.db,
        this.#transport,
        coordinatorContextKey(c.id, matrixId),
        [matrixId],
        () => this.#ctx.clock.now(),
      );
      await this.#transport.sendNotice(
        roomId,
        [matrixId],
        { txnId: `${key}.${String(c.id)}`, bodyFr },
        this.#o.roomReadyMs,
      );
    }
  }

  /** Looks now, then every `intervalMs`, until {@link stop}. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const tick = (): void => {
      this.#running = this.runOnce()
        .catch(() => undefined) // database briefly unavailable: next tick
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.#o.intervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  async #escalate(t: Transfer, now: Date): Promise<boolean> {
    const n = t.escalations + 1;
    const awaitingAnswer = ANSWERED_KINDS.has(t.kind);
    const hours = Math.max(
      1,
      Math.round((now.getTime() - new Date(t.sentAt ?? t.createdAt).getTime()) / HOUR),
    );
    const notices: { member: string; roomId: string; eventId: string }[] = [];
    let reminderEventId: string | undefined;
    if (t.roomId !== undefined) {
      const members = (await new TransferRepository(this.#ctx.db.knex).recipients(t.id)).map(
        (r) => r.matrixId,
      );
      reminderEventId = await this.#transport.sendNotice(t.roomId, members, {
        txnId: `passerelle.${t.id}.reminder.${String(n)}`,
        bodyFr: reminderFr(t.kind, t.id, hours, awaitingAnswer),
        ...(t.sheetEventId === undefined ? {} : { sheetEventId: t.sheetEventId }),
      });
    }
    const coordinators = await new DirectoryRepository(this.#ctx.db.knex).membersWithRole("coordinator");
    for (const c of coordinators) {
      if (c.matrixId === undefined) continue;
      try {
        const { roomId } = await ensureRoom(
          this.#ctx.db,
          this.#transport,
          coordinatorContextKey(c.id, c.matrixId),
          [c.matrixId],
          () => this.#ctx.clock.now(),
        );
        const notice = {
          txnId: `passerelle.${t.id}.escalation.${String(n)}.${String(c.id)}`,
          bodyFr: coordinatorNoticeFr(t.kind, t.id, hours, awaitingAnswer),
          escalation: { transfer_id: t.id, delay_hours: hours },
        };
        // A room just made may not have reached the hub's sync yet: the transport waits for it.
        const eventId = await this.#transport.sendNotice(roomId, [c.matrixId], notice, this.#o.roomReadyMs);
        notices.push({ member: memberAuditId(c), roomId, eventId });
      } catch (e) {
        // A coordinator outside the trust policy is not told (the hub's transport refuses her
        // before any room or invitation); the others are, and the escalation is recorded.
        if (!isPasserelleError(e) || e.code !== "TRUST_POLICY") throw e;
        this.#o.onError?.(t.id, reasonOf(e));
      }
    }
    return markEscalated(this.#ctx, t, now, {
      notices,
      ...(reminderEventId === undefined ? {} : { reminderEventId }),
    });
  }
}
