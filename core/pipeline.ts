import { randomBytes, randomUUID } from "node:crypto";
import { parseCommand } from "./commands.ts";
import { handleControl, type ControlContext } from "./control.ts";
import type { Delivery } from "./delivery.ts";
import type { Metrics } from "./metrics.ts";
import { pairingReply, pairingSubject } from "./pairing.ts";
import type { Approvals } from "./approvals.ts";
import { collectedText, leastTrustedRole } from "./attribution.ts";
import { usageReport } from "./budget.ts";
import type { BudgetConfig, ModelPrice } from "./config.ts";
import { enrich, turnText, type MediaLimits } from "./enrich.ts";
import type { MediaPort } from "./media.ts";
import type { PermissionSettings } from "./permissions.ts";
import { decideAccess, needsPairingLookup, roleOf, userRef, type AccessDecision, type PolicySettings, type Role } from "./policy.ts";
import { createLeaseLocks, createRunningRuns, isShutdownAbort, ShutdownAbort, type ConversationLocks, type RunningRuns } from "./queue.ts";
import { respond } from "./responder.ts";
import { createAgentContext, recordUsage } from "./run-context.ts";
import { route, type Routing } from "./router.ts";
import { inboxKey, type InboxRow, type Store } from "./store/store.ts";
import type { Adapter, InboundReceipt } from "./types/adapter.ts";
import type { Agent, AgentInput, SessionInfo } from "./types/agent.ts";
import type { Command } from "./types/command.ts";
import { conversationKey, type ConversationRef } from "./types/conversation.ts";
import { BridgeError, toBridgeError } from "./types/errors.ts";
import type { Logger } from "./types/logger.ts";
import { answerTo, promptText, type InboundMessage } from "./types/message.ts";
import { heardByName } from "./voice-addressing.ts";

export interface PipelineDeps {
  store: Store;
  adapters: ReadonlyMap<string, Adapter>;
  /** Every agent a conversation can be routed to, by name. */
  agents: ReadonlyMap<string, Agent>;
  routing: Routing;
  policy: PolicySettings;
  approvals: Approvals;
  permissions: PermissionSettings;
  /** Voice and image handling; without it attachments are refused politely. */
  media: MediaPort | undefined;
  mediaLimits: MediaLimits;
  budget: BudgetConfig;
  prices: Record<string, ModelPrice>;
  delivery: Delivery;
  metrics: Metrics;
  logger: Logger;
  locks?: ConversationLocks;
  runs?: RunningRuns;
  /** Most recent unsummarized session messages handed to the agent (the agent compacts older ones). */
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
  /**
   * Takes no more work (`receive` throws, so the platform redelivers), lets runs finish for up to
   * `graceMs`, then aborts the rest without finishing their rows: the next start resumes them, as after a crash.
   */
  stop(graceMs?: number): Promise<void>;
}

export function newRef(): string {
  return randomBytes(4).toString("hex");
}

/** What the user reads for an error: the message of an expected error, a plain sentence otherwise. */
export function userMessage(error: BridgeError): string {
  return error.code === "internal" ? "Something went wrong while answering." : error.message;
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { store, delivery, metrics, logger } = deps;
  /** This process, as the holder of conversation leases in the store. */
  const holder = randomUUID();
  const locks = deps.locks ?? createLeaseLocks({ leases: store.leases, holder, logger });
  const runs = deps.runs ?? createRunningRuns({ leases: store.leases, holder, logger });
  const now = deps.now ?? Date.now;
  const historyLimit = deps.historyLimit ?? 200;
  const inFlight = new Set<Promise<void>>();
  /** Messages this process is taking through stages 2–3 now (`recover` leaves them alone). */
  const processing = new Set<string>();
  /** Conversations this process is draining now. */
  const draining = new Set<string>();
  let isStopping = false;

  /** Keeps background work awaitable (`idle`, `stop`); a failure is logged once here, never an unhandled rejection. */
  const track = (work: Promise<void>) => {
    const tracked = work
      .catch((thrown: unknown) => {
        const error = toBridgeError(thrown);
        metrics.errors.inc({ code: error.code });
        logger.error({ err: error }, "background work failed");
      })
      .finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
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
    if (!needsPairingLookup(message, deps.policy)) return decideAccess(message, deps.policy, false);
    const request = await store.pairing.find(pairingSubject(message));
    return decideAccess(message, deps.policy, request?.approvedAt !== undefined);
  };

  // Stage 6: the conversation's agent (and model), by its own choice, a binding or the default.
  const routeOf = async (conversation: ConversationRef, senderRef: string) => {
    const chosen = route(deps.routing, conversation, senderRef, await store.choices.get(conversationKey(conversation)));
    const agent = deps.agents.get(chosen.agent);
    if (agent) return { agent, route: chosen };
    // A choice or binding naming an agent that is no longer configured falls back to the default.
    return { agent: deps.agents.get(deps.routing.defaultAgent)!, route: { ...chosen, agent: deps.routing.defaultAgent, model: undefined } };
  };

  const controlContext = async (message: InboundMessage, role: Role): Promise<ControlContext> => {
    const key = conversationKey(message.conversation);
    const current = await routeOf(message.conversation, userRef(message));
    return {
      usageReport: () => usageReport(store.usage, { userRef: userRef(message), conversationKey: key }, now()),
      agentName: current.route.agent,
      model: current.route.model ?? current.agent.model,
      agentNames: [...deps.agents.keys()],
      canChoose: role === "owner" || role === "admin",
      choose: async (choice) => store.choices.set(key, { ...(await store.choices.get(key)), ...choice }, now()),
      sttName: deps.media?.sttName ?? "none",
      ttsName: deps.media?.ttsName ?? "none",
      isRunning: await runs.isRunning(key),
      stopRun: () => runs.stop(key),
      endSession: async () => {
        await store.sessions.end(key, now());
        await store.agentSessions.clear(key);
      },
      session: async () => {
        const session = await store.sessions.current(key, now(), 0);
        return { createdAt: session.createdAt, messageCount: await store.sessions.countMessages(session.id) };
      },
      contextFill: async () => {
        const last = await store.usage.lastCall(key);
        return last && { usedTokens: last.inputTokens, budgetTokens: deps.budget.contextTokens };
      },
      now: now(),
    };
  };

  // Stage 3: control commands and approvals are answered at once, bypassing the queue; prompts queue.
  const dispatch = async (key: string, message: InboundMessage, role: Role, command: Command) => {
    switch (command.type) {
      case "control":
        metrics.messagesIn.inc({ platform: message.conversation.platform, outcome: "control" });
        await reply(key, answerTo(message), await handleControl(command, await controlContext(message, role)));
        await store.inbox.setStatus([key], "done");
        return;
      case "approval": {
        metrics.messagesIn.inc({ platform: message.conversation.platform, outcome: "control" });
        const answer = await deps.approvals.decide({
          requestId: command.requestId,
          isApproved: command.isApproved,
          isAlways: command.isAlways,
          approverRef: userRef(message),
          approverRole: role,
          from: message.conversation,
        });
        await reply(key, answerTo(message), answer);
        await store.inbox.setStatus([key], "done");
        return;
      }
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
    if (processing.has(key)) return;
    processing.add(key);
    try {
      await processOnce(key, message);
    } finally {
      processing.delete(key);
    }
  };

  const processOnce = async (key: string, message: InboundMessage) => {
    const log = logger.child({ inbox: key });
    try {
      const access = await checkAccess(message);
      let admitted = message;
      if (access.type === "listen") {
        const heard = deps.media && (await heardByName(message, adapterFor(message.conversation), deps.media, deps.mediaLimits, log));
        if (!heard) {
          metrics.messagesIn.inc({ platform: message.conversation.platform, outcome: "dropped" });
          await store.inbox.setStatus([key], "ignored");
          return;
        }
        await store.inbox.updateMessage(key, heard);
        admitted = heard;
      } else if (access.type !== "admit") {
        metrics.messagesIn.inc({ platform: message.conversation.platform, outcome: access.type === "pair" ? "pairing" : "dropped" });
        if (access.type === "pair") {
          const text = await pairingReply(store.pairing, message, now());
          if (text) await reply(key, answerTo(message), text);
        } else {
          log.debug({ reason: access.reason }, "message dropped by policy");
        }
        await store.inbox.setStatus([key], "ignored");
        return;
      }
      // Admins' DMs are where members' approval requests reach them.
      if (message.conversation.kind === "direct" && access.role === "admin") {
        await store.contacts.remember(userRef(message), message.conversation, now());
      }
      await dispatch(key, admitted, access.role, parseCommand(promptText(admitted.segments), admitted.attachments));
    } catch (thrown) {
      const error = toBridgeError(thrown);
      const ref = newRef();
      log.error({ err: error, ref }, "message processing failed");
      metrics.errors.inc({ code: error.code });
      await store.inbox.setStatus([key], "ignored");
      await delivery.send(`${key}:error`, answerTo(message), { type: "error", code: error.code, message: userMessage(error), ref });
    }
  };

  // Stage 4: one run at a time per conversation; what queued meanwhile becomes the next turn.
  const drain = async (key: string): Promise<void> => {
    if (isStopping || !(await locks.tryAcquire(key))) return;
    draining.add(key);
    try {
      while (!isStopping) {
        const rows = await store.inbox.claimQueued(key);
        if (rows.length === 0) break;
        await runTurn(rows);
      }
    } finally {
      draining.delete(key);
      await locks.release(key);
    }
    // A message may have queued between the last empty claim and the release.
    if (!isStopping && (await store.inbox.hasQueued(key))) await drain(key);
  };

  const turnInput = (rows: readonly InboxRow[]): AgentInput => {
    const messages = rows.map((row) => row.message);
    const last = messages.at(-1)!;
    return {
      text: collectedText(messages),
      attachments: messages.flatMap((message) => message.attachments),
      conversation: messages[0]!.conversation,
      sender: last.sender,
      senderRole: leastTrustedRole(messages.map((message) => roleOf(message, deps.policy))),
      images: [],
    };
  };

  /** The user spoke, so the answer goes back as a voice note too, where the platform takes one; the text stays. */
  const replyByVoice = async (input: AgentInput, to: ConversationRef, text: string, keyBase: string, signal: AbortSignal, log: Logger) => {
    const media = deps.media;
    const wasSpoken = input.attachments.some((attachment) => attachment.type === "audio" && attachment.isVoiceNote && attachment.transcript);
    const { hasVoiceOut, voiceFormat } = adapterFor(input.conversation).capabilities;
    if (!media || media.ttsName === "none" || !wasSpoken || !text.trim() || !hasVoiceOut) return;
    try {
      const spoken = await media.speak(text, signal, voiceFormat);
      await delivery.send(`${keyBase}:voice`, to, { type: "audio", media: spoken.media, isVoice: true });
    } catch (thrown) {
      log.warn({ err: toBridgeError(thrown) }, "voice reply failed; the text was sent");
    }
  };

  const runTurn = async (rows: readonly InboxRow[]) => {
    const first = rows[0]!;
    const keys = rows.map((row) => row.key);
    // The run id is the audit key and must never collide; the short ref is what a user quotes.
    const runId = randomUUID();
    const ref = newRef();
    const log = logger.child({ run: runId, ref, conversation: first.conversationKey });
    const startedAt = now();
    const controller = runs.begin(first.conversationKey);
    let input = turnInput(rows);
    const to = answerTo(rows.at(-1)!.message);
    let outcome: "ok" | "stopped" | "error" = "ok";
    /** Cut short by a shutdown: the rows stay unfinished and the next start runs this turn again. */
    let isInterrupted = false;
    let detail: string | undefined;
    let isStarted = false;
    try {
      // Stage 6 comes first: stage 5 needs to know whether the agent sees images.
      const { agent, route: chosen } = await routeOf(input.conversation, userRef(input));
      // Stage 5: voice → transcript, image → picture or its text.
      const enriched = await enrich(input, {
        media: deps.media,
        fetchMedia: (ref) => adapterFor(input.conversation).fetchMedia(ref),
        limits: deps.mediaLimits,
        acceptsImages: agent.acceptsImages,
        signal: controller.signal,
      });
      input = enriched.input;
      for (const [index, notice] of enriched.notices.entries()) {
        await delivery.send(`${first.key}:notice${index}`, to, { type: "markdown", text: notice });
      }
      if (!turnText(input) && input.images.length === 0 && input.attachments.length === 0) return;
      const session: SessionInfo = await store.sessions.current(first.conversationKey, startedAt, historyLimit);
      await store.audit.startRun({
        ref: runId, conversationKey: first.conversationKey, sessionId: session.id, senderId: input.sender.id,
        agentId: chosen.agent, inboxKeys: keys, startedAt,
      });
      isStarted = true;
      // Stage 7 (budget): the agent fits each call to the context budget and checks the daily caps before it.
      const events = agent.run(input, createAgentContext(deps, { input, runRef: runId, session, route: chosen, signal: controller.signal, logger: log, now }));
      const result = await respond(
        {
          adapter: adapterFor(input.conversation),
          delivery,
          logger: log,
          onFirstReply: () => metrics.firstReplySeconds.observe((now() - first.receivedAt) / 1000),
          onUsage: (usage) => recordUsage(deps, input, usage, now()),
        },
        to,
        first.key,
        events,
        controller.signal,
      );
      if (isShutdownAbort(controller.signal)) {
        isInterrupted = true;
        outcome = "stopped";
        return;
      }
      if (result.isStopped) outcome = "stopped";
      else await replyByVoice(input, to, result.text, first.key, controller.signal, log);
      await store.sessions.append(session.id, [
        { role: "user", text: turnText(input), createdAt: startedAt },
        ...(result.text ? [{ role: "assistant" as const, text: result.text, createdAt: now() }] : []),
      ]);
    } catch (thrown) {
      const error = toBridgeError(thrown);
      outcome = controller.signal.aborted ? "stopped" : "error";
      isInterrupted = isShutdownAbort(controller.signal);
      if (outcome === "error") {
        detail = `ref ${ref}: ${error.message}`;
        metrics.errors.inc({ code: error.code });
        if (error.code === "budget-exceeded") {
          log.info({}, error.message);
          await delivery.send(`${first.key}:error`, to, { type: "markdown", text: error.message });
        } else {
          log.error({ err: error }, "agent run failed");
          await delivery.send(`${first.key}:error`, to, {
            type: "error", code: error.code, message: userMessage(error), ref,
          });
        }
      }
    } finally {
      runs.end(first.conversationKey, controller);
      if (!isInterrupted) await store.inbox.setStatus(keys, "done");
      if (isStarted) await store.audit.finishRun(runId, outcome, now(), detail);
      metrics.runs.inc({ outcome });
      metrics.runSeconds.observe({ outcome }, (now() - startedAt) / 1000);
    }
  };

  return {
    async receive(message) {
      // Not acknowledged: the platform delivers it again, to this process after a restart or to another one.
      if (isStopping) throw new BridgeError("upstream", "Pincer is shutting down; deliver this message again later");
      const isNew = await store.inbox.insert(message, now());
      if (!isNew) {
        metrics.messagesIn.inc({ platform: message.conversation.platform, outcome: "duplicate" });
        return { isDuplicate: true };
      }
      track(process(message));
      return { isDuplicate: false };
    },
    async recover() {
      // Only what no live worker of this process holds: messages received meanwhile are being processed already.
      const { received, queuedConversations } = await store.inbox.recover({ conversationKeys: [...draining], messageKeys: [...processing] });
      for (const row of received) track(process(row.message));
      for (const key of queuedConversations) track(drain(key));
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async stop(graceMs = 0) {
      isStopping = true;
      const isIdle = this.idle().then(() => true);
      const timer = Promise.withResolvers<boolean>();
      const timeout = setTimeout(() => timer.resolve(false), graceMs);
      try {
        if (await Promise.race([isIdle, timer.promise])) return;
      } finally {
        clearTimeout(timeout);
      }
      logger.warn({ graceMs }, "runs still going at the end of the shutdown grace: stopped, to be resumed at the next start");
      runs.stopAll(new ShutdownAbort());
      await this.idle();
    },
  };
}
