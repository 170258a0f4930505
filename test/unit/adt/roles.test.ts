/**
 * ROL segments of the ADT feed (HL7 v2.5 §15.4.7 as IHE PAM France uses them): the ANS example's
 * médecin traitant (ansforge/hl7V2-exemples, « Vague 2/Consentement_DMP_PAMFR »: ROL-3 `ODRP`,
 * ROL-4 the RPPS with XCN-13 `RPPS`), the national-id form `8` + RPPS under 1.2.250.1.71.4.2.1,
 * an ADELI number (not kept), a deletion (ROL-2 `DE`), and messages without ROL.
 */
import { describe, expect, it } from "vitest";
import { parseAdt, parseEr7, readRoles } from "../../../src/adt/index.ts";
import { mergePhysicians } from "../../../src/adt/physicians.ts";
import { adtMessage } from "../../helpers/adt.ts";

const withRol = (...rol: string[]) =>
  parseEr7([adtMessage({ trigger: "A01", controlId: "ROL-1" }), ...rol].join("\r"))!;

describe("ROL: the stay's professionals", () => {
  it("reads the ANS example's médecin traitant and the 8 + RPPS national id form", () => {
    const msg = withRol(
      "ROL||UC|ODRP|10000023084^AGNES^Isabelle^^^^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^L^^^RPPS|||||||144 RUE EMILE NORMANDIN^CABINET DU DR ISABELLE AGNES^La Rochelle^^17000^FRA^O",
      "ROL||AD|RP^Médecin adresseur^IHE|810003456789^PETIT^Marc^^^^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS",
      "ROL||AD|AT|0123456789^INFIRMIER^Paul^^^^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^ADELI",
    );
    expect(readRoles(msg)).toEqual([
      { role: "ODRP", rpps: "10000023084" },
      { role: "RP", rpps: "10003456789" },
    ]);
    const parsed = parseAdt(msg);
    expect(parsed.ok && parsed.event.physicians).toEqual([
      { role: "ODRP", rpps: "10000023084" },
      { role: "RP", rpps: "10003456789" },
    ]);
  });

  it("a message without ROL, or with a truncated one, has no physicians (never an error)", () => {
    const none = parseAdt(withRol());
    expect(none.ok && none.event.physicians).toBeUndefined();
    expect(readRoles(withRol("ROL", "ROL||AD", "ROL||AD|ODRP"))).toEqual([]);
  });

  it("ROL-2 DE removes the professional from the stay; others are added or kept", () => {
    const first = mergePhysicians(null, [{ role: "ODRP", rpps: "10000023084" }]);
    const second = mergePhysicians(first, [
      { role: "RP", rpps: "10003456789" },
      { role: "ODRP", rpps: "10000023084" },
    ]);
    expect(JSON.parse(second!)).toEqual([
      { role: "RP", rpps: "10003456789" },
      { role: "ODRP", rpps: "10000023084" },
    ]);
    const removed = mergePhysicians(second, [{ role: "ODRP", rpps: "10000023084", removed: true }]);
    expect(JSON.parse(removed!)).toEqual([{ role: "RP", rpps: "10003456789" }]);
    expect(mergePhysicians(second, undefined)).toBeUndefined();
    const msg = withRol(
      "ROL||DE|ODRP|10000023084^AGNES^Isabelle^^^^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^L^^^RPPS",
    );
    expect(readRoles(msg)).toEqual([{ role: "ODRP", rpps: "10000023084", removed: true }]);
  });
});
