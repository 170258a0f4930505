/**
 * Tele-expertise documents: the request as CI-SIS TLM-DA 2022.01 (« Demande d'acte de
 * télémédecine »: sections Anamnèse et facteurs de risques › Anamnèse, and Traitements, as the
 * volet requires), and the header of the answer as TLM-CR 2022.01 (non-structured, its body the
 * signed PDF). The act documented is TE1 (NGAP « téléexpertise », code system 1.2.250.1.215.200.3.3).
 */
import type { SheetData, ValidatedSheet } from "../forms/index.ts";
import type { Organisation, Professional } from "./header.ts";
import { ATTACHMENT_KINDS } from "./labels.ts";
import { labelled, paragraphs, table } from "./narrative.ts";
import { section } from "./section.ts";
import { bool, cell, frDate, rows, str, tsDateTime } from "./values.ts";
import { el } from "./xml.ts";
import { sheetAuthor } from "./professions.ts";
import { doctorCode } from "./specialties.ts";
import { idNatPs, type HeaderParts } from "./write.ts";

const TE1 = { code: "TE1", display: "Acte de téléexpertise", system: "1.2.250.1.215.200.3.3" };
const URGENCY: Record<string, string> = { routine: "habituelle", soon: "rapide", urgent: "urgente" };
const KIND: Readonly<Record<string, string>> = ATTACHMENT_KINDS;
const MODALITY: Record<string, string> = {
  oral: "oral",
  written: "écrit",
  legalRepresentative: "représentant légal",
};

export function requestHeader(sheet: ValidatedSheet): HeaderParts {
  const d = sheet.data;
  const practice = str(d, "requester.practice");
  const org: Organisation = practice === undefined ? {} : { name: practice };
  const author = sheetAuthor(d, "requester", { idNatPs: idNatPs(str(d, "requester.rpps")) ?? "" }, org);
  const time = tsDateTime(str(d, "request.requestedAt") ?? "");
  const expertName = str(d, "expert.name");
  const expertId = idNatPs(str(d, "expert.rpps"));
  return {
    time,
    author,
    // The custodian needs a name: without a practice, the requester's own.
    custodian: { name: practice ?? str(d, "requester.name") ?? "" },
    recipients:
      expertName === undefined && expertId === undefined
        ? []
        : [{ name: expertName ?? "", ...(expertId === undefined ? {} : { idNatPs: expertId }) }],
    service: { code: TE1, low: time, performer: author },
    encounter: { low: time },
  };
}

export function answerHeader(sheet: ValidatedSheet): HeaderParts {
  const d = sheet.data;
  const time = tsDateTime(str(d, "answer.answeredAt") ?? "");
  const name = str(d, "expert.name") ?? "";
  const phone = str(d, "expert.phone");
  const author: Professional = {
    name,
    idNatPs: idNatPs(str(d, "expert.rpps")) ?? "",
    profession: doctorCode(str(d, "expert.specialty")),
    ...(phone === undefined ? {} : { phone }),
    org: { name },
  };
  const requester = str(d, "request.requesterName");
  const requested = str(d, "request.requestedAt");
  return {
    time,
    author,
    custodian: { name },
    recipients: requester === undefined ? [] : [{ name: requester }],
    service: {
      code: TE1,
      low: requested === undefined ? time : tsDateTime(requested),
      high: time,
      performer: author,
    },
    encounter: { low: requested === undefined ? time : tsDateTime(requested), high: time },
  };
}

export function requestBody(d: SheetData, id: (n: string) => string): string[] {
  const answerBy = str(d, "request.answerBy");
  const consent = bool(d, "consent.recorded");
  const consentDate = str(d, "consent.date");
  const anamnesis = section({
    id: id("section-anamnese"),
    templateIds: ["1.2.250.1.213.1.1.2.69"],
    code: "34117-2",
    display: "Anamnèse",
    title: "Anamnèse",
    narrative: [
      ...labelled("Spécialité sollicitée", str(d, "expert.specialty")),
      ...labelled("Question posée", str(d, "request.question")),
      ...labelled("Contexte clinique", str(d, "request.context")),
      ...labelled("Délai de réponse", URGENCY[str(d, "request.urgency") ?? ""]),
      ...labelled("Réponse souhaitée avant le", answerBy === undefined ? undefined : frDate(answerBy)),
      ...table(
        ["Pièce jointe", "Nature", "Date"],
        rows(d, "attachments.files").map((r) => [
          cell(r, "title"),
          KIND[cell(r, "kind") ?? ""] ?? cell(r, "kind"),
          cell(r, "date") === undefined ? undefined : frDate(cell(r, "date") ?? ""),
        ]),
      ),
      ...labelled(
        "Consentement du patient recueilli",
        consent === undefined ? undefined : consent ? "oui" : "non",
      ),
      ...labelled("Date du consentement", consentDate === undefined ? undefined : frDate(consentDate)),
      ...labelled("Modalité du consentement", MODALITY[str(d, "consent.modality") ?? ""]),
    ],
  });
  const history = section({
    id: id("section-anamnese-facteurs"),
    templateIds: ["1.2.250.1.213.1.1.2.68"],
    code: "46612-8",
    display: "Anamnèse et facteurs de risques",
    title: "Anamnèse et facteurs de risques",
    narrative: [el("paragraph", {}, "Voir l'anamnèse ci-dessous.")],
    sections: [anamnesis],
  });
  const treatments = str(d, "request.treatments");
  return [
    history,
    section({
      id: id("section-traitements"),
      templateIds: [
        "2.16.840.1.113883.10.20.1.8",
        "1.3.6.1.4.1.19376.1.5.3.1.3.19",
        "1.2.250.1.213.1.1.2.143",
      ],
      code: "10160-0",
      display: "Traitements",
      title: "Traitements",
      narrative:
        treatments === undefined
          ? paragraphs("Traitements non renseignés dans la demande (voir le contexte clinique).")
          : paragraphs(treatments),
    }),
  ];
}
