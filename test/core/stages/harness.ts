import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWebAdapter } from "../../../adapters/web/index.ts";
import { toInboundMessage } from "../../../adapters/web/inbound.ts";
import { createBuiltinAgent } from "../../../agents/builtin/index.ts";
import { createApprovals } from "../../../core/approvals.ts";
import { createDelivery } from "../../../core/delivery.ts";
import { createMetrics } from "../../../core/metrics.ts";
import type { PipelineDeps } from "../../../core/pipeline.ts";
import { createSqliteStore } from "../../../core/store/sqlite/index.ts";
import type { Store } from "../../../core/store/store.ts";
import type { Adapter } from "../../../core/types/adapter.ts";
import type { Agent } from "../../../core/types/agent.ts";
import type { InboundMessage } from "../../../core/types/message.ts";
import { silentLogger } from "../../support/responder.ts";

/** The store with every port method counted by name (`inbox.insert`), in call order: one entry per round trip. */
export function countingStore(store: Store): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const wrapPort = (name: string, port: object) =>
    new Proxy(port, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          calls.push(`${name}.${String(property)}`);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const wrapped = Object.fromEntries(
    Object.entries(store).map(([name, port]) => [name, typeof port === "object" && port !== null ? wrapPort(name, port) : port]),
  ) as unknown as Store;
  return { store: wrapped, calls };
}

/** Everything a pipeline needs, over an in-memory store, the built-in agent and the given adapters. */
export function pipelineDeps(store: Store, adapters: Adapter[], overrides: Partial<PipelineDeps> = {}): PipelineDeps {
  const metrics = createMetrics(() => store.inbox.countQueued());
  const adapterMap = new Map(adapters.map((adapter) => [adapter.platform, adapter]));
  const delivery = createDelivery({ adapters: adapterMap, outbox: store.outbox, logger: silentLogger, metrics });
  const agent: Agent = createBuiltinAgent({ deltaDelayMs: 0 });
  return {
    store,
    adapters: adapterMap,
    agents: new Map([[agent.id, agent]]),
    routing: { bindings: [], defaultAgent: agent.id },
    policy: { dm: "pairing", group: "mention", allowFrom: [], allowGroups: [], admins: [], owners: ["web:owner"] },
    approvals: createApprovals({
      approvals: store.approvals,
      contacts: store.contacts,
      delivery,
      admins: [],
      logger: silentLogger,
      attachmentDir: mkdtempSync(join(tmpdir(), "pincer-approvals-")),
    }),
    permissions: { isOwnerAutoApproved: false },
    media: undefined,
    mediaLimits: { maxBytes: 10_000_000, maxAudioSec: 300, maxImagePx: 2048 },
    budget: { contextTokens: 8000, dailyTokensPerUser: 0, dailyTokensPerChat: 0, dailyUsdPerUser: 0, dailyUsdPerChat: 0 },
    prices: {},
    delivery,
    metrics,
    logger: silentLogger,
    ...overrides,
  };
}

/** The built-in web chat, as the gateway wires it (no page open: replies go nowhere but the outbox). */
export function webAdapter(): Adapter {
  return createWebAdapter({ logger: silentLogger, uploadDir: mkdtempSync(join(tmpdir(), "pincer-uploads-")), maxUploadBytes: 10_000_000 });
}

/** What the web chat's POST makes of the owner's message. */
export function webMessage(text: string, messageId: string, conversationId = "conv1"): InboundMessage {
  return toInboundMessage({ conversationId, messageId, text, attachments: [] }, [], Date.now());
}

export const memoryStore = () => createSqliteStore(":memory:");
