/**
 * The specialist's answer as a room message (pure parsing, unit-tested):
 *
 * ```
 * !answer [réf. of the request]
 * avis : free text, over as many lines as needed
 * recommandations : …
 * consultation : oui | non
 * délai : …
 * ```
 *
 * `!réponse` is accepted for `!answer`, and the English keys `opinion`, `recommendations`,
 * `consultation`, `delay`. Lines before the first key belong to the opinion; a line that does not
 * start with a key continues the field before it. The result is the `answer` section of
 * `teleexpertise-answer@1`; its validation (`answerTeleexpertise`) names any field at fault.
 */

const COMMAND = /^!(answer|r[ée]ponse)(?:[ \t]+([A-Za-z0-9._-]{1,64}))?[ \t]*(?:\n|$)/i;

const KEYS: Record<string, "opinion" | "recommendations" | "consultationNeeded" | "consultationDelay"> = {
  avis: "opinion",
  opinion: "opinion",
  recommandations: "recommendations",
  recommandation: "recommendations",
  recommendations: "recommendations",
  consultation: "consultationNeeded",
  délai: "consultationDelay",
  delai: "consultationDelay",
  delay: "consultationDelay",
};
const KEY_LINE = /^\s*([A-Za-zéÉ]+)\s*:\s?(.*)$/;
const YES = new Set(["oui", "o", "yes", "y", "true"]);
const NO = new Set(["non", "n", "no", "false"]);

export interface AnswerCommand {
  /** The request's transfer id, when named after the command. */
  readonly requestId?: string;
  /** The `answer` section, not yet validated. */
  readonly answer: Readonly<Record<string, string | boolean>>;
}

/** Parses `!answer …`; `undefined` when the text is not an answer command. */
export function parseAnswerCommand(text: string): AnswerCommand | undefined {
  const head = COMMAND.exec(text.trimStart());
  if (head === null) return undefined;
  const lines = text.trimStart().slice(head[0].length).split("\n");
  const fields = new Map<string, string[]>();
  let current = "opinion";
  for (const line of lines) {
    const m = KEY_LINE.exec(line);
    const key = m === null ? undefined : KEYS[(m[1] ?? "").toLowerCase()];
    if (key !== undefined) {
      current = key;
      fields.set(key, [...(fields.get(key) ?? []), m?.[2] ?? ""]);
    } else fields.set(current, [...(fields.get(current) ?? []), line]);
  }
  const answer: Record<string, string | boolean> = {};
  for (const [key, parts] of fields) {
    const value = parts.join("\n").trim();
    if (value === "") continue;
    if (key === "consultationNeeded") {
      const v = value.toLowerCase();
      answer[key] = YES.has(v) ? true : NO.has(v) ? false : value; // anything else fails validation, named
    } else answer[key] = value;
  }
  return head[2] === undefined ? { answer } : { requestId: head[2], answer };
}
