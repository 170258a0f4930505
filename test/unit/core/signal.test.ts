import { describe, expect, it } from "vitest";
import { Signal } from "../../../src/core/index.ts";

describe("Signal", () => {
  it("tells every listener, in order, until it is removed", () => {
    const s = new Signal<string>();
    const heard: string[] = [];
    const off = s.on((v) => heard.push(`a:${v}`));
    s.on((v) => heard.push(`b:${v}`));
    s.emit("t1");
    off();
    s.emit("t2");
    expect(heard).toEqual(["a:t1", "b:t1", "b:t2"]);
  });

  it("exists before its listeners: an emit with none is a no-op", () => {
    const s = new Signal<number>();
    expect(() => {
      s.emit(1);
    }).not.toThrow();
  });

  it("a failing listener neither stops the others nor reaches the emitter", () => {
    const s = new Signal<number>();
    const heard: number[] = [];
    s.on(() => {
      throw new Error("listener failed");
    });
    s.on((v) => heard.push(v));
    expect(() => {
      s.emit(7);
    }).not.toThrow();
    expect(heard).toEqual([7]);
  });
});
