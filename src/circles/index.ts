/**
 * Care circles (cercle de soins): which city professionals follow a patient, keyed by the
 * pseudonym of the INS; the patient's objection stops every notice. {@link CircleService} is the
 * one service behind the CLI (`circle add/remove/list/object/import`), the Matrix `!circle`
 * command and the API. Domain code: no express, no matrix-js-sdk.
 */
export { CircleService, circleOf } from "./service.ts";
export type { CircleDeps } from "./service.ts";
export { importCircleCsv } from "./import.ts";
export type { CircleImportReport } from "./import.ts";
export { CIRCLE_CONSENTS, CIRCLE_SOURCES } from "./types.ts";
export type { Circle, CircleConsent, CircleMember, CircleSource, JoinInput } from "./types.ts";
export { isCircleCommand, runCircleCommand } from "./command.ts";
export { CIRCLES_MIGRATIONS } from "./migrations.ts";
