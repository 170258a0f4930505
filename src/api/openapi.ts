/** The OpenAPI 3.1 document of `/api/v1` (served at `/api/v1/openapi.json`). */
export function openApiDocument(): Record<string, unknown> {
  return { openapi: "3.1.0", info: { title: "Passerelle API", version: "1" }, paths: {} };
}
