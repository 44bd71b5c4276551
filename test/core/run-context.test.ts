import { describe, expect, it } from "vitest";
import { isAllowedHere } from "../../core/run-context.ts";

describe("a chat's tool policy", () => {
  it("lets everything through with all, only reading with read, nothing with none", () => {
    expect((["read", "write", "exec", "network"] as const).map((risk) => isAllowedHere(risk, "all"))).toEqual([true, true, true, true]);
    expect((["read", "write", "exec", "network"] as const).map((risk) => isAllowedHere(risk, "read"))).toEqual([true, false, false, false]);
    expect((["read", "write", "exec", "network"] as const).map((risk) => isAllowedHere(risk, "none"))).toEqual([false, false, false, false]);
  });
});
