import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;

/** Choices (`/agent`, `/model` per conversation) and external agents' session ids (ACP), shared by every process. */
export function describeChoicesContract(name: string, factory: StoreFactory): void {
  describe(`${name}: choices`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("has no choice for a conversation until one is set, then the latest one", async () => {
      expect(await store().choices.get("telegram:100")).toEqual({});
      await store().choices.set("telegram:100", { agent: "acp" }, t0);
      expect(await store().choices.get("telegram:100")).toEqual({ agent: "acp" });
      await store().choices.set("telegram:100", { agent: "llm", model: "gpt-x" }, t0 + 1);
      expect(await store().choices.get("telegram:100")).toEqual({ agent: "llm", model: "gpt-x" });
      // Clearing the agent (back to the default) keeps only the model.
      await store().choices.set("telegram:100", { model: "gpt-y" }, t0 + 2);
      expect(await store().choices.get("telegram:100")).toEqual({ model: "gpt-y" });
      expect(await store().choices.get("telegram:-500")).toEqual({});
    });

    it("shows a choice made on one process to another", async () => {
      await store().choices.set("telegram:100", { agent: "builtin" }, t0);
      const other = await factory.openAnother();
      expect(await other.choices.get("telegram:100")).toEqual({ agent: "builtin" });
    });
  });

  describe(`${name}: agent sessions`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("keeps one session id per agent and conversation, the latest one", async () => {
      expect(await store().agentSessions.get("acp", "telegram:100")).toBeUndefined();
      await store().agentSessions.set("acp", "telegram:100", "sess-1");
      await store().agentSessions.set("acp", "telegram:100", "sess-2");
      await store().agentSessions.set("other", "telegram:100", "sess-9");
      await store().agentSessions.set("acp", "telegram:-500", "sess-3");
      expect(await store().agentSessions.get("acp", "telegram:100")).toBe("sess-2");
      expect(await store().agentSessions.get("other", "telegram:100")).toBe("sess-9");
      expect(await store().agentSessions.get("acp", "telegram:-500")).toBe("sess-3");
    });

    it("/new clears every agent's session of that conversation only", async () => {
      await store().agentSessions.set("acp", "telegram:100", "sess-1");
      await store().agentSessions.set("other", "telegram:100", "sess-2");
      await store().agentSessions.set("acp", "telegram:-500", "sess-3");
      await store().agentSessions.clear("telegram:100");
      expect(await store().agentSessions.get("acp", "telegram:100")).toBeUndefined();
      expect(await store().agentSessions.get("other", "telegram:100")).toBeUndefined();
      expect(await store().agentSessions.get("acp", "telegram:-500")).toBe("sess-3");
    });

    it("resumes on another process the session id one process stored", async () => {
      await store().agentSessions.set("acp", "telegram:100", "sess-1");
      const other = await factory.openAnother();
      expect(await other.agentSessions.get("acp", "telegram:100")).toBe("sess-1");
    });
  });
}
