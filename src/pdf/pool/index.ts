/** Rendering and signing sheets in worker threads (see `pool.ts`). */
export { defaultPoolThreads, SheetPool } from "./pool.ts";
