/**
 * The hospital's ADT feed: HL7 v2.5 ADT messages as IHE PAM France profiles them, over
 * MLLP ({@link startMllpListener}) or as JSON ({@link receiveAdtJson}); each accepted message is
 * stored before its ACK, then turned into admission and discharge notices for the patient's care
 * circle by the {@link AdtProcessor}; {@link checkSameDayLetters} follows the HAS « document de
 * sortie le jour même » indicator. The same listener hands the hospital's MDM/ORU document messages
 * to the documents service ({@link parseDocumentMessage}). Domain code: no express, no matrix-js-sdk.
 */
export { ADT_TRIGGERS, INS_OIDS, INS_TEST_OIDS, validateAdtEvent } from "./event.ts";
export type { AdtEvent, AdtTrigger, StayPhysician } from "./event.ts";
export { readRoles, stayPhysicians } from "./physicians.ts";
export type { StayByVisit } from "./physicians.ts";
export { parseAdt } from "./hl7.ts";
export { parseDocumentMessage } from "./documents/index.ts";
export type { DocumentParse } from "./documents/index.ts";
export { parseEr7 } from "./er7.ts";
export type { Er7Message } from "./er7.ts";
export { answerFrame } from "./intake.ts";
export type { FrameAnswer, FrameContext } from "./intake.ts";
export { listRefused, storeRefused } from "./review.ts";
export type { RefusedFrame, RefusedRow } from "./review.ts";
export type { ParseResult, Rejection } from "./hl7.ts";
export { ackCode, buildAck, buildBareAck } from "./ack.ts";
export { acceptAdtEvent, adtMessageCounts, receiveAdtJson, recordRejection } from "./store.ts";
export type { Acceptance, AdtDeps } from "./store.ts";
export { startMllpListener } from "./listener.ts";
export type { MllpListener, MllpListenerOptions } from "./listener.ts";
export { HOSPITAL_TIME_ZONE, hl7Time, parisDay, toParisIso } from "./time.ts";
export { AdtProcessor } from "./worker.ts";
export type { AdtProcessorOptions } from "./worker.ts";
export { ADT_ACTOR, CARE_TEAM_UNIT, processAdtMessage, sendNotice, stayKey } from "./processor.ts";
export type { AdtProcessorDeps } from "./processor.ts";
export { checkSameDayLetters, noteDischargeLetter, sameDayIndicator } from "./sameday.ts";
export type { SameDayIndicator } from "./sameday.ts";
export { noticeSheet, withdrawal } from "./notices.ts";
export type { NoticeSheet, NoticeStatus } from "./notices.ts";
export { adtUnit, reachableUnitAddress, setAdtUnit } from "./units.ts";
export type { AdtUnit, UnitAddress } from "./units.ts";
export { ADT_MIGRATIONS } from "./migrations.ts";
