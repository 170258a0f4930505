/**
 * One MLLP frame in, one answer out — always: {@link answerFrame} never throws and never returns
 * nothing. In order: MSH present (else AR, HL7 table 0357 code 100, reason `frame.not_hl7`), MSH-18
 * read from the raw bytes and the frame decoded in that character set (else AE/AR located at
 * MSH-18, `charset.ts`), then by MSH-9: the PAM France content read (`hl7.ts`) and stored in
 * `adt_messages` before its AA (`store.ts`); or, when a documents service is given, an MDM/ORU
 * document message read (`documents/parse.ts`) and handed to it before its AA. A refused message of
 * either kind is stored in `adt_rejected` before its AE/AR (`review.ts`). When storage fails the answer is AR 207 "please resend": nothing is lost, the
 * sender keeps the message.
 */
import { isPasserelleError, type Log } from "../core/index.ts";
import type { IncomingDocument, ReceivedDocument } from "../documents/index.ts";
import { buildAck, buildBareAck } from "./ack.ts";
import type { Hl7Charset } from "./charset.ts";
import { decodeHl7, encodeHl7, headSegment, hexDecoder } from "./charset.ts";
import type { Er7Message } from "./er7.ts";
import { parseDocumentMessage } from "./documents/index.ts";
import { parseEr7, segmentOf, valueOf } from "./er7.ts";
import type { Rejection } from "./hl7.ts";
import { parseAdt } from "./hl7.ts";
import { storeRefused } from "./review.ts";
import type { Acceptance, AdtDeps } from "./store.ts";
import { acceptAdtEvent } from "./store.ts";

export interface FrameContext {
  readonly deps: AdtDeps;
  readonly actor: string;
  /** MSH-18 when the message leaves it empty. */
  readonly charset: Hl7Charset;
  readonly onAccepted?: (a: Acceptance) => void;
  /**
   * The documents service: MDM^T02/T10 and ORU^R01 frames are read by `documents/parse.ts` and
   * handed to it; AA once it resolved (it stores durably). Absent: those types are answered AR 200.
   */
  readonly receiveDocument?: (incoming: IncomingDocument) => Promise<ReceivedDocument>;
  readonly log?: Log;
}

export interface FrameAnswer {
  readonly bytes: Buffer;
  readonly code: "AA" | "AE" | "AR";
  readonly reason?: string;
}

const resend = (code: string): Rejection => ({
  ack: "AR",
  reason: `storage.${code.toLowerCase()}`,
  hl7Error: "207",
  location: "MSH^1",
  text: "message not stored, please resend",
});

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The answer to a frame (see the module comment). */
export async function answerFrame(ctx: FrameContext, frame: Buffer): Promise<FrameAnswer> {
  try {
    return await answer(ctx, frame);
  } catch (e) {
    const r = resend(isPasserelleError(e) ? e.code : "internal");
    ctx.log?.error({ reason: r.reason }, "adt frame not stored");
    return { bytes: encodeHl7(buildBareAck(ctx.charset, r), ctx.charset), code: "AR", reason: r.reason };
  }
}

/** A frame larger than the listener accepts: AR, logged (its bytes were not kept). */
export function answerOversize(ctx: FrameContext): FrameAnswer {
  const r: Rejection = {
    ack: "AR",
    reason: "frame.too_large",
    hl7Error: "207",
    location: "MSH^1",
    text: "message larger than the listener accepts",
  };
  ctx.log?.warn({ reason: r.reason }, "adt frame refused");
  return { bytes: encodeHl7(buildBareAck(ctx.charset, r), ctx.charset), code: "AR", reason: r.reason };
}

async function answer(ctx: FrameContext, frame: Buffer): Promise<FrameAnswer> {
  const raw = frame.subarray(0, 3).equals(UTF8_BOM) ? frame.subarray(3) : frame;
  const head = parseEr7(headSegment(raw));
  if (head === undefined) {
    const r: Rejection = {
      ack: "AR",
      reason: "frame.not_hl7",
      hl7Error: "100",
      location: "MSH^1",
      text: "not an HL7 v2 message (no MSH segment first)",
    };
    await storeRefused(
      ctx.deps,
      { raw: frame, ack: "AR", reason: r.reason, location: r.location },
      ctx.actor,
    );
    ctx.log?.warn({ reason: r.reason }, "adt frame refused");
    return { bytes: encodeHl7(buildBareAck(ctx.charset, r), ctx.charset), code: "AR", reason: r.reason };
  }
  const decoded = decodeHl7(raw, ctx.charset);
  if (!decoded.ok) {
    const charset = decoded.charset ?? ctx.charset;
    const r: Rejection = decoded.unsupported
      ? {
          ack: "AR",
          reason: decoded.reason,
          hl7Error: "103",
          location: "MSH^1^18",
          text: "MSH-18 character set not supported (ASCII, 8859/1, 8859/15, UNICODE UTF-8)",
        }
      : {
          ack: "AE",
          reason: decoded.reason,
          hl7Error: "102",
          location: "MSH^1^18",
          text: `message bytes are not valid ${charset}`,
        };
    return refuse(ctx, frame, head, charset, r);
  }
  const msg = parseEr7(decoded.text, hexDecoder(decoded.charset)) ?? head;
  const type = valueOf(msg, segmentOf(msg, "MSH"), 9).trim();
  if (ctx.receiveDocument !== undefined && (type === "MDM" || type === "ORU")) {
    return answerDocument(ctx, ctx.receiveDocument, frame, msg, decoded.charset);
  }
  const parsed = parseAdt(msg);
  if (!parsed.ok) return refuse(ctx, frame, msg, decoded.charset, parsed);
  let accepted: Acceptance;
  try {
    accepted = await acceptAdtEvent(ctx.deps, parsed.event, decoded.text, ctx.actor);
  } catch (e) {
    const r = resend(isPasserelleError(e) ? e.code : "internal");
    ctx.log?.error({ reason: r.reason }, "adt message not stored");
    return {
      bytes: encodeHl7(buildAck(msg, decoded.charset, r), decoded.charset),
      code: "AR",
      reason: r.reason,
    };
  }
  queueMicrotask(() => ctx.onAccepted?.(accepted));
  return { bytes: encodeHl7(buildAck(msg, decoded.charset), decoded.charset), code: "AA" };
}

/** A document message: parsed, handed to the documents service, AA once it resolved (AR 207 if it threw). */
async function answerDocument(
  ctx: FrameContext,
  receive: (incoming: IncomingDocument) => Promise<ReceivedDocument>,
  frame: Buffer,
  msg: Er7Message,
  charset: Hl7Charset,
): Promise<FrameAnswer> {
  const parsed = parseDocumentMessage(msg);
  if (!parsed.ok) return refuse(ctx, frame, msg, charset, parsed);
  try {
    await receive(parsed.incoming);
  } catch (e) {
    const r = resend(isPasserelleError(e) ? e.code : "internal");
    ctx.log?.error({ reason: r.reason }, "document message not stored");
    return { bytes: encodeHl7(buildAck(msg, charset, r), charset), code: "AR", reason: r.reason };
  }
  return { bytes: encodeHl7(buildAck(msg, charset), charset), code: "AA" };
}

/** Stores the refused frame for review, then answers AE/AR (AR 207 when it could not be stored). */
async function refuse(
  ctx: FrameContext,
  frame: Buffer,
  msg: Er7Message,
  charset: Hl7Charset,
  r: Rejection,
): Promise<FrameAnswer> {
  const msh = segmentOf(msg, "MSH");
  const sender = [valueOf(msg, msh, 3), valueOf(msg, msh, 4)].filter((s) => s.trim() !== "").join("/");
  let answerWith = r;
  try {
    await storeRefused(
      ctx.deps,
      {
        raw: frame,
        ack: r.ack,
        reason: r.reason,
        location: r.location,
        sender,
        controlId: valueOf(msg, msh, 10).trim(),
        trigger: valueOf(msg, msh, 9, 2).trim(),
        charset,
      },
      ctx.actor,
    );
    ctx.log?.warn({ reason: r.reason, ack: r.ack }, "adt message refused");
  } catch (e) {
    answerWith = resend(isPasserelleError(e) ? e.code : "internal");
    ctx.log?.error({ reason: answerWith.reason }, "adt refused message not stored");
  }
  return {
    bytes: encodeHl7(buildAck(msg, charset, answerWith), charset),
    code: answerWith.ack,
    reason: answerWith.reason,
  };
}
