/**
 * The web app's HTTP side: `/` serves the single page, `/assets/app.js` the
 * bundle (built in memory by esbuild, see `bundle.ts`), `/assets/app.css` the stylesheet. On the
 * embedded default only, `/web/demo/accounts` and `POST /web/demo/token` let a visitor log in as
 * a fictional demo member with a token of the local issuer. Everything else goes to the API.
 */
import express from "express";
import type { ErrorRequestHandler, Express, RequestHandler, Router } from "express";
import helmet from "helmet";
import type { HttpServer } from "../api/index.ts";
import { PROBLEM_CONTENT_TYPE, listen, toPasserelleError, toProblem } from "../api/index.ts";
import type { HttpConfig } from "../config/index.ts";
import type { PasserelleError } from "../core/index.ts";
import { fieldError } from "../core/index.ts";
import { webAssets } from "./bundle.ts";
import type { WebAssets } from "./bundle.ts";

/** One demo login: a fictional member of the demo CPTS and one of their directory roles. */
export interface DemoAccount {
  readonly name: string;
  readonly rpps: string;
  readonly role: string;
  /** What the account is for, in French (e.g. « équipe de sortie, gériatrie »). */
  readonly label: string;
}

export interface WebOptions {
  /** Demo logins (embedded default only): the accounts, and a local-issuer token for one of them. */
  readonly demo?: {
    readonly accounts: readonly DemoAccount[];
    issueToken(account: DemoAccount): Promise<string>;
  };
}

/**
 * The page's Content Security Policy. `'unsafe-eval'` is needed by ajv, which compiles the form's
 * JSON Schema to a function in the browser (client-side validation); nothing else is relaxed.
 * `blob:` frames show the PDF preview (and the page reads its own blob URLs).
 */
export const WEB_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", "'unsafe-eval'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:", "blob:"],
  frameSrc: ["'self'", "blob:"],
  connectSrc: ["'self'", "blob:"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

const wrap =
  (fn: (req: express.Request, res: express.Response) => Promise<void>): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };

const badAccount = (): PasserelleError =>
  fieldError("NOT_FOUND", "no such demo account", "rpps", "demoAccount", {
    en: "not a demo account with this role",
    fr: "pas un compte de démonstration avec ce rôle",
  });

/**
 * The web app's own files: the page is never stored (RFC 9111 §5.2.2.5 `no-store`), the script
 * and the style sheet are revalidated on each use (`no-cache`).
 */
const ASSETS: readonly {
  readonly paths: string | string[];
  readonly type: string;
  readonly cache: "no-store" | "no-cache";
  readonly body: (a: WebAssets) => string;
}[] = [
  { paths: ["/", "/index.html"], type: "html", cache: "no-store", body: (a) => a.indexHtml },
  { paths: "/assets/app.js", type: "text/javascript", cache: "no-cache", body: (a) => a.appJs },
  { paths: "/assets/app.css", type: "text/css", cache: "no-cache", body: (a) => a.appCss },
];

/** The web app's routes (mount at `/`, before the API's catch-all). */
export function webRouter(options: WebOptions = {}): Router {
  const r = express.Router();
  // Security headers on the web app's own responses only (the API sets its own).
  const secure = helmet({ contentSecurityPolicy: { useDefaults: false, directives: WEB_CSP } });
  for (const asset of ASSETS) {
    r.get(
      asset.paths,
      secure,
      wrap(async (_req, res) => {
        const a = await webAssets();
        res.setHeader("Cache-Control", asset.cache);
        res.type(asset.type).send(asset.body(a));
      }),
    );
  }
  const demo = options.demo;
  if (demo !== undefined) {
    r.get("/web/demo/accounts", secure, (_req, res) => {
      res.setHeader("Cache-Control", "no-store");
      res.json({ items: demo.accounts });
    });
    r.post(
      "/web/demo/token",
      secure,
      express.json({ limit: "4kb" }),
      wrap(async (req, res) => {
        const body = req.body as { rpps?: unknown; role?: unknown } | undefined;
        const account = demo.accounts.find((a) => a.rpps === body?.rpps && a.role === body.role);
        if (account === undefined) throw badAccount();
        res.setHeader("Cache-Control", "no-store");
        res.json({ token: await demo.issueToken(account) });
      }),
    );
  }
  const problems: ErrorRequestHandler = (err, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const problem = toProblem(toPasserelleError(err));
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  };
  r.use(problems);
  return r;
}

/** The whole HTTP app: the web app's routes, then the API app (`createHttpApp`) for the rest. */
export function withWebApp(api: Express, options: WebOptions = {}): Express {
  const root = express();
  root.disable("x-powered-by");
  root.set("etag", false);
  root.use(webRouter(options));
  root.use(api);
  return root;
}

/** `listen` (src/api/server.ts) with the web app in front of the API app. */
export const listenWithWeb =
  (options: WebOptions) =>
  (api: Express, config: HttpConfig): Promise<HttpServer> =>
    listen(withWebApp(api, options), config);
