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
import type { MediaPort } from "../../../core/media.ts";
import { BridgeError } from "../../../core/types/errors.ts";
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

/** A chat on the recording adapter's platform ("fake"). */
export const fakeDirect = { platform: "fake", chatId: "c1", kind: "direct" } as const;
export const fakeGroup = { platform: "fake", chatId: "g1", kind: "group" } as const;

/** A message on the fake platform; `text` becomes one text segment. */
export function fakeMessage(overrides: Partial<InboundMessage> & { text?: string } = {}): InboundMessage {
  const { text = "hello", ...rest } = overrides;
  return {
    id: "m1",
    conversation: fakeDirect,
    sender: { id: "u1", displayName: "Ada", isBot: false },
    sentAt: 1_700_000_000_000,
    segments: text ? [{ type: "text", text }] : [],
    attachments: [],
    ...rest,
  };
}

/** Every `inbox.setStatus` call, as `key=status` lines (the inbox port has no reader for one row). */
export function recordStatuses(store: Store): string[] {
  const statuses: string[] = [];
  const setStatus = store.inbox.setStatus.bind(store.inbox);
  store.inbox.setStatus = async (keys, status) => {
    statuses.push(...keys.map((key) => `${key}=${status}`));
    await setStatus(keys, status);
  };
  return statuses;
}

/** Media that hears `transcript` in any voice note and speaks answers into a fixed file (or fails to). */
export function fakeMedia(options: { transcript?: string; ttsName?: string; speakFails?: boolean } = {}): MediaPort & { spoken: string[] } {
  const spoken: string[] = [];
  return {
    spoken,
    sttName: "fake-stt",
    ttsName: options.ttsName ?? "fake-tts",
    transcribe: async () => ({ text: options.transcript ?? "", durationSec: 2 }),
    readText: async () => "text in the picture",
    prepareImage: async () => ({ mimeType: "image/png", base64: "AAAA", width: 1, height: 1 }),
    async speak(text) {
      if (options.speakFails) throw new BridgeError("upstream", "tts down");
      spoken.push(text);
      return { media: { platform: "local", id: "/tmp/voice.ogg" }, durationSec: 1 };
    },
    close: async () => {},
  };
}

/** A voice note attachment whose bytes the fake adapter does not need (the fake media ignores them). */
export const voiceNote = (transcript?: string) =>
  ({ type: "audio", media: { platform: "fake", id: "v1" }, isVoiceNote: true, durationSec: 2, ...(transcript ? { transcript } : {}) }) as const;
