import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { createAcpAgent, type AcpAgent, type AcpAgentOptions } from "../../../agents/acp/index.ts";
import type { AgentContext, AgentEvent, AgentInput, ApprovalRequest } from "../../../core/types/agent.ts";
import { fakeAcpAgentPath } from "../../fakes/acp-agent.ts";
import { recordingLogger } from "../../support/recording-logger.ts";

/** What the fake agent received, one JSON line each. */
export interface Received {
  method: string;
  params: Record<string, unknown>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The fake ACP agent behind createAcpAgent, in a fresh directory (`<dir>/work` is the working directory). */
export function startFakeAcp(overrides: Partial<AcpAgentOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "pincer-acp-"));
  const cwd = join(dir, "work");
  const logPath = join(dir, "agent-log.jsonl");
  const stored = new Map<string, string>();
  const logger = recordingLogger();
  const agent: AcpAgent = createAcpAgent({
    command: [process.execPath, fakeAcpAgentPath, "--log", logPath],
    env: { PATH: process.env.PATH ?? "" },
    cwd,
    logger,
    sessionIds: {
      get: async (key) => stored.get(key),
      set: async (key, sessionId) => void stored.set(key, sessionId),
    },
    ...overrides,
  });
  cleanups.push(async () => {
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const received = (): Received[] =>
    existsSync(logPath)
      ? readFileSync(logPath, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Received)
      : [];
  return { agent, dir, cwd, logPath, stored, logger, received, methods: () => received().map((entry) => entry.method) };
}

export function agentInput(text: string, chatId = "c1", extra: Partial<AgentInput> = {}): AgentInput {
  return {
    text,
    attachments: [],
    conversation: { platform: "web", chatId, kind: "direct" },
    sender: { id: "owner", displayName: "Owner", isBot: false },
    senderRole: "owner",
    images: [],
    ...extra,
  };
}

/** A run's context whose approvals answer as scripted (default: approve), recording the requests and audits. */
export function testContext(answer: (request: ApprovalRequest) => boolean | Promise<boolean> = () => true) {
  const controller = new AbortController();
  const approvals: ApprovalRequest[] = [];
  const audits: { kind: string; detail: Record<string, unknown> }[] = [];
  const context: AgentContext = {
    signal: controller.signal,
    toolPolicy: "all",
    session: { id: "session-1", conversationKey: "web:c1", createdAt: 0, summary: "", summarizedThrough: 0, history: [] },
    logger: recordingLogger(),
    async requestApproval(request) {
      approvals.push(request);
      return { isApproved: await answer(request), decidedBy: "web:owner" };
    },
    checkBudget: async () => undefined,
    saveSummary: async () => undefined,
    audit: async (kind, detail) => void audits.push({ kind, detail }),
  };
  return { context, approvals, audits, abort: () => controller.abort() };
}

export async function collect(events: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const seen: AgentEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

export const textOf = (events: readonly AgentEvent[]) =>
  events.flatMap((event) => (event.type === "text-delta" ? [event.text] : [])).join("");
export const statusesOf = (events: readonly AgentEvent[]) =>
  events.flatMap((event) => (event.type === "status" ? [event.text] : []));
