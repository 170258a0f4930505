/** The injectable clock: every "now" in domain code comes from here, so tests and golden files fix time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock stopped at `at` (ISO string or Date); `advance` moves it forward. */
export function fixedClock(at: string | Date): Clock & { advance(ms: number): void } {
  let t = new Date(at).getTime();
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
  };
}
