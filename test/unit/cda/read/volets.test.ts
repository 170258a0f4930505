import { describe, expect, it } from "vitest";
import { readCda } from "../../../../src/cda/read/index.ts";
import { encode, n1Document } from "../../../helpers/cda-hospital.ts";

/** The N1 test document turned into a structured one of `volet` (templateId) with `sections`. */
function structured(templateId: string, loinc: string, sections: string): Buffer {
  const xml = n1Document()
    .replace(
      '<templateId root="1.3.6.1.4.1.19376.1.2.20"/>',
      `<templateId root="${templateId}" extension="2022.01"/>`,
    )
    .replace('code="11490-0"', `code="${loinc}"`)
    .replace(
      /<component><nonXMLBody>[\s\S]*<\/nonXMLBody><\/component>/,
      `<component><structuredBody>${sections}</structuredBody></component>`,
    );
  return encode(xml);
}
const section = (loinc: string, text: string): string =>
  `<component><section><code code="${loinc}" codeSystem="2.16.840.1.113883.6.1"/><title>t</title><text>${text}</text></section></component>`;
const bold = (label: string, value: string): string =>
  `<paragraph><content styleCode="Bold">${label} : </content>${value}</paragraph>`;

describe("sheet fields of the volets Passerelle writes, from the writer's narrative conventions", () => {
  it("LDL-SES: labelled paragraphs on several lines, coded-mode IDs, yes/no, tables, joined contact", () => {
    const r = readCda(
      structured(
        "1.2.250.1.213.1.1.1.29",
        "11490-0",
        section("42349-1", "<paragraph>Chute.</paragraph><paragraph>Dyspnée.</paragraph>") +
          section(
            "42545-4",
            `<paragraph>Entrée le 08/03/2024, modalité d'entrée : <content ID="mode-entree">en urgence</content></paragraph>` +
              `<paragraph>Sortie le 15/03/2024, modalité de sortie : <content ID="mode-sortie">retour à domicile</content></paragraph>` +
              bold("Synthèse", "Ligne 1") +
              "<paragraph>Ligne 2</paragraph>" +
              `<paragraph><content styleCode="Bold">Bactéries multirésistantes : </content><content ID="bmr">porteur de BMR</content></paragraph>` +
              `<paragraph><content styleCode="Bold">Transfusion : </content><content ID="transfusion">non</content></paragraph>` +
              `<table border="1"><thead><tr><th>Dispositif implanté</th><th>Référence</th><th>Date</th></tr></thead>` +
              `<tbody><tr><td>Pacemaker</td><td>PM-1</td><td>10/03/2024</td></tr></tbody></table>`,
          ) +
          section(
            "10183-2",
            `<table><thead><tr><th>Médicament</th><th>Dosage</th><th>Posologie</th><th>Durée</th><th>Statut</th></tr></thead>` +
              `<tbody><tr><td>Furosémide</td><td>40 mg</td><td>1 cp/j</td><td>1 mois</td><td>introduit</td></tr></tbody></table>` +
              "<paragraph>Ordonnance remise au patient : oui.</paragraph>",
          ) +
          section(
            "18776-5",
            `<table><thead><tr><th>Date</th><th>Avec</th><th>Objet</th><th>Lieu</th></tr></thead>` +
              `<tbody><tr><td>19/03/2024 09 h 30</td><td>IDE</td><td>Bilan</td><td>Domicile</td></tr></tbody></table>` +
              bold(
                "Contact à l'hôpital",
                "Dr B, gériatre — secrétariat — 04 78 00 00 00 — b@ch.example — 9 h – 17 h",
              ) +
              "<paragraph>Lettre remise au patient : non.</paragraph>",
          ) +
          section("48765-2", "<list><caption>Allergies connues</caption><item>Pénicilline</item></list>"),
      ),
    );
    expect(r.sheet?.form).toBe("discharge");
    expect(r.sheet?.data).toMatchObject({
      reason: { text: "Chute.\nDyspnée." },
      stay: { admissionMode: "emergency", dischargeMode: "home", admissionDate: "2024-03-08" },
      synthesis: {
        summary: "Ligne 1\nLigne 2",
        mdro: "carrier",
        transfusion: false,
        implants: [{ device: "Pacemaker", reference: "PM-1", date: "2024-03-10" }],
      },
      treatments: {
        atDischarge: [
          {
            medicine: "Furosémide",
            dosage: "40 mg",
            posology: "1 cp/j",
            duration: "1 mois",
            status: "started",
          },
        ],
        prescriptionHandedOver: true,
      },
      followUp: {
        appointments: [{ date: "2024-03-19T09:30", with: "IDE", purpose: "Bilan", place: "Domicile" }],
      },
      contact: {
        name: "Dr B, gériatre — secrétariat",
        phone: "04 78 00 00 00",
        secureEmail: "b@ch.example",
        availability: "9 h – 17 h",
      },
      recipients: { handedToPatient: false },
      allergies: { known: ["Pénicilline"] },
    });
  });

  it("LDL-EES: enum labels, integer, trusted person in sequence; TLM-DA: the writer's placeholder is no value", () => {
    const ees = readCda(
      structured(
        "1.2.250.1.213.1.1.1.21",
        "18761-7",
        section("42349-1", bold("Type d'admission", "programmée") + bold("Date prévue", "20/03/2024")) +
          section("48765-2", "<paragraph>Allergies connues :</paragraph><list><item>Iode</item></list>") +
          section(
            "55112-7",
            bold("GIR", "4") +
              bold("Autonomie", "dépendant") +
              bold("Personne de confiance", "Anne Roux, fille, 06 00 00 00 00"),
          ),
      ),
    );
    expect(ees.sheet?.data).toMatchObject({
      referral: { admissionType: "scheduled", plannedDate: "2024-03-20" },
      allergies: { status: "known", items: ["Iode"] },
      autonomy: { gir: 4, level: "dependent" },
      wishes: { trustedPerson: { name: "Anne Roux", relationship: "fille", phone: "06 00 00 00 00" } },
    });
    const da = readCda(
      structured(
        "1.2.250.1.213.1.1.1.38",
        "75496-0",
        section(
          "10160-0",
          "<paragraph>Traitements non renseignés dans la demande (voir le contexte clinique).</paragraph>",
        ),
      ),
    );
    expect(da.sheet?.form).toBe("teleexpertise-request");
    expect(da.sheet?.data.request).toEqual({ requestedAt: "2024-03-15T17:45:00+01:00" });
  });

  it("LDL-SES: the médecin traitant and the referrer from the header participants (INF/PCP, REFB), else from the recipients in order", () => {
    const ses = (participants: string): Buffer =>
      encode(
        structured("1.2.250.1.213.1.1.1.29", "11490-0", section("42349-1", "<paragraph>Chute.</paragraph>"))
          .toString("utf8")
          .replace("<componentOf>", `${participants}<componentOf>`),
      );
    const entity = (family: string, extra = ""): string =>
      `<time nullFlavor="UNK"/><associatedEntity classCode="PROV">${extra}<associatedPerson><name><family>${family}</family></name></associatedPerson></associatedEntity>`;
    // An informant that is not the médecin traitant: the recipients still say who the GP is.
    const other = readCda(ses(`<participant typeCode="INF">${entity("Voisin")}</participant>`));
    expect(other.sheet?.data["practitioners"]).toMatchObject({
      gp: { name: "Paul Roux", rpps: "99900678907" },
    });
    const byRole = readCda(
      ses(
        `<participant typeCode="INF"><functionCode code="PCP" codeSystem="2.16.840.1.113883.5.88"/>${entity(
          "Martin",
          '<code code="G15_10/SM54" codeSystem="1.2.250.1.213.1.1.4.5" displayName="Médecin - Médecine Générale (SM)"><originalText>Médecine générale</originalText></code><telecom value="tel:0478000000"/>',
        )}</participant><participant typeCode="REFB">${entity("Nguyen")}</participant>`,
      ),
    );
    expect(byRole.sheet?.data["practitioners"]).toMatchObject({
      gp: { name: "Martin", specialty: "Médecine générale", phone: "0478000000" },
      referrer: { name: "Nguyen" },
    });
  });
});
