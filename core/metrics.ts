import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { channelOf, type ConversationRef } from "./types/conversation.ts";

export interface Metrics {
  registry: Registry;
  messagesIn: Counter<"channel" | "platform" | "outcome">;
  messagesOut: Counter<"channel" | "platform">;
  runs: Counter<"outcome">;
  errors: Counter<"code">;
  tokens: Counter<"direction" | "model">;
  runSeconds: Histogram<"outcome">;
  firstReplySeconds: Histogram;
  jobRuns: Counter<"outcome">;
  jobFireLagSeconds: Histogram;
}

/** One registry per gateway (no global default registry), so tests and several gateways stay apart. */
export function createMetrics(queueDepth: () => Promise<number>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "pincer_" });
  const registers = [registry];
  new Gauge({
    name: "pincer_queue_depth",
    help: "Messages waiting for a run",
    registers,
    async collect() {
      this.set(await queueDepth());
    },
  });
  return {
    registry,
    messagesIn: new Counter({
      name: "pincer_messages_in_total",
      help: "Inbound messages by outcome (accepted, duplicate, dropped, pairing)",
      labelNames: ["channel", "platform", "outcome"],
      registers,
    }),
    messagesOut: new Counter({ name: "pincer_messages_out_total", help: "Messages sent", labelNames: ["channel", "platform"], registers }),
    runs: new Counter({ name: "pincer_runs_total", help: "Agent runs by outcome", labelNames: ["outcome"], registers }),
    errors: new Counter({ name: "pincer_errors_total", help: "Errors by code", labelNames: ["code"], registers }),
    tokens: new Counter({
      name: "pincer_tokens_total",
      help: "Model tokens by direction (input, output)",
      labelNames: ["direction", "model"],
      registers,
    }),
    runSeconds: new Histogram({
      name: "pincer_run_seconds",
      help: "Agent run duration",
      labelNames: ["outcome"],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers,
    }),
    firstReplySeconds: new Histogram({
      name: "pincer_first_reply_seconds",
      help: "From a message entering the inbox to the first reply sent",
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
      registers,
    }),
    jobRuns: new Counter({
      name: "pincer_job_runs_total",
      help: "Scheduled and background job runs by outcome (delivered, parked, failed, skipped)",
      labelNames: ["outcome"],
      registers,
    }),
    jobFireLagSeconds: new Histogram({
      name: "pincer_job_fire_lag_seconds",
      help: "From a job run's due time to its start",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 30, 300],
      registers,
    }),
  };
}

/** The labels of a conversation's messages: its channel's id, and the platform it is on. */
export function channelLabels(conversation: ConversationRef): { channel: string; platform: string } {
  return { channel: channelOf(conversation), platform: conversation.platform };
}
