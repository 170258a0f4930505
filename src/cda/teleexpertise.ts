import type { SheetData, ValidatedSheet } from "../forms/index.ts";
import type { HeaderParts } from "./write.ts";
import type { Node } from "./xml.ts";
export function requestHeader(_s: ValidatedSheet): HeaderParts { throw new Error("todo"); }
export function answerHeader(_s: ValidatedSheet): HeaderParts { throw new Error("todo"); }
export function requestBody(_d: SheetData): Node[] { return []; }
