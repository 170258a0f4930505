/**
 * MDM^T02/T10 and ORU^R01 (CI-SIS volet « Transmission de document(s) CDA en HL7v2 » v2.1) read
 * from the ANS's published examples (test/fixtures/hl7-documents, test/SOURCES.md): as published,
 * moved to the production INS authority, with every legal variation, and the refusals.
 */
import { describe, expect, it } from "vitest";
import type { Er7Message } from "../../../../src/adt/index.ts";
import { ackCode, buildAck, parseDocumentMessage, parseEr7 } from "../../../../src/adt/index.ts";
import { decodeHl7, hexDecoder } from "../../../../src/adt/charset.ts";
import {
  ANS,
  ansText,
  comp,
  docObxAt,
  hf,
  join,
  mapCda,
  production,
  setComp,
  setField,
  split,
} from "../../../helpers/hl7-documents.ts";

const er7 = (text: string): Er7Message => {
  const m = parseEr7(text);
  if (m === undefined) throw new Error("not HL7");
  return m;
};
const parse = (text: string) => parseDocumentMessage(er7(text));
const refusal = (text: string) => {
  const r = parse(text);
  return r.ok ? { ack: "AA" } : { ack: r.ack, location: r.location, reason: r.reason };
};
/** `segs` with field `n` of the first segment `name` set to `v`. */
const withField = (text: string, name: string, n: number, v: string): string =>
  join(
    split(text).map((s, i, all) =>
      s[0] === name && all.findIndex((x) => x[0] === name) === i ? setField(s, n, v) : s,
    ),
  );

describe("the ANS's published examples", () => {
  it("as published (INS under the test authority 1.2.250.1.213.1.4.10): AE naming PID-3, ACK without patient data", () => {
    for (const name of Object.values(ANS)) {
      const msg = er7(ansText(name));
      const r = parseDocumentMessage(msg);
      expect(r).toMatchObject({ ok: false, ack: "AE", location: "PID^1^3", reason: "ins.test_authority" });
      if (r.ok) continue;
      const ack = buildAck(msg, "UNICODE UTF-8", r);
      expect(ackCode(ack).code).toBe("AE");
      const segs = split(ack);
      expect(hf(segs[0], 9)).toMatch(/^ACK\^(T02|T10|R01)\^ACK$/);
      expect(hf(segs[0], 12)).toBe(name.includes("mdm") ? "2.6" : "2.5");
      expect(hf(segs[0], 17)).toBe("FRA");
      expect(hf(segs[1], 2)).toBe("015");
      expect(hf(segs[2], 2)).toBe("PID^1^3");
      expect(ack).not.toMatch(/279035121518989|PAT-TROIS|DOMINIQUE/);
    }
  });

  it("MDM^T02 (production INS): the CDA's id, type, patient, visit, PRT RCT recipient, metadata", () => {
    const r = parse(production(ANS.mdmT02));
    if (!r.ok) throw new Error(r.reason);
    const { content, ...rest } = r.incoming;
    expect(rest).toEqual({
      channel: "mllp",
      documentId: "1.2.250.1.71.4.2.2.120456789.71024000081",
      versionNumber: 1,
      typeCode: "18748-4",
      title: "Radio de hanche",
      patient: {
        ins: "279035121518989",
        insOid: "1.2.250.1.213.1.4.8",
        family: "PAT-TROIS",
        given: "DOMINIQUE",
        birthDate: "1979-03-28",
        sex: "F",
      },
      visitNumber: "000897406",
      authorRpps: "01234564895",
      recipients: [{ rpps: "01234567897", mssante: "adam.hoda@test-ci-sis.mssante.fr" }],
      flags: {
        maskedToProfessionals: false,
        ackReception: false,
        ackReading: false,
        bodyForProfessionals: "Cher confrère, vous trouverez ci-joint le CR d’imagerie de M.Dupont",
        mssante: {
          INVISIBLE_PATIENT: "Y",
          INVISIBLE_REP_LEGAUX: "Y",
          CONNEXION_SECRETE: "Y",
          MODIF_CONF_CODE: "N",
          DESTDMP: "Y",
          DESTMSSANTEPS: "Y",
          DESTMSSANTEPAT: "N",
        },
      },
      channelRef: "015",
    });
    expect(content.kind).toBe("cda");
    const segs = split(production(ANS.mdmT02));
    const sent = Buffer.from(comp(hf(segs[docObxAt(segs)], 5), 5), "base64");
    expect(content.kind === "cda" && Buffer.from(content.cda).equals(sent)).toBe(true);
  });

  it("MDM^T10 and ORU^R01 replacement: replaces from the CDA's relatedDocument RPLC (= TXA-13)", () => {
    const mdm = parse(production(ANS.mdmT10));
    expect(mdm.ok && mdm.incoming.replaces).toBe("1.2.250.1.71.4.2.2.120456789.71024000081");
    expect(mdm.ok && mdm.incoming.documentId).toBe("1.2.250.1.71.4.2.2.120456789.71024000082");
    // the ORU replacement is published with its Base64 padding left out
    const oru = parse(production(ANS.oruReplace));
    expect(oru.ok && [oru.incoming.documentId, oru.incoming.replaces]).toEqual([
      "1.2.250.1.213.1.1.13",
      "1.2.250.1.213.1.1.12",
    ]);
  });

  it("ORU^R01: the patient's own RCT (INS, patient MSSanté address) is no recipient; acknowledgements asked", () => {
    const r = parse(production(ANS.oruNew));
    if (!r.ok) throw new Error(r.reason);
    expect(r.incoming.recipients).toEqual([
      { rpps: "01234567897", mssante: "adam.hoda@test-ci-sis.mssante.fr" },
    ]);
    expect(r.incoming.flags).toMatchObject({
      ackReception: true,
      ackReading: true,
      maskedToProfessionals: false,
    });
    expect(r.incoming.documentId).toBe("1.2.250.1.213.1.1.9");
  });

  it("the ORU examples' CORPSMAIL_PS as published (Base64 cut short): AE naming that OBX-5", () => {
    const published = join(
      split(ansText(ANS.oruNew).replaceAll("&1.2.250.1.213.1.4.10&", "&1.2.250.1.213.1.4.8&")),
    );
    const fixed = join(
      mapCda(split(published), (x) =>
        x.replaceAll('root="1.2.250.1.213.1.4.10"', 'root="1.2.250.1.213.1.4.8"'),
      ),
    );
    expect(refusal(fixed)).toEqual({ ack: "AE", location: "OBX^12^5", reason: "meta.body_base64" });
  });

  it("the MDM example whose OBX-5 holds a placeholder text, not a CDA: AE naming OBX-5", () => {
    expect(refusal(production(ANS.mdmPlaceholder))).toEqual({
      ack: "AE",
      location: "OBX^1^5",
      reason: "cda.xml_malformed",
    });
  });
});

describe("legal variations give the same document", () => {
  const base = production(ANS.mdmT02);
  const ref = parse(base);
  const same = (text: string): void => {
    const r = parse(text);
    if (!r.ok || !ref.ok) throw new Error(r.ok ? "reference" : r.reason);
    expect(r.incoming.documentId).toBe(ref.incoming.documentId);
    expect(r.incoming.content).toEqual(ref.incoming.content);
    expect(r.incoming.flags).toEqual(ref.incoming.flags);
  };
  const rewrap = (text: string, sep: string): string => {
    const segs = split(text);
    const at = docObxAt(segs);
    const obx = segs[at]!;
    const data = comp(hf(obx, 5), 5).replace(/.{76}/g, `$&${sep}`);
    segs[at] = setField(obx, 5, setComp(hf(obx, 5), 5, data));
    return join(segs);
  };

  it("segments ended by CR, LF or CR LF", () => {
    same(base.replaceAll("\r", "\n"));
    same(base.replaceAll("\r", "\r\n"));
  });
  it("Base64 wrapped at 76 characters: escaped CR LF, \\.br\\, bare line breaks (continuation lines)", () => {
    same(rewrap(base, "\\X0D\\\\X0A\\"));
    same(rewrap(base, "\\X0A\\"));
    same(rewrap(base, "\\.br\\"));
    same(rewrap(base, "\r\n"));
    same(rewrap(base, "\n"));
  });
  it("8859/1 and UTF-8 (MSH-18): the same names, accented ones decoded right", () => {
    const accented = withField(base, "PID", 5, "DUPRÉ^LÉA^^^^^L");
    for (const [enc, label] of [
      ["latin1", "8859/1"],
      ["utf8", "UNICODE UTF-8"],
    ] as const) {
      const text = withField(accented, "MSH", 18, label);
      const decoded = decodeHl7(Buffer.from(text, enc), "UNICODE UTF-8");
      if (!decoded.ok) throw new Error(decoded.reason);
      const r = parseDocumentMessage(parseEr7(decoded.text, hexDecoder(decoded.charset))!);
      expect(r.ok && [r.incoming.patient.family, r.incoming.patient.given]).toEqual(["DUPRÉ", "LÉA"]);
    }
  });
  it("optional parts absent: EVN, PV1, ORC, OBR, PRT, the optional metadata OBX, MSH-21", () => {
    const drop = (names: string[]) => join(split(base).filter((s) => !names.includes(s[0]!)));
    same(drop(["EVN", "PV1", "ORC", "OBR", "PRT"]));
    const meta = split(base).filter(
      (s) => !(s[0] === "OBX" && /^(ACK_|CORPSMAIL|INVISIBLE|DEST|CONNEXION|MODIF)/.test(comp(hf(s, 3), 1))),
    );
    const r = parse(join(meta));
    expect(r.ok && r.incoming.flags).toEqual({
      maskedToProfessionals: false,
      ackReception: false,
      ackReading: false,
      mssante: {},
    });
    same(join(split(base).map((s) => (s[0] === "MSH" ? s.slice(0, 20) : s))));
  });
});
