/**
 * The HTTP role: the API (/api/v1) over the service functions, the web app in front of it, tokens
 * from the local issuer or the configured OIDC issuer.
 */
import type { ApiServices, HttpServer } from "../api/index.ts";
import { TokenVerifier, createHttpApp, loadLocalIssuerKey } from "../api/index.ts";
import type { Kernel } from "../kernel.ts";
import { listenWithWeb } from "../web/index.ts";
import type { ResolvedHomeserver } from "./homeserver.ts";
import type { AppLog, Closers } from "./log.ts";

/** What the API calls beyond the kernel: the service functions, shared with the CLI. */
export type HttpServices = Pick<
  ApiServices,
  "createTransfer" | "transferStatus" | "answerTeleexpertise" | "receiveAdt" | "circles" | "documents"
>;

/** Listens on `PASSERELLE_HTTP_HOST`/`_PORT`; closes with `closers`. */
export async function startHttp(
  kernel: Kernel,
  services: HttpServices,
  homeserver: ResolvedHomeserver,
  log: AppLog,
  closers: Closers,
): Promise<HttpServer> {
  const { config, clock } = kernel;
  const localKey = await loadLocalIssuerKey(config.dataDir);
  const tokens = new TokenVerifier(localKey, config.http.oidc, clock);
  const { caPem } = await kernel.signer();
  // The web app (src/web) serves `/` and its assets in front of the API (demo logins if embedded).
  const web = homeserver.web(localKey, clock, kernel.directory.repository);
  const http = await listenWithWeb(web)(
    createHttpApp(
      {
        ...services,
        db: kernel.db,
        trail: kernel.trail,
        clock,
        forms: await kernel.forms(),
        directory: kernel.directory,
        trustedCas: caPem === undefined ? [] : [caPem],
        tokens,
        log: log.child({ module: "http" }),
      },
      config.http,
    ),
    config.http,
  );
  closers.add(() => http.close());
  return http;
}
