import { describe, expect, it } from "vitest";
import type { AuditEvent, PatientRef } from "../../../src/audit/index.ts";
import { AUDIT_ACTIONS, assertAuditEvent, auditEvent } from "../../../src/audit/index.ts";
import { PasserelleError } from "../../../src/core/index.ts";

const fail = (f: () => unknown): PasserelleError => {
  try {
    f();
  } catch (e) {
    if (e instanceof PasserelleError) return e;
    throw e;
  }
  throw new Error("expected a PasserelleError");
};

describe("audit vocabulary", () => {
  it("covers transfer, directory and access events", () => {
    for (const a of [
      "transfer.created",
      "transfer.validated",
      "transfer.signed",
      "transfer.queued",
      "transfer.sent",
      "transfer.delivered",
      "transfer.read",
      "transfer.acknowledged",
      "transfer.answered",
      "transfer.failed",
      "transfer.retried",
      "member.added",
      "member.changed",
      "member.removed",
      "access.downloaded",
      "access.verified",
    ]) {
      expect(AUDIT_ACTIONS).toContain(a);
    }
  });

  it("builds a frozen event with ids and hashes only", () => {
    const e = auditEvent("transfer.delivered", {
      actor: "@passerelle:hub.example",
      transfer: "01J9ZQ3V6M8X",
      sheet: "sheet-42",
      room: "!abc:hub.example",
      event: "$evt_123",
      pdfSha256: "a".repeat(64),
    });
    expect(e).toEqual({
      action: "transfer.delivered",
      actor: "@passerelle:hub.example",
      outcome: "success",
      transfer: "01J9ZQ3V6M8X",
      sheet: "sheet-42",
      room: "!abc:hub.example",
      event: "$evt_123",
      pdfSha256: "a".repeat(64),
    });
    expect(Object.isFrozen(e)).toBe(true);
  });

  it("records failures with a code", () => {
    const e = auditEvent("transfer.failed", {
      actor: "system:outbox",
      transfer: "t-1",
      outcome: "failure",
      reason: "matrix.timeout",
    });
    expect(e.outcome).toBe("failure");
  });

  it("refuses names, free text and INS, naming the field but not the value", () => {
    const cases: [string, () => unknown][] = [
      ["audit.actor", () => auditEvent("transfer.sent", { actor: "Jean Dupont", transfer: "t-1" })],
      ["audit.transfer", () => auditEvent("transfer.sent", { actor: "system:x", transfer: "DUPONT" })],
      [
        "audit.sheet",
        () => auditEvent("access.verified", { actor: "system:x", sheet: "pneumonie droite 3" }),
      ],
      [
        "audit.patient",
        () =>
          auditEvent("transfer.sent", {
            actor: "system:x",
            transfer: "t-1",
            patient: "180017512345612" as PatientRef,
          }),
      ],
      [
        "audit.reason",
        () => auditEvent("transfer.failed", { actor: "system:x", transfer: "t-1", reason: "Patient décédé" }),
      ],
      ["audit.member", () => auditEvent("member.added", { actor: "system:x", member: "Dr Martin" })],
    ];
    for (const [path, f] of cases) {
      const e = fail(f);
      expect(e.code).toBe("VALIDATION_FAILED");
      expect(e.issues.map((i) => i.path)).toContain(path);
      const text = JSON.stringify({ m: e.message, i: e.issues });
      for (const secret of ["Dupont", "DUPONT", "pneumonie", "180017512345612", "décédé", "Martin"]) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it("requires the subject of each family", () => {
    const e = fail(() => {
      assertAuditEvent({ action: "transfer.sent", actor: "system:x", outcome: "success" });
    });
    expect(e.issues[0]?.path).toBe("audit.transfer");
    expect(
      fail(() => {
        assertAuditEvent({ action: "member.added", actor: "system:x", outcome: "success" });
      }).issues[0]?.path,
    ).toBe("audit.member");
  });

  it("re-checks at run time what a cast smuggles in", () => {
    const smuggled = {
      action: "transfer.sent",
      actor: "system:x",
      outcome: "success",
      transfer: "t-1",
      note: "x",
    };
    expect(
      fail(() => {
        assertAuditEvent(smuggled as AuditEvent);
      }).issues[0]?.path,
    ).toBe("audit.note");
    expect(
      fail(() => {
        assertAuditEvent({ ...smuggled, note: undefined, action: "transfer.lost" } as unknown as AuditEvent);
      }).issues.map((i) => i.path),
    ).toContain("audit.action");
  });

  it("is typed: no free-text field, the patient only as a pseudonym", () => {
    // @ts-expect-error — there is no `comment` field
    expect(() => auditEvent("transfer.sent", { actor: "system:x", transfer: "t-1", comment: "x" })).toThrow();
    // @ts-expect-error — a plain string is not a PatientRef
    expect(() => auditEvent("transfer.sent", { actor: "system:x", transfer: "t-1", patient: "x" })).toThrow();
    // @ts-expect-error — transfer events need a transfer
    expect(() => auditEvent("transfer.sent", { actor: "system:x" })).toThrow();
  });
});
