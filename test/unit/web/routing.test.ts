/**
 * The web app's French wording of a hospital document's routing (src/web/client/routing-fr.ts): every
 * routing source and every reason code src/documents/routing.ts and queue.ts write has its French
 * text; codes with a variable part (CDA participant function, ROL role) say what they can; an
 * unknown code is shown as it is, never hidden.
 */
import { describe, expect, it } from "vitest";
import { readCda } from "../../../src/cda/read/index.ts";
import type { IncomingDocument, RoutingSource } from "../../../src/documents/index.ts";
import { addressedCandidates } from "../../../src/documents/routing.ts";
import { reasonFr, sourceFr } from "../../../src/web/client/routing-fr.ts";
import { encode, n1Document } from "../../helpers/cda-hospital.ts";

describe("routing wording", () => {
  it("names every routing source in French", () => {
    const sources: Record<RoutingSource, string> = {
      message: "nommé par le message de l’hôpital",
      document: "destinataire du document",
      stay: "médecin du séjour",
      circle: "cercle de soins",
      coordinator: "orienté par la coordination",
    };
    for (const [source, fr] of Object.entries(sources)) expect(sourceFr(source)).toBe(fr);
    expect(sourceFr("carrier-pigeon")).toBe("carrier-pigeon");
    expect(sourceFr("toString")).toBe("toString");
  });

  it("explains the reasons routing gives for a real CDA and a message's recipients", () => {
    const reading = readCda(encode(n1Document({ recipientRpps: "99900000201" })));
    const incoming = { recipients: [{ rpps: "99900000102" }] } as unknown as IncomingDocument;
    const reasons = addressedCandidates(incoming, reading).map((c) => c.reason);
    expect(reasons).toEqual(["message.recipient", "cda.information_recipient"]);
    expect(reasons.map(reasonFr)).toEqual([
      "destinataire désigné par l’hôpital dans son envoi",
      "nommé dans l’en-tête du document CDA (informationRecipient)",
    ]);
  });

  it("explains the stay's ROL roles, the care circle's consents and the coordinator's choice", () => {
    const codes = [
      "cda.information_recipient.copy",
      "cda.participant.pcp",
      ...["treating", "referring", "attending", "admitting", "consulting", "family", "referred_to"].map(
        (r) => `adt.rol.${r}`,
      ),
      "circle.member.informed",
      "circle.member.explicit",
      "coordinator.assigned",
    ];
    for (const c of codes) expect(reasonFr(c), c).not.toBe(c);
    expect(reasonFr("adt.rol.attending")).toBe("médecin responsable du séjour (ROL AT)");
    expect(reasonFr("circle.member.explicit")).toBe(
      "membre du cercle de soins (consentement exprès du patient)",
    );
    expect(reasonFr("coordinator.assigned")).toBe("choisi par la coordination depuis la file « à orienter »");
  });

  it("says what it can of a variable reason, and shows an unknown code as it is", () => {
    expect(reasonFr("cda.participant.ref")).toBe("participant cité dans le document (REF)");
    expect(reasonFr("adt.rol.zz")).toBe("professionnel déclaré pour le séjour (ROL ZZ)");
    expect(reasonFr("something.new")).toBe("something.new");
  });
});
