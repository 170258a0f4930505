/**
 * The French labels of the forms' enumerated values as the narrative blocks print them (CI-SIS:
 * the narrative is the attested content). One table for the writer (admission, discharge,
 * tele-expertise letters) and the reader (`read/volet-specs*.ts`), which recognises a value by its
 * label: a label changed on one side only would no longer read back.
 */
export const STAY_LABELS = {
  admissionMode: {
    scheduled: "programmée",
    emergency: "en urgence",
    directReferral: "adressage direct",
    transfer: "transfert",
    internal: "mutation interne",
  },
  dischargeMode: {
    home: "retour à domicile",
    residence: "retour en EHPAD / résidence",
    had: "HAD",
    rehab: "SMR",
    transfer: "transfert",
    death: "décès",
  },
  mdro: {
    notScreened: "non recherchée",
    negative: "recherche négative",
    carrier: "porteur de BMR",
    emerging: "BHRe",
  },
  status: { started: "introduit", continued: "poursuivi", modified: "modifié" },
  change: { stopped: "arrêté", modified: "modifié", suspended: "suspendu" },
} as const;

/** The admission letter's enumerations. */
export const ADMISSION_LABELS = {
  admissionType: { scheduled: "programmée", unscheduled: "non programmée", emergency: "urgence" },
  allergies: {
    none: "Aucune allergie connue.",
    known: "Allergies connues :",
    unknown: "Allergies non connues à ce jour.",
  },
  autonomy: { autonomous: "autonome", partial: "partiellement dépendant", dependent: "dépendant" },
  livingPlace: {
    homeAlone: "à domicile, seul",
    homeWithOthers: "à domicile, entouré",
    ehpad: "en EHPAD",
    other: "autre",
  },
  advanceDirectives: { written: "rédigées", none: "aucune", unknown: "inconnues" },
} as const;

/** Kinds of a tele-expertise attachment. */
export const ATTACHMENT_KINDS = {
  photo: "photographie",
  report: "compte rendu",
  lab: "biologie",
  imaging: "imagerie",
  ecg: "ECG",
  other: "autre",
} as const;
