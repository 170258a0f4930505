/**
 * Calls to the Passerelle HTTP API (`/api/v1`, bearer JWT). Failures are RFC 9457 problem
 * documents; field errors come as `errors: [{ path, rule, message }]` and are shown next to the
 * fields. The token lives in sessionStorage only (never in a URL).
 */
const TOKEN_KEY = "passerelle.token";

export interface FieldError {
  readonly path: string;
  readonly rule: string;
  readonly message: string;
}

export interface Problem {
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly code?: string;
  readonly errors: readonly FieldError[];
  /** The whole problem document (some carry a report, e.g. an invalid signature). */
  readonly body: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
  }
}

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string): void => {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear: (): void => {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A message may be a string or `{ fr, en }` (the forms module's issues). */
function messageOf(m: unknown): string {
  if (typeof m === "string") return m;
  if (isRecord(m) && typeof m.fr === "string") return m.fr;
  return "valeur invalide";
}

async function problemOf(res: Response): Promise<Problem> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const b = isRecord(body) ? body : {};
  const errors = Array.isArray(b.errors) ? b.errors.filter(isRecord) : [];
  return {
    status: res.status,
    title: typeof b.title === "string" ? b.title : `Erreur ${res.status}`,
    ...(typeof b.detail === "string" ? { detail: b.detail } : {}),
    ...(typeof b.code === "string" ? { code: b.code } : {}),
    errors: errors.map((e) => ({
      path: typeof e.path === "string" ? e.path : "",
      rule: typeof e.rule === "string" ? e.rule : "",
      message: typeof e.fr === "string" ? e.fr : messageOf(e.message),
    })),
    body: b,
  };
}

/** `fetch` against the API with the session's token; throws {@link ApiError} on a non-2xx answer. */
export async function call(path: string, init: RequestInit = {}, base = "/api/v1"): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = session.token();
  if (token !== null) headers.set("Authorization", `Bearer ${token}`);
  if (typeof init.body === "string") headers.set("Content-Type", "application/json");
  headers.set("Accept", headers.get("Accept") ?? "application/json");
  const res = await fetch(base + path, { ...init, headers });
  if (!res.ok) throw new ApiError(await problemOf(res));
  return res;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await call(path)).json()) as T;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return (await (await call(path, { method: "POST", body: JSON.stringify(body) })).json()) as T;
}

/** French titles of the API's stable error codes (src/core/errors.ts); others show the API's title. */
const TITLES_FR: Readonly<Record<string, string>> = {
  VALIDATION_FAILED: "Données invalides",
  INVALID_JSON: "Requête mal formée",
  UNKNOWN_FORM: "Formulaire inconnu",
  NOT_FOUND: "Introuvable",
  TRUST_POLICY: "Destinataire hors des serveurs autorisés",
  NOT_A_PDF: "Ce fichier n’est pas un PDF",
  PDF_UNSUPPORTED: "PDF non pris en charge",
  PDF_ENCRYPTED: "PDF chiffré (protégé par mot de passe)",
  SIGNATURE_INVALID: "Signature non valide",
  CONFLICT: "Conflit",
  RATE_LIMITED: "Trop de requêtes : réessayez dans une minute",
  PAYLOAD_TOO_LARGE: "Fichier trop volumineux",
  UNSUPPORTED_MEDIA_TYPE: "Type de contenu non accepté",
  XML_REFUSED: "Document XML refusé",
  XML_MALFORMED: "XML mal formé",
  CDA_INVALID: "Document CDA non valide",
};

export const problemTitle = (p: Problem): string => TITLES_FR[p.code ?? ""] ?? p.title;

/** A French sentence for an error, for a notice. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    const p = e.problem;
    if (p.status === 401)
      return session.token() === null
        ? "Connectez-vous d’abord (menu « Se connecter »)."
        : "Session expirée ou jeton refusé : reconnectez-vous.";
    if (p.status === 403) return "Action non autorisée pour votre rôle.";
    const fields = p.errors.map((e) => e.message).join(" ; ");
    return fields === "" ? problemTitle(p) : `${problemTitle(p)} : ${fields}`;
  }
  return "Le service ne répond pas. Réessayez dans un instant.";
}
