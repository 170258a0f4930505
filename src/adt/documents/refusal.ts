/** The refusal shape shared by the document adapter's readers (see `../hl7.ts` {@link Rejection}). */
import type { Rejection } from "../hl7.ts";

export type Refusal = { readonly ok: false } & Rejection;

export const refuse = (
  ack: Rejection["ack"],
  reason: string,
  hl7Error: Rejection["hl7Error"],
  location: string,
  text: string,
): Refusal => ({ ok: false, ack, reason, hl7Error, location, text });

/** A value from the message as `refused`: one of our readers said no. */
export const isRefusal = (v: unknown): v is Refusal =>
  typeof v === "object" && v !== null && (v as { ok?: unknown }).ok === false;
