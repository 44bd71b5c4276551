import { randomBytes } from "node:crypto";
import { parseCommand } from "./commands.ts";
import { handleControl } from "./control.ts";
import type { Delivery } from "./delivery.ts";
import type { Metrics } from "./metrics.ts";
import { pairingReply } from "./pairing.ts";
import { decideAccess, type AccessDecision, type PolicySettings } from "./policy.ts";
import { createLocalLocks, createRunningRuns, type ConversationLocks, type RunningRuns } from "./queue.ts";
import { respond } from "./responder.ts";
import { inboxKey, type InboxRow, type Store } from "./store/store.ts";
import type { Adapter, InboundReceipt } from "./types/adapter.ts";
import type { Agent, AgentInput, SessionInfo } from "./types/agent.ts";
import type { Command } from "./types/command.ts";
import { conversationKey, type ConversationRef } from "./types/conversation.ts";
import { BridgeError, toBridgeError } from "./types/errors.ts";
import type { Logger } from "./types/logger.ts";
import { promptText, type InboundMessage } from "./types/message.ts";

export interface PipelineDeps {
  store: Store;
  adapters: ReadonlyMap<string, Adapter>;
  agent: Agent;
  policy: PolicySettings;
  delivery: Delivery;
  metrics: Metrics;
  logger: Logger;
  locks?: ConversationLocks;
  runs?: RunningRuns;
  /** Session messages handed to the agent. */
  historyLimit?: number;
  now?: () => number;
}

export interface Pipeline {
  /** Stage 1. Resolves once the message is durable in the inbox: the adapter may acknowledge then. */
  receive(message: InboundMessage): Promise<InboundReceipt>;
  /** After a restart: resumes messages that were received or queued but not answered. */
  recover(): Promise<void>;
  /** Resolves when no message is being processed. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function newRef(): string {
  return randomBytes(4).toString("hex");
}

/** What the user reads for an error: the message of an expected error, a plain sentence otherwise. */
export function userMessage(error: BridgeError): string {
  return error.code === "internal" ? "Something went wrong while answering." : error.message;
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { store, agent, delivery, metrics, logger } = deps;
  const locks = deps.locks ?? createLocalLocks();
  const runs = deps.runs ?? createRunningRuns();
  const now = deps.now ?? Date.now;
  const historyLimit = deps.historyLimit ?? 20;
  const inFlight = new Set<Promise<void>>();

  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  const adapterFor = (conversation: ConversationRef): Adapter => {
    const adapter = deps.adapters.get(conversation.platform);
    if (!adapter) throw new BridgeError("internal", `No adapter for ${conversation.platform}`);
    return adapter;
  };

  const reply = (key: string, to: ConversationRef, text: string) =>
    delivery.send(`${key}:0`, to, { type: "markdown", text });

  // Stage 2: who may talk.
  const checkAccess = async (message: InboundMessage): Promise<AccessDecision> => {
    const first = decideAccess(message, deps.policy, false);
    if (first.type !== "pair") return first;
    const request = await store.pairing.find(message.conversation.platform, message.sender.id);
    return decideAccess(message, deps.policy, request?.approvedAt !== undefined);
  };

  const controlContext = (conversation: ConversationRef) => {
    const key = conversationKey(conversation);
    return {
      agentId: agent.id,
      model: agent.model,
      isRunning: runs.isRunning(key),
      stopRun: () => runs.stop(key),
      endSession: () => store.sessions.end(key, now()),
      session: async () => {
        const session = await store.sessions.current(key, now(), 0);
        return { createdAt: session.createdAt, messageCount: await store.sessions.countMessages(session.id) };
      },
      now: now(),
    };
  };

  // Stage 3: control commands and approvals are answered at once, bypassing the queue; prompts queue.
  const dispatch = async (key: string, message: InboundMessage, command: Command) => {
    switch (command.type) {
      case "control":
        metrics.messagesIn.inc({ platform: message.conversation.platform, outcome: "control" });
        await reply(key, message.conversation, await handleControl(command, controlContext(message.conversation)));
        await store.inbox.setStatus([key], "done");
        return;
      case "approval":
        metrics.messagesIn.inc({ platform: message.conversation.platform, outcome: "control" });
        await reply(key, message.conversation, `No pending approval with id ${command.requestId}.`);
        await store.inbox.setStatus([key], "done");
        return;
      case "prompt":
        if (!command.text && command.attachments.length === 0) {
          await store.inbox.setStatus([key], "ignored");
          return;
        }
        metrics.messagesIn.inc({ platform: message.conversation.platform, outcome: "accepted" });
        await store.inbox.setStatus([key], "queued");
        await drain(conversationKey(message.conversation));
        return;
    }
  };

  const process = async (message: InboundMessage) => {
    const key = inboxKey(message.conversation.platform, message.id);
    const log = logger.child({ inbox: key });
    try {
      const access = await checkAccess(message);
      if (access.type !== "admit") {
        metrics.messagesIn.inc({ platform: message.conversation.platform, outcome: access.type === "pair" ? "pairing" : "dropped" });
        if (access.type === "pair") {
          const text = await pairingReply(store.pairing, message, now());
          if (text) await reply(key, message.conversation, text);
        } else {
          log.debug({ reason: access.reason }, "message dropped by policy");
        }
        await store.inbox.setStatus([key], "ignored");
        return;
      }
      await dispatch(key, message, parseCommand(promptText(message.segments), message.attachments));
    } catch (thrown) {
      const error = toBridgeError(thrown);
      const ref = newRef();
      log.error({ err: error, ref }, "message processing failed");
      metrics.errors.inc({ code: error.code });
      await store.inbox.setStatus([key], "ignored");
      await delivery.send(`${key}:error`, message.conversation, { type: "error", code: error.code, message: userMessage(error), ref });
    }
  };

  // Stage 4: one run at a time per conversation; what queued meanwhile becomes the next turn.
  const drain = async (key: string): Promise<void> => {
    if (!locks.tryAcquire(key)) return;
    try {
      for (let rows = await store.inbox.claimQueued(key); rows.length > 0; rows = await store.inbox.claimQueued(key)) {
        await runTurn(rows);
      }
    } finally {
      locks.release(key);
    }
    // A message may have queued between the last empty claim and the release.
    if (await store.inbox.hasQueued(key)) await drain(key);
  };

  const turnInput = (rows: readonly InboxRow[]): AgentInput => {
    const messages = rows.map((row) => row.message);
    const last = messages.at(-1)!;
    return {
      text: messages.map((message) => promptText(message.segments)).filter(Boolean).join("\n"),
      attachments: messages.flatMap((message) => message.attachments),
      conversation: messages[0]!.conversation,
      sender: last.sender,
    };
  };

  const runTurn = async (rows: readonly InboxRow[]) => {
    const first = rows[0]!;
    const keys = rows.map((row) => row.key);
    const ref = newRef();
    const log = logger.child({ run: ref, conversation: first.conversationKey });
    const startedAt = now();
    // Stage 5 (enrich: voice → transcript, image → text) arrives with the media issue.
    const input = turnInput(rows);
    // Stage 6: route the conversation to its agent and session.
    const session: SessionInfo = await store.sessions.current(first.conversationKey, startedAt, historyLimit);
    // Stage 7 (budget: fit the context, check daily caps) arrives with the LLM agent.
    const controller = runs.begin(first.conversationKey);
    await store.audit.startRun({
      ref, conversationKey: first.conversationKey, sessionId: session.id, senderId: input.sender.id,
      agentId: agent.id, inboxKeys: keys, startedAt,
    });
    let outcome: "ok" | "stopped" | "error" = "ok";
    let detail: string | undefined;
    try {
      const events = agent.run(input, {
        signal: controller.signal,
        session,
        logger: log,
        requestApproval: async () => ({ isApproved: false, decidedBy: "Pincer (approvals arrive with the LLM agent)" }),
      });
      const result = await respond(
        {
          adapter: adapterFor(input.conversation),
          delivery,
          logger: log,
          onFirstReply: () => metrics.firstReplySeconds.observe((now() - first.receivedAt) / 1000),
          onUsage: (usage) => {
            metrics.tokens.inc({ direction: "input", model: usage.model }, usage.inputTokens);
            metrics.tokens.inc({ direction: "output", model: usage.model }, usage.outputTokens);
          },
        },
        input.conversation,
        first.key,
        events,
        controller.signal,
      );
      if (result.isStopped) outcome = "stopped";
      await store.sessions.append(session.id, { role: "user", text: input.text, createdAt: startedAt });
      if (result.text) await store.sessions.append(session.id, { role: "assistant", text: result.text, createdAt: now() });
    } catch (thrown) {
      const error = toBridgeError(thrown);
      outcome = controller.signal.aborted ? "stopped" : "error";
      if (outcome === "error") {
        detail = error.message;
        log.error({ err: error, ref }, "agent run failed");
        metrics.errors.inc({ code: error.code });
        await delivery.send(`${first.key}:error`, input.conversation, {
          type: "error", code: error.code, message: userMessage(error), ref,
        });
      }
    } finally {
      runs.end(first.conversationKey, controller);
      await store.inbox.setStatus(keys, "done");
      await store.audit.finishRun(ref, outcome, now(), detail);
      metrics.runs.inc({ outcome });
      metrics.runSeconds.observe({ outcome }, (now() - startedAt) / 1000);
    }
  };

  return {
    async receive(message) {
      const isNew = await store.inbox.insert(message, now());
      if (!isNew) {
        metrics.messagesIn.inc({ platform: message.conversation.platform, outcome: "duplicate" });
        return { isDuplicate: true };
      }
      track(process(message));
      return { isDuplicate: false };
    },
    async recover() {
      const { received, queuedConversations } = await store.inbox.recover();
      for (const row of received) track(process(row.message));
      for (const key of queuedConversations) track(drain(key));
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async stop() {
      runs.stopAll();
      await this.idle();
    },
  };
}
