import type { SheetData, ValidatedSheet } from "../forms/index.ts";
import type { HeaderParts } from "./write.ts";
import type { Node } from "./xml.ts";
export function admissionHeader(_s: ValidatedSheet): HeaderParts { throw new Error("todo"); }
export function admissionBody(_d: SheetData): Node[] { return []; }
