/**
 * Tele-expertise answers (avenant 9 à la convention médicale, acte TLE): the requested
 * specialist's answer is completed from the request and the directory, validated as
 * `teleexpertise-answer@1`, signed and queued in the request's room, and the request marked
 * answered, in one transaction. Also the parser of the `!answer` room message.
 */
export { parseAnswerCommand } from "./answer-command.ts";
export { answerTeleexpertise } from "./teleexpertise.ts";
export type { AnsweredTeleexpertise, SpecialistRef } from "./teleexpertise.ts";
