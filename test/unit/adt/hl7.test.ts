/** PAM France parsing and ACKs on the fixtures of test/fixtures/pam-fr (see test/SOURCES.md). */
import { describe, expect, it } from "vitest";
import type { Er7Message } from "../../../src/adt/index.ts";
import { ackCode, buildAck, parseAdt, parseEr7, validateAdtEvent } from "../../../src/adt/index.ts";
import { hl7Time, parisDay } from "../../../src/adt/time.ts";
import { adtMessage, pamFixture, PATIENT } from "../../helpers/adt.ts";

const er7 = (text: string): Er7Message => {
  const m = parseEr7(text);
  if (m === undefined) throw new Error("not HL7");
  return m;
};
const parse = (name: string) => parseAdt(er7(pamFixture(name)));

describe("PAM France ADT parsing", () => {
  it("A01: INS from PID-3 by its OID, names, birth date, visit, unit from ZBE-7, Paris times", () => {
    const r = parse("a01-admit.hl7");
    expect(r).toEqual({
      ok: true,
      event: {
        trigger: "A01",
        controlId: "VALM20260302101500001",
        sender: "SIH_VALMONT/CH VALMONT",
        occurredAt: "2026-03-02T10:15:00+01:00",
        patient: {
          ins: PATIENT.ins,
          lastName: "MARCHAL",
          firstNames: "Odette Marie",
          birthDate: "1948-03-12",
        },
        stay: {
          facility: "699990016",
          facilityName: "CH VALMONT",
          visit: "2026000123",
          unit: "3B",
          unitName: "Médecine gériatrique aiguë",
          admittedAt: "2026-03-02T10:15:00+01:00",
        },
        movement: { id: "MVTVALM20260302101500001", action: "INSERT" },
      },
    });
  });

  it("A03 carries the discharge time; A11 and A13 are CANCEL movements naming the trigger cancelled", () => {
    const a03 = parse("a03-discharge.hl7");
    expect(a03.ok && a03.event.stay.dischargedAt).toBe("2026-03-09T11:30:00+01:00");
    const a11 = parse("a11-cancel-admit.hl7");
    expect(a11.ok && a11.event.movement).toMatchObject({ action: "CANCEL", originalTrigger: "A01" });
    const a13 = parse("a13-cancel-discharge.hl7");
    expect(a13.ok && a13.event.movement).toMatchObject({ action: "CANCEL", originalTrigger: "A03" });
    const a02 = parse("a02-transfer.hl7");
    expect(a02.ok && a02.event.stay.unit).toBe("4C");
  });

  it("refusals: bad INS key, missing PID-3, no INS, unsupported trigger, missing MSH-10", () => {
    expect(parse("a01-bad-ins-key.hl7")).toMatchObject({
      ok: false,
      ack: "AE",
      reason: "ins.key",
      location: "PID^1^3",
    });
    expect(parse("a01-no-pid3.hl7")).toMatchObject({ ok: false, ack: "AE", reason: "pid3.missing" });
    expect(parseAdt(er7(adtMessage({ trigger: "A01", controlId: "X1", ins: null })))).toMatchObject({
      ok: false,
      ack: "AE",
      reason: "ins.missing",
    });
    expect(parse("a08-update.hl7")).toMatchObject({ ok: false, ack: "AR", reason: "trigger.unsupported" });
    expect(parseAdt(er7(adtMessage({ trigger: "A01", controlId: "" })))).toMatchObject({
      ok: false,
      ack: "AR",
      reason: "msh.control_id",
    });
  });

  it("PID-32 (PAM France 2.11, table 0445 FR): VALI with the INS is a qualified identity; absent PID-32 is accepted", () => {
    const withStatus = (status: string): string =>
      pamFixture("a01-admit.hl7").replace(/\|VALI(\r?\n|\r)/, `|${status}$1`);
    expect(withStatus("VALI")).toBe(pamFixture("a01-admit.hl7"));
    for (const status of ["VALI", "", "VALI~HOMD", "VALI~DOUB", "VALI~IDVER"]) {
      expect(parseAdt(er7(withStatus(status))).ok, status).toBe(true);
    }
    for (const status of [
      "PROV",
      "VIDE",
      "DOUT",
      "FICT",
      "VALI~DOUT",
      "VALI~FICT",
      "PROV~VALI",
      "VALI~COLV",
    ]) {
      expect(parseAdt(er7(withStatus(status))), status).toMatchObject({
        ok: false,
        ack: "AE",
        reason: "ins.not_qualified",
        location: "PID^1^32",
      });
    }
    // codes outside the French table 0445 (QUAL and RECUP are RNIV statuses, not PID-32 codes)
    for (const status of ["QUAL", "RECUP", "DOUTE", "FICTI", "VALI~QUAL"]) {
      expect(parseAdt(er7(withStatus(status))), status).toMatchObject({
        ok: false,
        ack: "AE",
        reason: "pid32.unknown_code",
        hl7Error: "103",
        location: "PID^1^32",
      });
    }
  });

  it("an INS from the test or demonstration assigning authority (ANS example messages) is refused", () => {
    const text = pamFixture("a01-admit.hl7").replace("&1.2.250.1.213.1.4.8&", "&1.2.250.1.213.1.4.10&");
    expect(parseAdt(er7(text))).toMatchObject({ ok: false, ack: "AE", reason: "ins.test_authority" });
  });

  it("ACK: AA echoes MSH-10; AE carries MSA-3 text and ERR (location, HL7 0357 code, reason), no patient data", () => {
    const msg = er7(pamFixture("a01-bad-ins-key.hl7"));
    const r = parseAdt(msg);
    if (r.ok) throw new Error("expected a refusal");
    const ack = er7(buildAck(msg, "UNICODE UTF-8", r));
    const seg = (name: string) => ack.segments.find((x) => x.name === name);
    expect(seg("MSA")?.fields[2]).toBe("VALM20260302101500006");
    expect(ackCode(buildAck(msg, "UNICODE UTF-8", r))).toEqual({
      code: "AE",
      text: "INS in PID-3 invalid (key) [ins.key]",
    });
    expect(seg("ERR")?.fields[2]).toBe("PID^1^3");
    expect(seg("ERR")?.fields[3]).toBe("102^Data type error^HL70357");
    expect(seg("ERR")?.fields[4]).toBe("E");
    expect(buildAck(msg, "UNICODE UTF-8", r)).not.toContain("MARCHAL");
    expect(buildAck(msg, "UNICODE UTF-8", r)).not.toContain(PATIENT.ins.slice(0, 13));
    const ok = buildAck(er7(pamFixture("a01-admit.hl7")), "UNICODE UTF-8");
    expect(ackCode(ok).code).toBe("AA");
    const okMsh = er7(ok).segments[0];
    expect(okMsh?.fields[9]).toBe("ACK^A01^ACK");
    expect(okMsh?.fields[3]).toBe("PASSERELLE");
    expect(okMsh?.fields[5]).toBe("SIH_VALMONT");
    expect(okMsh?.fields[18]).toBe("UNICODE UTF-8");
  });

  it("HL7 times without offset are Paris local time (winter +01:00, summer +02:00)", () => {
    expect(hl7Time("20260115083000")).toBe("2026-01-15T08:30:00+01:00");
    expect(hl7Time("20260715083000")).toBe("2026-07-15T08:30:00+02:00");
    expect(hl7Time("202607150830+0000")).toBe("2026-07-15T08:30:00+00:00");
    expect(hl7Time("20260230")).toBeUndefined();
    expect(parisDay(new Date("2026-03-09T23:30:00Z"))).toBe("2026-03-10");
  });

  it("the JSON form is validated field by field, naming paths and never values", () => {
    expect(() => validateAdtEvent({ trigger: "A05", patient: { ins: "248037511204722" } })).toThrow(
      /trigger.*controlId.*patient\.ins/s,
    );
    try {
      validateAdtEvent({ trigger: "A01", patient: { ins: "248037511204722" } });
    } catch (e) {
      expect((e as Error).message).not.toContain("248037511204722");
    }
  });
});
