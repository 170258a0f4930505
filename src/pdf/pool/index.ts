/** Rendering and signing sheets in worker threads (see `pool.ts`). */
export { SheetPool } from "./pool.ts";
