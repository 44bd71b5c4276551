import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BridgeError } from "../../../core/types/errors.ts";
import { writtenContent } from "../../fakes/acp-agent.ts";
import { eventually } from "../../support/eventually.ts";
import { agentInput, collect, startFakeAcp, statusesOf, testContext, textOf } from "./harness.ts";

describe("a prompt turn with an ACP agent", () => {
  it("streams the message chunks, shows the tool call as a status line, and writes the file once approved", async () => {
    const fake = startFakeAcp();
    const { context, approvals } = testContext(() => true);
    const events = await collect(fake.agent.run(agentInput("tidy up"), context));

    expect(events.filter((event) => event.type === "text-delta").map((event) => event.type === "text-delta" && event.text)).toEqual([
      "Sure, ",
      "I will edit the file.",
      " wrote it",
    ]);
    expect(statusesOf(events)).toEqual(["✏️ editing notes.txt"]);
    expect(events.at(-1)).toEqual({ type: "done" });
    expect(readFileSync(join(fake.cwd, "notes.txt"), "utf8")).toBe(writtenContent);
    expect(approvals).toEqual([{ toolName: "Edit notes.txt", risk: "write", canBeAlways: true, summary: expect.stringContaining("edit: notes.txt") }]);
    const outcome = fake.received().find((entry) => entry.method === "permission-outcome");
    expect(outcome?.params).toEqual({ outcome: "selected", optionId: "allow-once" });
  });

  it("answers with the agent's reject option when the approval is denied, and nothing is written", async () => {
    const fake = startFakeAcp();
    const { context } = testContext(() => false);
    const events = await collect(fake.agent.run(agentInput("tidy up"), context));
    expect(textOf(events)).toBe("Sure, I will edit the file. you rejected it");
    expect(existsSync(join(fake.cwd, "notes.txt"))).toBe(false);
    expect(fake.received().find((entry) => entry.method === "permission-outcome")?.params).toEqual({ outcome: "selected", optionId: "reject-once" });
  });

  it("records the permission request and the decision in the audit trail", async () => {
    const fake = startFakeAcp();
    const { context, audits } = testContext(() => true);
    await collect(fake.agent.run(agentInput("tidy up"), context));
    expect(audits.map((entry) => entry.kind)).toEqual(["tool-call", "tool-decision", "tool-result"]);
    expect(audits[1]!.detail).toMatchObject({ tool: "Edit notes.txt", isApproved: true, decidedBy: "web:owner" });
    expect(audits[2]!.detail).toMatchObject({ tool: "fs/write_text_file" });
  });

  it("shows a plan as a one-line checklist", async () => {
    const fake = startFakeAcp();
    const events = await collect(fake.agent.run(agentInput("plan"), testContext().context));
    expect(statusesOf(events)).toEqual(["📋 1/3 done: ✅ read the failing test · ▶️ fix the bug · ⬜ run the tests"]);
    expect(textOf(events)).toBe("planned");
  });

  it("sends images as image blocks once the agent said it takes them", async () => {
    const fake = startFakeAcp();
    expect(fake.agent.acceptsImages).toBe(false);
    await collect(fake.agent.run(agentInput("plan"), testContext().context));
    expect(fake.agent.acceptsImages).toBe(true);
    const image = { mimeType: "image/png" as const, base64: "iVBORw0KGgo=", width: 1, height: 1 };
    const events = await collect(fake.agent.run(agentInput("what is this?", "c1", { images: [image] }), testContext(() => false).context));
    expect(textOf(events)).toMatch(/^I see 1 image\(s\)\. /);
    const prompt = fake.received().filter((entry) => entry.method === "session/prompt").at(-1)!.params.prompt;
    expect(prompt).toEqual([
      { type: "text", text: "what is this?" },
      { type: "image", mimeType: "image/png", data: "iVBORw0KGgo=" },
    ]);
  });

  it("marks a group member's words as untrusted", async () => {
    const fake = startFakeAcp();
    const input = agentInput("plan", "g1", {
      conversation: { platform: "web", chatId: "g1", kind: "group" },
      sender: { id: "m", displayName: "Mallory", isBot: false },
      senderRole: "member",
    });
    await collect(fake.agent.run(input, testContext().context));
    const prompt = fake.received().find((entry) => entry.method === "session/prompt")!.params.prompt as { text: string }[];
    expect(prompt[0]!.text).toBe('<untrusted source="group member Mallory">\nplan\n</untrusted>');
  });

  it("sends session/cancel and stops at once when the run is aborted, and the next prompt is answered", async () => {
    const fake = startFakeAcp();
    const { context, abort } = testContext();
    const seen: string[] = [];
    const running = (async () => {
      for await (const event of fake.agent.run(agentInput("be slow"), context)) {
        if (event.type === "text-delta") seen.push(event.text);
        if (seen.length === 2) abort();
      }
    })();
    await expect(running).rejects.toMatchObject({ code: "aborted" });
    expect(seen).toEqual(["tick 0 ", "tick 1 "]);
    await eventually(() => fake.methods().includes("session/cancel"));
    const prompt = fake.received().find((entry) => entry.method === "session/prompt")!;
    const cancel = fake.received().find((entry) => entry.method === "session/cancel")!;
    expect(cancel.params.sessionId).toBe(prompt.params.sessionId);

    const next = await collect(fake.agent.run(agentInput("plan"), testContext().context));
    expect(textOf(next)).toBe("planned");
  });

  it("answers a pending permission request with cancelled when the run stops", async () => {
    const fake = startFakeAcp();
    const { context, abort, approvals } = testContext(() => new Promise<boolean>(() => undefined));
    const running = collect(fake.agent.run(agentInput("tidy up"), context));
    await eventually(() => approvals.length === 1);
    abort();
    await expect(running).rejects.toBeInstanceOf(BridgeError);
    await eventually(() => fake.methods().includes("permission-outcome"));
    expect(fake.received().find((entry) => entry.method === "permission-outcome")?.params).toEqual({ outcome: "cancelled" });
    expect(existsSync(join(fake.cwd, "notes.txt"))).toBe(false);
  });
});
