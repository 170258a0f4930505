/**
 * The web app: a French single-page app for discharge teams, recipients and
 * coordinators, served by the service's own HTTP server; its browser code is in `client/`.
 */
export { WEB_CSP, listenWithWeb, webRouter, withWebApp } from "./router.ts";
export type { DemoAccount, WebOptions } from "./router.ts";
export { webAssets } from "./bundle.ts";
export { demoWebOptions } from "./demo.ts";
