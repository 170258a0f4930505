/**
 * Medical specialties of JDV_J01_XdsAuthorSpecialty_CISIS (1.2.250.1.213.1.1.5.461, ANS value set
 * version 20241213): TRE_G15 profession « Médecin » (G15_10) with a TRE_R38 specialty, written
 * `G15_10/SMnn`. The forms hold the specialty as free text: it is coded when it names one of these
 * (accents and case ignored, exact name first, then the first name it begins), and always carried
 * as the code's `originalText`, so the form's text reads back as written.
 */
import { MEDECIN } from "./professions.ts";

/** `SMnn` → the specialty's name in the value set (without « Médecin - » and « (SM) »). */
const SM: readonly (readonly [string, string])[] = [
  ["SM01", "Anatomie et Cytologie pathologiques"],
  ["SM02", "Anesthésie-réanimation"],
  ["SM03", "Biologie médicale"],
  ["SM04", "Cardiologie et maladies vasculaires"],
  ["SM05", "Chirurgie générale"],
  ["SM06", "Chirurgie maxillo-faciale"],
  ["SM07", "Chirurgie maxillo-faciale et Stomatologie"],
  ["SM08", "Chirurgie orthopédique et Traumatologie"],
  ["SM09", "Chirurgie infantile"],
  ["SM10", "Chirurgie plastique reconstruct et esthétique"],
  ["SM11", "Chirurgie thoracique et cardio-vasculaire"],
  ["SM12", "Chirurgie urologique"],
  ["SM13", "Chirurgie vasculaire"],
  ["SM14", "Chirurgie viscérale et digestive"],
  ["SM15", "Dermatologie et Vénéréologie"],
  ["SM16", "Endocrinologie et métabolisme"],
  ["SM17", "Génétique médicale"],
  ["SM18", "Gériatrie"],
  ["SM19", "Gynécologie médicale"],
  ["SM20", "Gynécologie-obstétrique"],
  ["SM21", "Hématologie"],
  ["SM22", "Hématologie, opt Maladie du sang"],
  ["SM23", "Hématologie, opt Onco-hématologie"],
  ["SM24", "Gastro-entérologie et hépatologie"],
  ["SM25", "Médecine du travail"],
  ["SM26", "Qualifié en Médecine Générale"],
  ["SM27", "Médecine interne"],
  ["SM28", "Médecine nucléaire"],
  ["SM29", "Médecine physique et réadaptation"],
  ["SM30", "Néphrologie"],
  ["SM31", "Neuro-chirurgie"],
  ["SM32", "Neurologie"],
  ["SM33", "Neuro-psychiatrie"],
  ["SM34", "ORL et Chirurgie cervico-faciale"],
  ["SM35", "Oncologie, opt Onco-hématologie"],
  ["SM36", "Oncologie, opt médicale"],
  ["SM37", "Oncologie, opt radiothérapie"],
  ["SM38", "Ophtalmologie"],
  ["SM39", "Oto-rhino-laryngologie"],
  ["SM40", "Pédiatrie"],
  ["SM41", "Pneumologie"],
  ["SM42", "Psychiatrie"],
  ["SM43", "Psychiatrie, opt enfant et adolescent"],
  ["SM44", "Radio-diagnostic"],
  ["SM45", "Radio-thérapie"],
  ["SM46", "Médecine intensive-réanimation"],
  ["SM47", "Recherche médicale"],
  ["SM48", "Rhumatologie"],
  ["SM49", "Santé publique et Médecine sociale"],
  ["SM50", "Stomatologie"],
  ["SM51", "Gynéco-obstétrique et Gynéco méd, opt Gyn-obs"],
  ["SM52", "Gynéco-obstétrique et Gynéco méd, opt Gyn-méd"],
  ["SM53", "Spécialiste en Médecine Générale"],
  ["SM54", "Médecine Générale"],
  ["SM55", "Radio-diagnostic et Radio-Thérapie"],
  ["SM56", "Chirurgie orale"],
  ["SM57", "Allergologie"],
  ["SM58", "Maladies infectieuses et tropicales"],
  ["SM59", "Médecine d'urgence"],
  ["SM60", "Médecine légale et expertises médicales"],
  ["SM61", "Médecine vasculaire"],
  ["SM62", "Endocrinologie, diabétologie, nutrition"],
  ["SM63", "Biologie médicale option biologie générale"],
  ["SM64", "Biologie médicale option médecine moléculaire, génétique et pharmacologie"],
  ["SM65", "Biologie médicale option hématologie et immunologie"],
  ["SM66", "Biologie médicale option agents infectieux"],
  ["SM67", "Biologie médicale option biologie de la reproduction"],
  ["SM68", "Chirurgie maxillo-faciale (réforme 2017)"],
  ["SM69", "Chirurgie pédiatrique option chirurgie viscérale pédiatrique"],
  ["SM70", "Chirurgie pédiatrique option orthopédie pédiatrique"],
  ["SM71", "Hématologie (réforme 2017)"],
  ["SM72", "Médecine interne et immunologie clinique"],
  ["SM73", "Médecine cardiovasculaire"],
  ["SM74", "Radiologie et imagerie médicale"],
  ["SM75", "Santé publique"],
  ["SM76", "Anesthésie-réanimation option anesthésie-pédiatrique"],
  ["SM77", "Chirurgie maxillo-faciale option orthodontie des dysmorphies maxillo-faciales"],
  ["SM78", "Chirurgie viscérale et digestive option endoscopie chirurgicale"],
  ["SM79", "Médecine cardiovasculaire option cardiologie interventionnelle"],
  ["SM80", "Médecine cardiovasculaire option imagerie cardio d'expert"],
  ["SM81", "Médecine cardiovasculaire option rythmologie interventionnelle et stimulation cardiaque"],
  ["SM82", "Médecine intensive-réanimation option réanimation pédiatrique"],
  ["SM83", "Néphrologie option soins intensifs néphrologiques"],
  ["SM84", "Neurologie option traitement interventionnel de l'ischémie cérébrale aigüe"],
  ["SM85", "Ophtalmo option chirurgie ophtalmopédiatrique et strabologique"],
  ["SM86", "ORL et chirurgie cervico-faciale option audiophonologie"],
  ["SM87", "Pédiatrie option néonatologie"],
  ["SM88", "Pédiatrie option neuropédiatrie"],
  ["SM89", "Pédiatrie option pneumopédiatrie"],
  ["SM90", "Pédiatrie option réanimation pédiatrique"],
  ["SM91", "Pneumologie option soins intensifs respiratoires"],
  ["SM92", "Psychiatrie option enfant et adolescent"],
  ["SM93", "Psychiatrie option psychiatrie personne âgée"],
  ["SM94", "Radiologie imagerie médicale option radiologie interventionnelle avancée"],
  ["SM95", "Santé publique option administration de la santé"],
];

const fold = (s: string): string =>
  s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();

export interface ProfessionCode {
  readonly code: string;
  readonly display: string;
  /** The form's own text for it (specialty or profession), carried as `originalText`. */
  readonly text?: string;
}

/** A doctor's free-text specialty as `G15_10/SMnn` when it names one, else `G15_10`; the text as originalText. */
export function doctorCode(specialty: string | undefined): ProfessionCode {
  if (specialty === undefined) return MEDECIN;
  const s = fold(specialty);
  const hit =
    SM.find(([, name]) => fold(name) === s) ??
    (s.length < 4 ? undefined : SM.find(([, name]) => fold(name).startsWith(s)));
  return hit === undefined
    ? { ...MEDECIN, text: specialty }
    : { code: `G15_10/${hit[0]}`, display: `Médecin - ${hit[1]} (SM)`, text: specialty };
}
