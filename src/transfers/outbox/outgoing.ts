/**
 * The message of one transfer, as the outbox worker hands it to the transport: the caption and
 * file name (`caption.ts`), the short reference, and the earlier sheet it concerns — the request
 * a tele-expertise answer answers (`in_reply_to`), the notice a withdrawal or replacement names
 * (`notice.replaces` / `replaces`, a sheet id) — so that the message replies to it (rich replies,
 * client-server API §11.19) and its caption names it.
 */
import type { OutgoingSheet } from "../../matrix/index.ts";
import type { Queryable } from "../../storage/index.ts";
import { sheetCaption } from "./caption.ts";
import { transferReference } from "../record/index.ts";
import type { TransferRow } from "../record/index.ts";

interface EarlierRow {
  id: string;
  kind: string;
  sheet_event_id: string | null;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The sheet id an update names as the sheet it replaces (a withdrawal is one), if any. */
function replacedSheetId(data: unknown): string | undefined {
  const d = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  const notice = (typeof d.notice === "object" && d.notice !== null ? d.notice : {}) as Record<
    string,
    unknown
  >;
  return str(notice.replaces) ?? str(d.replaces);
}

/** The earlier transfer that `row` concerns, in the same room (same context), if any. */
async function earlierOf(q: Queryable, row: TransferRow, data: unknown): Promise<EarlierRow | undefined> {
  const inReplyTo = (await q("transfers").select("in_reply_to").where("id", row.id).first()) as
    { in_reply_to: string | null } | undefined;
  const select = q("transfers").select("id", "kind", "sheet_event_id").where("context_key", row.context_key);
  if (inReplyTo?.in_reply_to != null)
    return (await select.where("id", inReplyTo.in_reply_to).first()) as EarlierRow | undefined;
  const replaced = replacedSheetId(data);
  if (replaced === undefined) return undefined;
  return (await select.where("sheet_id", replaced).orderBy("created_at").first()) as EarlierRow | undefined;
}

/**
 * Builds the outgoing sheet of `row`. `sentNow` knows the event ids this process has just posted
 * (an earlier sheet of the room may be posted but not yet recorded when this one's turn comes).
 */
export async function outgoingSheet(
  q: Queryable,
  row: TransferRow,
  payload: { pdf: Uint8Array; data: unknown },
  sentNow: ReadonlyMap<string, string>,
): Promise<OutgoingSheet> {
  const earlier = await earlierOf(q, row, payload.data);
  const caption = sheetCaption({
    kind: row.kind,
    transferId: row.id,
    data: payload.data,
    fallbackDate: new Date(row.created_at),
    ...(earlier === undefined ? {} : { concerns: { kind: earlier.kind, transferId: earlier.id } }),
  });
  const replyTo =
    earlier === undefined
      ? undefined
      : async (): Promise<string | undefined> => {
          const known = sentNow.get(earlier.id) ?? earlier.sheet_event_id ?? undefined;
          if (known !== undefined) return known;
          const r = (await q("transfers").select("sheet_event_id").where("id", earlier.id).first()) as
            { sheet_event_id: string | null } | undefined;
          return r?.sheet_event_id ?? undefined;
        };
  return {
    transferId: row.id,
    sheetId: row.sheet_id,
    kind: row.kind,
    form: row.form,
    reference: transferReference(row.kind, row.id),
    pdf: payload.pdf,
    data: payload.data,
    caption: { body: caption.body, html: caption.html },
    filename: caption.filename,
    ...(replyTo === undefined ? {} : { replyTo }),
  };
}
