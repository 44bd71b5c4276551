import { describe, expect, it } from "vitest";
import { describeStress, runCrashStress, type StressPlan } from "../support/crash-stress.ts";

/**
 * Issue 24: every message answered exactly once across SIGKILLs. A real `pincer start` process is
 * killed at seeded random moments (PINCER_STRESS_SEED to replay a run; the seed is printed) while
 * conversations send steadily through the fake Bot API, and started again on the same DATA_DIR.
 * The only repeat allowed is a part that a kill caught mid-send (claimed in the outbox, not yet recorded).
 */
const seed = Number(process.env.PINCER_STRESS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const kills = Number(process.env.PINCER_STRESS_KILLS ?? 20);

function plan(mode: StressPlan["mode"], offset: number): StressPlan {
  return {
    seed: seed + offset,
    mode,
    conversations: 4,
    kills,
    messageIntervalMs: 400,
    maxLifeMs: 2000,
    log: (line) => process.stdout.write(`[stress ${mode}] ${line}\n`),
  };
}

function expectExactlyOnce(result: Awaited<ReturnType<typeof runCrashStress>>, conversations: number) {
  process.stdout.write(`[stress] ${describeStress(result)}\n`);
  for (const line of result.duplicateDetails) process.stdout.write(`[stress]   ${line}\n`);
  expect(result.kills).toBeGreaterThanOrEqual(20);
  expect(result.missingIds).toEqual([]);
  expect(result.maxInFlightPerKill).toBeLessThanOrEqual(conversations);
  expect(result.extraMessageCount).toBeLessThanOrEqual(result.inFlightAtKills);
}

describe(`exactly one answer per message across SIGKILLs (seed ${seed})`, () => {
  it("Telegram by long polling", async () => {
    expectExactlyOnce(await runCrashStress(plan("polling", 0)), 4);
  }, 600_000);

  it("Telegram by webhook, redelivering what was not acknowledged", async () => {
    expectExactlyOnce(await runCrashStress(plan("webhook", 1)), 4);
  }, 600_000);
});
