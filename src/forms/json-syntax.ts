/**
 * Where a JSON text first goes wrong, without quoting it: V8's `SyntaxError` messages embed a
 * slice of the input (patient data), so the offset is found by this small RFC 8259 scanner.
 */

export interface JsonSyntaxPosition {
  /** 0-based UTF-16 offset of the first character that cannot continue valid JSON. */
  readonly offset: number;
  /** 1-based line and column of that character. */
  readonly line: number;
  readonly column: number;
}

class Stop extends Error {
  readonly at: number;
  constructor(at: number) {
    super("JSON syntax error");
    this.at = at;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/** Position of the first syntax error in `text`, or `undefined` when it is valid JSON. */
export function jsonSyntaxError(text: string): JsonSyntaxPosition | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && " \t\n\r".includes(text.charAt(i))) i++;
  };
  const match = (re: RegExp): boolean => {
    re.lastIndex = i;
    if (!re.test(text)) return false;
    i = re.lastIndex;
    return true;
  };
  const expect = (c: string): void => {
    if (text.charAt(i) !== c) throw new Stop(i);
    i++;
  };
  const string = (): void => {
    expect('"');
    for (;;) {
      while (i < text.length) {
        const c = text.charCodeAt(i);
        if (c === 0x22 || c === 0x5c || c < 0x20) break; // '"', '\\', control characters
        i++;
      }
      if (text.charAt(i) === '"') {
        i++;
        return;
      }
      if (text.charAt(i) !== "\\" || !match(ESCAPE)) throw new Stop(i);
    }
  };
  /** After a `{` or `[`: nothing, or `member`s separated by `,`; then `close` (RFC 8259 §4, §5). */
  const members = (close: string, member: () => void): void => {
    i++;
    ws();
    if (text.charAt(i) === close) {
      i++;
      return;
    }
    for (;;) {
      member();
      ws();
      if (text.charAt(i) === close) {
        i++;
        return;
      }
      expect(",");
    }
  };
  const value = (): void => {
    ws();
    const c = text.charAt(i);
    if (c === "{") {
      members("}", () => {
        ws();
        string();
        ws();
        expect(":");
        value();
      });
      return;
    }
    if (c === "[") {
      members("]", value);
      return;
    }
    if (c === '"') {
      string();
      return;
    }
    for (const lit of ["true", "false", "null"])
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    if (!match(NUMBER)) throw new Stop(i);
  };
  try {
    value();
    ws();
    if (i < text.length) throw new Stop(i);
    return undefined;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    const before = text.slice(0, e.at).split("\n");
    return { offset: e.at, line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
  }
}
