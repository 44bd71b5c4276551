import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { hostname } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { DestinationStream } from "pino";
import { createWebAdapter } from "../adapters/web/index.ts";
import { webOwnerId } from "../adapters/web/inbound.ts";
import type { Config } from "../core/config.ts";
import { createApprovals } from "../core/approvals.ts";
import { createDelivery } from "../core/delivery.ts";
import { createLogger } from "../core/logger.ts";
import type { MediaPort } from "../core/media.ts";
import { createMetrics } from "../core/metrics.ts";
import { createPipeline, type Pipeline, type PipelineDeps } from "../core/pipeline.ts";
import { storeClock } from "../core/jobs/clock.ts";
import { runJob } from "../core/jobs/run.ts";
import { createScheduler, type Scheduler } from "../core/jobs/scheduler.ts";
import { createJobService } from "../core/jobs/service.ts";
import { stageDeps } from "../core/stages/deps.ts";
import { createLeaseLocks, createRunningRuns } from "../core/queue.ts";
import { createRetention } from "../core/retention.ts";
import { createTracer, noTracer, type Tracer } from "../core/trace.ts";
import type { Store } from "../core/store/store.ts";
import type { StoreOptions } from "../core/store/sqlite/index.ts";
import { openStore } from "./store.ts";
import { holdsLongConnection, underConnectionLease } from "./connection-lease.ts";
import type { Adapter, InboundSink } from "../core/types/adapter.ts";
import { conversationKey } from "../core/types/conversation.ts";
import type { Agent } from "../core/types/agent.ts";
import type { Logger } from "../core/types/logger.ts";
import { createMedia } from "../media/index.ts";
import { createAdminRoutes } from "./admin-routes.ts";
import { createChannelActivity } from "./console/channel-activity.ts";
import { consoleAuth, createConsoleRoutes } from "./console/routes.ts";
import { createConsoleSessions } from "./console/session.ts";
import { createJobRoutes } from "./job-routes.ts";
import { createConsoleDataRoutes } from "./console/data-routes.ts";
import { createTraceRoutes } from "./trace-routes.ts";
import { createConversationRoutes } from "./console/conversation-routes.ts";
import { resolveAdminToken, type AdminToken } from "./admin-token.ts";
import { createAgents } from "./agents.ts";
import { knowledgeFor } from "./knowledge.ts";
import { channelSink, createChannel, createChannels, type RunningChannel } from "./channels.ts";
import { createLogins } from "./logins.ts";
import { createLiveChannels } from "./live-channels.ts";
import { createSetupRoutes } from "./setup/setup-routes.ts";
import { createStoredChannels } from "./setup/stored-channels.ts";
import { defaultChannels } from "./registry.ts";
import { channelStates, createHttpApp } from "./http.ts";
import type { WebhookGuardLimits } from "./webhook-guard.ts";

export interface GatewayOptions {
  /** Replaces the agent chosen by `PINCER_AGENT`. */
  agent?: Agent;
  /** Channels beyond the configured ones, each its platform's default (tests add fake platforms). */
  extraAdapters?: Adapter[];
  /** How long an approval request waits before it counts as denied. */
  approvalTtlMs?: number;
  /** Replaces the media handling built from the configuration (null: none). */
  media?: MediaPort | null;
  logDestination?: DestinationStream;
  /** How often unsent replies are retried. */
  outboxFlushMs?: number;
  /** The SQLite store's settings (the bench compares the inbox's synchronous FULL with NORMAL). */
  storeOptions?: StoreOptions;
  /** Failed webhook authentications allowed per peer before 429 (default: 10 a minute). */
  webhookGuard?: WebhookGuardLimits;
  /** false: no message's trace is recorded (the bench measures what recording costs). */
  isTracing?: boolean;
}

export interface Gateway {
  url: string;
  /** The owner's token (PINCER_ADMIN_TOKEN or DATA_DIR/admin-token): every `/api/*` route needs it. */
  adminToken: string;
  /** Where it came from; a token this start generated is shown once, in the URL `bin/pincer.ts` prints. */
  adminTokenSource: AdminToken;
  store: Store;
  pipeline: Pipeline;
  /** The ids of the channels running now (the web chat's included; the setup page adds and removes some). */
  channelIds(): string[];
  /** The job scheduler (`wake` after writing jobs to the store from outside the chat commands). */
  scheduler: Scheduler;
  /** Each message's path (`flush` writes what is buffered, as the trace routes do before reading). */
  tracer: Tracer;
  logger: Logger;
  stop(): Promise<void>;
}

/** Wires store, adapters, agent and pipeline, and serves them on one HTTP server. */
export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const adminToken = resolveAdminToken(config.dataDir, config.adminToken);
  const secrets = [...config.secrets, adminToken.value];
  const logger = createLogger({
    level: config.logLevel,
    secrets,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const store = await openStore(config, options.storeOptions);
  const metrics = createMetrics(() => store.inbox.countQueued());
  // Every message's path goes to the store; to OpenTelemetry too when an endpoint is set (its SDK is loaded only then).
  const otel = config.otel ? await (await import("./otel.ts")).createOtelSink(config.otel, logger) : undefined;
  const tracer = options.isTracing === false ? noTracer : createTracer({ sinks: [{ write: (spans) => store.traces.append(spans) }, ...(otel ? [otel] : [])], logger });
  const web = createWebAdapter({
    logger: logger.child({ channel: "web" }),
    uploadDir: join(config.dataDir, "uploads"),
    maxUploadBytes: config.media.limits.maxBytes,
    history: (conversation) => store.sessions.history(conversationKey(conversation), 50),
    ...(store.broadcast ? { broadcast: store.broadcast } : {}),
    storedFiles: store.files,
  });
  const channelDeps = {
    logger, dataDir: config.dataDir, maxMediaBytes: config.media.limits.maxBytes, state: store.adapterState, rateLimits: store.rateLimits,
    waitingReplies: store.outbox, storedFiles: store.files,
  };
  // This process, as the holder of leases in the store (conversations, long connections): readable in /readyz.
  const holder = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  // Several processes on one store: each long connection (a poller, a socket) is opened by one of them at a time.
  const connectionLease = { leases: store.leases, holder, leaseMs: config.leaseMs, logger };
  const leased = (channel: RunningChannel): RunningChannel =>
    store.isShared && holdsLongConnection(channel.adapter) ? { ...channel, adapter: underConnectionLease(channel.adapter, channel.id, connectionLease) } : channel;
  const configured = (await createChannels(config, channelDeps)).map(leased);
  const channelList: RunningChannel[] = [
    { id: "web", platform: "web", adapter: web },
    ...configured,
    ...(options.extraAdapters ?? []).map((adapter) => ({ id: adapter.platform, platform: adapter.platform, adapter })),
  ];
  // By channel id: a conversation's `channelId` (its platform's name for a default channel) names its adapter.
  const adapters = new Map(channelList.map((channel) => [channel.id, channel.adapter]));
  // Several processes on one store: a file a reply carries is copied into it, so any of them can send (or retry) the part.
  // One process (SQLite) reads its own paths, as before: no copy of every file into the database.
  const mediaCopies = store.isShared ? { files: store.files, maxBytes: config.media.limits.maxBytes } : undefined;
  // On a shared store the database's clock decides when a claim (a reply part being sent, a job's run) ran out, and
  // when a job is due: every process agrees, whatever its own clock says.
  const storeTime = await storeClock(store.jobs, logger);
  const delivery = createDelivery({ adapters, outbox: store.outbox, logger, metrics, tracer, now: storeTime.now, ...(mediaCopies ? { mediaCopies } : {}) });
  const agentSet = await createAgents(config, { logger, store });
  if (options.agent) agentSet.agents.set(options.agent.id, options.agent);
  const routing = options.agent ? { ...config.routing, defaultAgent: options.agent.id } : config.routing;
  // media/ loads its heavy parts (ffmpeg, sharp, the OCR worker, the SDKs) only on first use.
  const media = options.media === undefined ? await createMedia(config.media, config.dataDir) : (options.media ?? undefined);
  // `/stop` and approval decisions reach the process whose run waits through the broadcast, on a shared store. On
  // SQLite the broadcast is this process's alone (its own stops and decisions act directly), so the store's
  // short polls stay for another process on the same file.
  const crossProcess = store.isShared ? store.broadcast : undefined;
  const approvals = createApprovals({
    approvals: store.approvals,
    contacts: store.contacts,
    delivery,
    admins: config.policy.admins,
    logger,
    attachmentDir: join(config.dataDir, "approvals"),
    locale: config.locale,
    adapterState: store.adapterState,
    broadcast: crossProcess,
    ...(options.approvalTtlMs ? { ttlMs: options.approvalTtlMs } : {}),
  });
  // The scheduler runs jobs with the pipeline's dependencies; the job commands wake it.
  let scheduler: Scheduler | undefined;
  const jobs = createJobService({ jobs: store.jobs, config: config.jobs, wake: () => scheduler?.wake() });
  // The running runs: `/stop` in a chat and the console's Stop run abort a run here or ask its holder through the store.
  const runs = createRunningRuns({ leases: store.leases, holder, broadcast: crossProcess, logger });
  const pipelineDeps: PipelineDeps = {
    store,
    locks: createLeaseLocks({ leases: store.leases, turns: store.turns, holder, leaseMs: config.leaseMs, logger }),
    runs,
    heldBehindMs: 3 * config.leaseMs,
    retakeLostAfterMs: config.leaseMs,
    adapters,
    agents: agentSet.agents,
    routing,
    delivery,
    metrics,
    logger,
    approvals,
    policy: { ...config.policy, owners: [`web:${webOwnerId}`] },
    permissions: { isOwnerAutoApproved: config.isOwnerAutoApproved },
    budget: config.budget,
    prices: config.prices,
    media,
    mediaLimits: config.media.limits,
    knowledge: knowledgeFor(config, store.knowledge),
    jobs,
    locale: config.locale,
    tracer,
  };
  const pipeline = createPipeline(pipelineDeps);
  const jobRunDeps = { ...stageDeps(pipelineDeps), jobsConfig: config.jobs };
  scheduler = createScheduler({
    jobs: store.jobs,
    run: (claim, signal) => runJob(claim, jobRunDeps, signal, logger),
    metrics,
    logger,
    now: storeTime.now,
  });

  // The console: sessions signed under a secret kept in the store, and when each channel last took a message in.
  const sessions = await createConsoleSessions({ adminToken: adminToken.value, state: store.adapterState });
  const channelActivity = createChannelActivity({ state: store.adapterState, logger });
  // Every channel's messages, whichever way the channel started (environment, PINCER_CONFIG, setup page, QR login).
  const inbound: InboundSink = {
    receive: (message) => (channelActivity.touch(message.conversation.channelId ?? message.conversation.platform), pipeline.receive(message)),
  };

  const lifetime = new AbortController();
  // Channels added and removed while running (the setup page); its routes are rebuilt on the HTTP app set below.
  let refreshRoutes = () => {};
  const live = createLiveChannels({
    channels: channelList,
    adapters,
    channelDeps,
    sink: inbound,
    lifetime: lifetime.signal,
    wrap: leased,
    refreshRoutes: () => refreshRoutes(),
    secrets,
    stored: createStoredChannels(store.adapterState),
    logger,
    dataDir: config.dataDir,
  });
  for (const channel of channelList) live.mark(channel.id, channel.id === "web" ? "web" : channel.id === channel.platform ? "env" : "config");
  const logins = createLogins({
    channels: defaultChannels(config.platforms),
    dataDir: config.dataDir,
    logger,
    // A running channel picks a new login up by itself (ClawBot); without one, it connects now, no restart needed.
    onLoggedIn: async (spec) => {
      if (adapters.has(spec.id) || lifetime.signal.aborted) return;
      const created = await createChannel(spec, channelDeps);
      if (!created) return;
      const channel = leased(created);
      channelList.push(channel);
      adapters.set(channel.id, channel.adapter);
      await channel.adapter.start(channelSink(inbound, channel.id), lifetime.signal);
    },
  });
  const app = createHttpApp({
    channels: channelList,
    routes: [
      ...createAdminRoutes(store, () => channelStates(channelList, secrets)),
      ...createConsoleRoutes({
        store,
        approvals,
        sessions,
        adminToken: adminToken.value,
        channels: () => channelStates(channelList, secrets),
        activity: channelActivity,
        budget: config.budget,
        access: { dmPolicy: config.policy.dm, groupPolicy: config.policy.group, allowFrom: config.policy.allowFrom, admins: config.policy.admins, allowGroups: config.policy.allowGroups },
        logins: logins.platforms,
        logger,
        defaultLocale: config.locale,
      }),
      ...createConversationRoutes({ store, stopRun: (key) => runs.stop(key) }),
      ...logins.routes,
      ...createSetupRoutes({ live, channels: () => channelStates(channelList, secrets), locale: config.locale }),
      ...createJobRoutes({ store, jobs, delivery, adapters, logger }),
      ...createConsoleDataRoutes({ store, jobs, budget: config.budget, locale: config.locale }),
      ...createTraceRoutes({ traces: store.traces, flush: () => tracer.flush() }),
    ],
    metrics,
    console: consoleAuth(sessions, config.locale),
    instance: { holder, store: store.isShared ? "postgres" : "sqlite" },
    adminToken: adminToken.value,
    metricsToken: config.metricsToken,
    configuredHost: config.host,
    allowedHosts: config.allowedHosts,
    logger,
    secrets,
    ...(options.webhookGuard ? { webhookGuard: options.webhookGuard } : {}),
  });
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  refreshRoutes = () => app.refreshChannelRoutes();
  const { port } = server.address() as AddressInfo;
  // A wildcard address is not one a browser may use (the Host check refuses it): the link names loopback.
  const listenHost = config.host === "0.0.0.0" ? "127.0.0.1" : config.host === "::" ? "::1" : config.host;
  const host = listenHost.includes(":") ? `[${listenHost}]` : listenHost;
  const url = `http://${host}:${port}/`;

  if (!store.isShared) {
    // This process is the store's only user (SQLite): no send that an earlier process claimed is still going.
    const cutOffCount = await store.outbox.releaseLeases();
    if (cutOffCount > 0) logger.warn({ count: cutOffCount }, "replies whose send was cut off by the last stop will be sent again");
    // Likewise no conversation is being drained: leases left by a crashed process would hold its queue back until they ran out.
    await store.leases.releaseAll();
  }
  for (const channel of [...channelList]) await channel.adapter.start(channelSink(inbound, channel.id), lifetime.signal);
  await live.startStored();
  // A shared store: other processes are live. Their leases run out if they die, and the recovery that runs every
  // lease period then hands their conversations over; fresh received rows are left to the process taking them in.
  const recoverShared = () => pipeline.recover({ receivedBefore: Date.now() - config.leaseMs });
  await (store.isShared ? recoverShared() : pipeline.recover());
  const recoveryTimer = store.isShared
    ? setInterval(() => void recoverShared().catch((error: unknown) => logger.error({ err: error }, "recovering other processes' work failed")), config.leaseMs)
    : undefined;
  recoveryTimer?.unref();
  if (!store.isShared) {
    // The only user again (SQLite): no job run is going, so a run cut off by the last stop is claimed again (once) now.
    // On a shared store a dead process's claim runs out with its lease instead.
    const cutOffJobs = await store.jobs.releaseClaims();
    if (cutOffJobs > 0) logger.info({ count: cutOffJobs }, "job runs cut off by the last stop will run again");
  }
  scheduler.start();
  const flushing = new AbortController();
  let lastFlush: Promise<unknown> = Promise.resolve();
  const flushTimer = setInterval(() => {
    lastFlush = delivery.flushDue(flushing.signal).catch((error: unknown) => logger.error({ err: error }, "outbox flush failed"));
  }, options.outboxFlushMs ?? 10_000);
  flushTimer.unref();
  const retention = createRetention({
    retentionDays: config.retentionDays,
    store: store.retention,
    fileDirs: [join(config.dataDir, "uploads"), join(config.dataDir, "voice"), join(config.dataDir, "approvals")],
    logger,
  });
  retention.start();
  logger.info({ url, agent: routing.defaultAgent, agents: [...agentSet.agents.keys()], dataDir: config.dataDir, channels: [...adapters.keys()] }, "Pincer is ready");

  return {
    url,
    adminToken: adminToken.value,
    adminTokenSource: adminToken,
    store,
    pipeline,
    channelIds: () => channelList.map((channel) => channel.id),
    scheduler,
    tracer,
    logger,
    async stop() {
      clearInterval(flushTimer);
      clearInterval(recoveryTimer);
      storeTime.stop();
      await retention.stop();
      flushing.abort();
      // Stop taking work first (polls end; webhooks and receive answer "not stored", so platforms redeliver),
      // then let the runs finish within the grace; what is left is resumed at the next start.
      const stopping = Promise.all([pipeline.stop(config.shutdownGraceSec * 1000), scheduler.stop(config.shutdownGraceSec * 1000)]);
      lifetime.abort();
      await stopping;
      await lastFlush;
      await logins.close();
      await media?.close();
      await agentSet.close();
      for (const { adapter } of channelList) await adapter.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await tracer.close();
      await store.close();
    },
  };
}
