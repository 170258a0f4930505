/** Asserts an intake refusal: its code, the path it names, and that no given value is repeated. */
import { expect } from "vitest";
import { PasserelleError } from "../../../../src/core/index.ts";
import { toProblem } from "../../../../src/api/index.ts";

export function refused(
  fn: () => unknown,
  code: string,
  path: string | RegExp,
  secrets: readonly string[] = [],
): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${code} at ${String(path)}`).toBeInstanceOf(PasserelleError);
  const e = error as PasserelleError;
  expect(e.code, e.message).toBe(code);
  const paths = e.issues.map((i) => i.path);
  if (typeof path === "string") expect(paths).toContain(path);
  else
    expect(
      paths.some((p) => path.test(p)),
      paths.join(", "),
    ).toBe(true);
  const problem = JSON.stringify(toProblem(e));
  expect(toProblem(e).status).toBeGreaterThanOrEqual(400);
  expect(toProblem(e).status).toBeLessThan(500);
  for (const s of secrets) expect(problem, `the problem repeats ${s}`).not.toContain(s);
}
