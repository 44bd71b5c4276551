import type { ColdStart } from "./cold-start.ts";
import type { InstallSize } from "./install-size.ts";
import type { SettledMemory } from "./memory.ts";
import { messagesPerSecond, type ServerRun } from "./server-run.ts";
import { summarize } from "./stats.ts";
import { renderTable, type Table, type TableFormat } from "./table.ts";
import type { TelegramResults } from "./telegram-scenario.ts";

export interface BenchResults {
  date: string;
  machine: string;
  settings: {
    messageCount: number;
    roundCount: number;
    concurrency: number;
    conversationCount: number;
    ratePerSecond: number;
    rateSeconds: number;
  };
  coldStart: ColdStart;
  inProcess: { importMs: number; startGatewayMs: number; readyMs: number; idleMemory: SettledMemory; afterLoadMemory: SettledMemory };
  installSize: InstallSize;
  closed: { forwarder: ServerRun; express: ServerRun; gateway: ServerRun };
  rate: { forwarder: ServerRun; gateway: ServerRun };
  /** Inbox rows the gateway marked done in its SQLite file, as a check that the durable store was on. */
  storedDoneCount: number;
  /** Lines the gateway logged at warn or above during the whole bench. */
  gatewayLogLineCount: number;
  telegram: TelegramResults;
  /** The web-chat closed loop against the gateway whose inbox commits with synchronous=FULL (the default) and NORMAL. */
  durability: { full: ServerRun; normal: ServerRun };
  /** The web-chat closed loop against the gateway recording traces and one recording none; spans and messages in the first one's store. */
  tracing: { traced: ServerRun; untraced: ServerRun; spanCount: number; doneCount: number };
}

const ms = (value: number) => (Number.isNaN(value) ? "n/a" : value < 10 ? value.toFixed(2) : value.toFixed(1));
const mb = (bytes: number | undefined) => (bytes === undefined ? "n/a" : `${(bytes / 1024 / 1024).toFixed(0)} MB`);
const memory = (settled: SettledMemory) => `${mb(settled.rssBytes)} / ${mb(settled.heapUsedBytes)}`;
const perSecond = (run: ServerRun) => messagesPerSecond(run.load);
/** Share of one core the load client used: near 100 % means the figure is the client's limit, not the server's. */
const clientBusy = (run: ServerRun) => `${((run.load.clientCpuMs / run.load.durationMs) * 100).toFixed(0)} %`;
const rateRange = (run: ServerRun) =>
  run.roundRates.length < 2 ? "" : `${Math.min(...run.roundRates).toFixed(0)}–${Math.max(...run.roundRates).toFixed(0)}`;
const cpuPerMessage = (run: ServerRun) => run.serverCpuMs / Math.max(1, run.load.completedCount);

const roundsLabel = ({ messageCount, roundCount }: BenchResults["settings"]) =>
  roundCount > 1 ? `${roundCount} rounds of ${messageCount}` : `${messageCount}`;

/** The closed-loop cells every scenario shows, the ratio against its own baseline's rate included. */
function closedCells(run: ServerRun, baseline: ServerRun): string[] {
  const latency = summarize(run.load.latenciesMs);
  return [
    run.name,
    perSecond(run).toFixed(0),
    rateRange(run),
    (perSecond(run) / perSecond(baseline)).toFixed(2),
    ms(latency.p50Ms),
    ms(latency.p99Ms),
    ms(cpuPerMessage(run)),
    clientBusy(run),
    String(run.load.failedCount),
  ];
}
const closedHeaders = ["Server", "messages/s", "per round", "p50 ms", "p99 ms", "server CPU ms/msg", "client busy", "failed"];
const withRatio = (ratioHeader: string) => [...closedHeaders.slice(0, 3), ratioHeader, ...closedHeaders.slice(3)];

function closedTable(results: BenchResults): Table {
  const { concurrency, conversationCount } = results.settings;
  return {
    title: `Closed loop: ${roundsLabel(results.settings)} messages, ${concurrency} in flight, ${conversationCount} conversations`,
    headers: [...withRatio("vs forwarder"), "reply frames"],
    numericColumns: [1, 2, 3, 4, 5, 6, 7, 8, 9],
    rows: [results.closed.forwarder, results.closed.express, results.closed.gateway].map((run) => [
      ...closedCells(run, results.closed.forwarder),
      run.load.replyFrameCount > 0 ? String(run.load.replyFrameCount) : "n/a",
    ]),
  };
}

function rateTable(results: BenchResults): Table {
  const { ratePerSecond, rateSeconds } = results.settings;
  return {
    title: `Fixed rate: ${ratePerSecond} messages/s for ${rateSeconds} s`,
    headers: ["Server", "sent", "p50 ms", "p99 ms", "max ms", "server CPU ms/msg", "failed"],
    numericColumns: [1, 2, 3, 4, 5, 6],
    rows: [results.rate.forwarder, results.rate.gateway].map((run) => {
      const latency = summarize(run.load.latenciesMs);
      return [run.name, String(run.load.sentCount), ms(latency.p50Ms), ms(latency.p99Ms), ms(latency.maxMs), ms(cpuPerMessage(run)), String(run.load.failedCount)];
    }),
  };
}

function telegramTable(results: BenchResults): Table {
  const { concurrency, conversationCount } = results.settings;
  const { closed, echoes } = results.telegram;
  return {
    title: `Telegram webhook → inbox → agent → sendMessage: ${roundsLabel(results.settings)} messages, ${concurrency} in flight, ${conversationCount} chats`,
    headers: [...withRatio("vs Telegram forwarder"), "exactly one echo", "Bot API sends"],
    numericColumns: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    rows: (["telegramForwarder", "telegramGateway"] as const).map((key) => [
      ...closedCells(closed[key], closed.telegramForwarder),
      `${echoes[key].exactlyOnceCount}/${echoes[key].expectedCount}`,
      String(closed[key].load.replyFrameCount),
    ]),
  };
}

function durabilityTable(results: BenchResults): Table {
  const { full, normal } = results.durability;
  const cost = 1 - perSecond(full) / perSecond(normal);
  return {
    title: `Durable inbox, web chat closed loop (${roundsLabel(results.settings)} messages): the inbox's synchronous=FULL costs ${(cost * 100).toFixed(0)} % of the rate with NORMAL, ${ms(cpuPerMessage(full) - cpuPerMessage(normal))} ms CPU/msg`,
    headers: withRatio("vs NORMAL"),
    numericColumns: [1, 2, 3, 4, 5, 6, 7, 8],
    rows: [full, normal].map((run) => closedCells(run, normal)),
  };
}

function tracingTable(results: BenchResults): Table {
  const { traced, untraced, spanCount, doneCount } = results.tracing;
  const ratio = perSecond(traced) / perSecond(untraced);
  const spansPerMessage = spanCount / Math.max(1, doneCount);
  return {
    title: `Traces, web chat closed loop (${roundsLabel(results.settings)} messages): recording every message's path runs at ${ratio.toFixed(2)} × the rate without, ${ms(cpuPerMessage(traced) - cpuPerMessage(untraced))} ms CPU/msg, ${spansPerMessage.toFixed(1)} span rows per message`,
    headers: withRatio("vs no traces"),
    numericColumns: [1, 2, 3, 4, 5, 6, 7, 8],
    rows: [traced, untraced].map((run) => closedCells(run, untraced)),
  };
}

function startTable(results: BenchResults): Table {
  const { coldStart, inProcess, installSize } = results;
  return {
    title: "Start, memory, install",
    headers: ["Figure", "Value"],
    numericColumns: [1],
    rows: [
      ["Start to ready: `node dist/bin/pincer.js start` (what `npm start` runs) spawned, to first /readyz 200", `${ms(coldStart.readyMs)} ms`],
      ["Start to ready in-process: module import", `${ms(inProcess.importMs)} ms`],
      ["Start to ready in-process: startGateway resolved", `${ms(inProcess.startGatewayMs)} ms`],
      ["Start to ready in-process: startGateway + /readyz 200", `${ms(inProcess.readyMs)} ms`],
      ["Idle RSS: spawned `pincer start`, 1 s after ready", mb(coldStart.idleRssBytes)],
      ["Idle, bench process with gateway, after GC: RSS / JS heap used", memory(inProcess.idleMemory)],
      ["After the web chat load runs, bench process, after GC: RSS / JS heap used", memory(inProcess.afterLoadMemory)],
      ["node_modules, production dependencies", mb(installSize.productionBytes)],
      ["node_modules, all but the pinned node binary", mb(installSize.allButNodeBytes)],
      ["node_modules, all but the node binary, the optional media packages and the opt-in wechaty", mb(installSize.requiredBytes)],
      ["Inbox rows done in the gateway's SQLite file", String(results.storedDoneCount)],
      ["Gateway log lines at warn or above", String(results.gatewayLogLineCount)],
      ["Inbox rows done in the Telegram gateway's SQLite file", String(results.telegram.storedDoneCount)],
      ["Telegram gateway log lines at warn or above", String(results.telegram.gatewayLogLineCount)],
    ],
  };
}

function targetTable(results: BenchResults, format: TableFormat): Table {
  const verdict = (isMet: boolean) => (isMet ? "yes" : format === "markdown" ? "**no**" : "NO");
  const { coldStart, installSize, closed, rate } = results;
  const gatewayRate = perSecond(closed.gateway);
  const ratio = gatewayRate / perSecond(closed.forwarder);
  const addedP99Ms = summarize(rate.gateway.load.latenciesMs).p99Ms - summarize(rate.forwarder.load.latenciesMs).p99Ms;
  const cpuMs = cpuPerMessage(closed.gateway);
  const idleRss = coldStart.idleRssBytes;
  const telegram = results.telegram.closed;
  const telegramRate = perSecond(telegram.telegramGateway);
  const telegramRatio = telegramRate / perSecond(telegram.telegramForwarder);
  const telegramCpuMs = cpuPerMessage(telegram.telegramGateway);
  return {
    title: "Against design §7",
    headers: ["Target", "Measured", "Met"],
    numericColumns: [1],
    rows: [
      ["Start to ready under 1 s", `${ms(coldStart.readyMs)} ms`, verdict(coldStart.readyMs < 1000)],
      ["Idle RSS under 120 MB", mb(idleRss), idleRss === undefined ? "n/a" : verdict(idleRss < 120 * 1024 * 1024)],
      ["node_modules under 300 MB without the node binary (optional media packages and opt-in wechaty apart)", mb(installSize.requiredBytes), verdict(installSize.requiredBytes < 300 * 1024 * 1024)],
      ["At least 300 messages/s, durable store on", gatewayRate.toFixed(0), verdict(gatewayRate >= 300)],
      ["At least half the bare forwarder's rate", ratio.toFixed(2), verdict(ratio >= 0.5)],
      [`p99 added latency under 10 ms at ${results.settings.ratePerSecond}/s`, `${ms(addedP99Ms)} ms`, verdict(addedP99Ms < 10)],
      ["Under 5 ms of CPU per message", `${ms(cpuMs)} ms`, verdict(cpuMs < 5)],
      ["Telegram webhook → sendMessage: at least 300 messages/s, durable store on", telegramRate.toFixed(0), verdict(telegramRate >= 300)],
      ["Telegram webhook → sendMessage: at least half the Telegram forwarder's rate", telegramRatio.toFixed(2), verdict(telegramRatio >= 0.5)],
      ["Telegram webhook → sendMessage: under 5 ms of CPU per message", `${ms(telegramCpuMs)} ms`, verdict(telegramCpuMs < 5)],
    ],
  };
}

export function renderReport(results: BenchResults, format: TableFormat): string {
  const tables = [targetTable(results, format), closedTable(results), rateTable(results), telegramTable(results), durabilityTable(results), tracingTable(results), startTable(results)];
  const heading = `Pincer bench, ${results.date}, ${results.machine}`;
  return `${heading}\n\n${tables.map((table) => renderTable(table, format)).join("\n\n")}\n`;
}
