/**
 * The HTTP adapter: the REST API under `/api/v1` — the only folder besides the CLI that
 * imports express. Routes are thin and call the same service functions as the CLI.
 */
export { createHttpApp, API_PREFIX } from "./app.ts";
export { listen } from "./server.ts";
export type { HttpServer } from "./server.ts";
export type { ApiServices, AnswerTeleexpertise, DocumentServices, ToRouteItem } from "./services.ts";
export { incomingFromCda, incomingFromFhir, incomingFromMultipart } from "./intake/index.ts";
export { TokenVerifier, rppsFromClaim, OIDC_ALGORITHMS, LOCAL_ALGORITHMS } from "./auth.ts";
export type { TokenClaims } from "./auth.ts";
export {
  LOCAL_ISSUER,
  LOCAL_AUDIENCE,
  TOKEN_KEY_FILE,
  issueLocalToken,
  loadLocalIssuerKey,
  parseTtl,
} from "./local-issuer.ts";
export type { LocalIssuerKey, IssueTokenInput } from "./local-issuer.ts";
export { toProblem, toPasserelleError, problemType, PROBLEM_CONTENT_TYPE } from "./problem.ts";
export type { Problem, ProblemFieldError } from "./problem.ts";
export { openApiDocument } from "./openapi.ts";
