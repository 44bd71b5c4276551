import { describe, expect, it } from "vitest";
import { createBoundedMap } from "../../../adapters/kit/bounded-map.ts";

describe("a bounded map", () => {
  it("keeps at most its size, dropping the least recently set key first", () => {
    const map = createBoundedMap<number>(2);
    map.set("a", 1);
    map.set("b", 2);
    map.set("a", 3);
    map.set("c", 4);
    expect(map.size).toBe(2);
    expect(map.has("b")).toBe(false);
    expect(map.get("a")).toBe(3);
    expect(map.get("c")).toBe(4);
  });
});
