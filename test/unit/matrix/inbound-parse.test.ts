import { describe, expect, it } from "vitest";
import {
  classifyMessage,
  isAckKey,
  isSheetMessage,
  stripReplyFallback,
} from "../../../src/matrix/inbound-parse.ts";

describe("inbound parsing", () => {
  it("a sheet is the m.file carrying fr.passerelle.sheet, or the custom event of a three-event sheet", () => {
    const data = { sheet_id: "S1", kind: "discharge" };
    expect(isSheetMessage("m.room.message", { msgtype: "m.file", "fr.passerelle.sheet": data })).toBe(true);
    expect(isSheetMessage("fr.passerelle.sheet", { sheet_id: "S1" })).toBe(true);
    // the earlier m.file and m.text name their sheet event but are not sheets themselves
    expect(
      isSheetMessage("m.room.message", { msgtype: "m.file", "fr.passerelle.sheet_event_id": "$s" }),
    ).toBe(false);
    expect(isSheetMessage("m.room.message", { msgtype: "m.text", "fr.passerelle.sheet": data })).toBe(false);
    expect(isSheetMessage("m.room.message", { msgtype: "m.file", "fr.passerelle.sheet": "S1" })).toBe(false);
  });

  it("recognises ✅ with or without the variation selector, and nothing else", () => {
    expect(isAckKey("✅")).toBe(true);
    expect(isAckKey("✅\uFE0F")).toBe(true);
    expect(isAckKey("👍")).toBe(false);
    expect(isAckKey(undefined)).toBe(false);
  });

  it("classifies an m.annotation ✅ reaction with its target", () => {
    const rel = { rel_type: "m.annotation", event_id: "$sheet", key: "✅" };
    expect(classifyMessage("m.reaction", { "m.relates_to": rel })).toEqual({
      kind: "reaction",
      target: "$sheet",
    });
    expect(classifyMessage("m.reaction", { "m.relates_to": { ...rel, key: "❤️" } })).toBeUndefined();
    expect(
      classifyMessage("m.reaction", { "m.relates_to": { ...rel, rel_type: "m.reference" } }),
    ).toBeUndefined();
  });

  it("classifies !ack (with a reply target and fallback) and other commands; ignores plain text and edits", () => {
    const reply = { "m.in_reply_to": { event_id: "$text" } };
    expect(
      classifyMessage("m.room.message", {
        msgtype: "m.text",
        body: "> <@hub:x> Nouvelle lettre\n> suite\n\n!ACK",
        "m.relates_to": reply,
      }),
    ).toEqual({ kind: "ack", replyTo: "$text", text: "!ACK" });
    expect(classifyMessage("m.room.message", { msgtype: "m.text", body: " !ack merci" })).toEqual({
      kind: "ack",
      text: "!ack merci",
    });
    expect(classifyMessage("m.room.message", { msgtype: "m.text", body: "!statut" })).toEqual({
      kind: "command",
      text: "!statut",
    });
    expect(
      classifyMessage("m.room.message", { msgtype: "m.text", body: "!renvoyer", "m.relates_to": reply }),
    ).toEqual({ kind: "command", replyTo: "$text", text: "!renvoyer" });
    expect(classifyMessage("m.room.message", { msgtype: "m.text", body: "!acknowledge" })).toEqual({
      kind: "command",
      text: "!acknowledge",
    });
    expect(classifyMessage("m.room.message", { msgtype: "m.text", body: "bien reçu" })).toBeUndefined();
    expect(
      classifyMessage("m.room.message", {
        msgtype: "m.text",
        body: "!ack",
        "m.relates_to": { rel_type: "m.replace" },
      }),
    ).toBeUndefined();
    expect(classifyMessage("m.room.message", { msgtype: "m.file", body: "!ack" })).toBeUndefined();
  });

  it("strips only a leading reply fallback", () => {
    expect(stripReplyFallback("> a\n> b\n\nhello")).toBe("hello");
    expect(stripReplyFallback("hello\n> not a fallback")).toBe("hello\n> not a fallback");
  });
});
