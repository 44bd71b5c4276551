import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobRecord } from "../../../../core/store/jobs.ts";
import { directChat, groupChat } from "../../fixtures.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;
const lease = 60_000;

function job(id: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id, conversation: directChat, creatorRef: "telegram:u1", creatorName: "Ann", prompt: "check the deploy log",
    schedule: { type: "once", at: t0 }, timezone: "UTC", state: "active", nextRunAt: t0, isBackground: false,
    secretHash: undefined, createdAt: t0 - 1000, lastRun: undefined, runCount: 0, ...overrides,
  };
}

const delivered = (dueAt: number, endedAt: number) => ({ dueAt, endedAt, outcome: "delivered" as const, detail: undefined });

/** Jobs: due runs are claimed once across processes, a crashed claim is taken again after its lease, every outcome is kept. */
export function describeJobsContract(name: string, factory: StoreFactory): void {
  describe(`${name}: jobs`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("keeps a job as created and lists a chat's jobs, oldest first", async () => {
      const { jobs } = store();
      await jobs.create(job("ab3cd", { secretHash: "f00d", schedule: { type: "cron", expr: "0 9 * * 1-5" } }));
      await jobs.create(job("ef4gh", { createdAt: t0, conversation: groupChat }));
      await jobs.create(job("jk5mn", { createdAt: t0 + 1 }));
      expect(await jobs.get("ab3cd")).toEqual(job("ab3cd", { secretHash: "f00d", schedule: { type: "cron", expr: "0 9 * * 1-5" } }));
      expect(await jobs.get("zzzzz")).toBeUndefined();
      expect((await jobs.list({ conversationKey: "telegram:100" })).map((each) => each.id)).toEqual(["ab3cd", "jk5mn"]);
      expect((await jobs.list({})).map((each) => each.id)).toEqual(["ab3cd", "ef4gh", "jk5mn"]);
      expect(await jobs.countOpen("telegram:u1")).toBe(3);
      expect(await jobs.countOpen("telegram:u2")).toBe(0);
      // A background run in flight is no scheduled job: the per-user limit does not count it.
      await jobs.create(job("pq6rs", { isBackground: true, createdAt: t0 + 2 }));
      expect(await jobs.countOpen("telegram:u1")).toBe(3);
    });

    it("claims a due run once, even when two connections claim at the same moment", async () => {
      await store().jobs.create(job("ab3cd"));
      const other = await factory.openAnother();
      const [mine, theirs] = await Promise.all([store().jobs.claimDue(t0, lease, 10), other.jobs.claimDue(t0, lease, 10)]);
      expect([...mine, ...theirs]).toHaveLength(1);
      expect([...mine, ...theirs][0]).toMatchObject({ dueAt: t0, attempt: 1, claimedUntil: t0 + lease });
      expect(await store().jobs.claimDue(t0 + 1000, lease, 10)).toEqual([]);
    });

    it("claims nothing before it is due, nor a paused or cancelled job", async () => {
      const { jobs } = store();
      await jobs.create(job("ab3cd", { nextRunAt: t0 + 5000 }));
      await jobs.create(job("ef4gh"));
      await jobs.create(job("jk5mn"));
      expect(await jobs.setState("ef4gh", "paused", undefined, t0)).toBe(true);
      expect(await jobs.setState("jk5mn", "cancelled", undefined, t0)).toBe(true);
      expect(await jobs.claimDue(t0, lease, 10)).toEqual([]);
      expect(await jobs.nextWakeAt()).toBe(t0 + 5000);
      expect((await jobs.claimDue(t0 + 5000, lease, 10)).map((claim) => claim.job.id)).toEqual(["ab3cd"]);
    });

    it("claims a run again once its lease is over (a crashed worker), counting the attempt", async () => {
      const { jobs } = store();
      await jobs.create(job("ab3cd"));
      await jobs.claimDue(t0, lease, 10);
      expect(await jobs.nextWakeAt()).toBe(t0 + lease);
      expect(await jobs.claimDue(t0 + lease - 1, lease, 10)).toEqual([]);
      const [again] = await jobs.claimDue(t0 + lease, lease, 10);
      expect(again).toMatchObject({ dueAt: t0, attempt: 2 });
    });

    it("keeps a renewed claim past its first lease", async () => {
      const { jobs } = store();
      await jobs.create(job("ab3cd"));
      await jobs.claimDue(t0, lease, 10);
      expect(await jobs.renew("ab3cd", t0, t0 + 3 * lease)).toBe(true);
      expect(await jobs.claimDue(t0 + 2 * lease, lease, 10)).toEqual([]);
      expect(await jobs.renew("ab3cd", t0 + 1, t0 + 3 * lease)).toBe(false);
    });

    it("releases every claim after a restart of the only process: the run is claimed again at once", async () => {
      const { jobs } = store();
      await jobs.create(job("ab3cd"));
      await jobs.claimDue(t0, lease, 10);
      expect(await jobs.releaseClaims()).toBe(1);
      expect(await jobs.nextWakeAt()).toBeLessThanOrEqual(t0);
      expect(await jobs.claimDue(t0 + 1, lease, 10)).toMatchObject([{ dueAt: t0, attempt: 2 }]);
    });

    it("finishes a one-off run: the job is finished with its outcome and claimed no more", async () => {
      const { jobs } = store();
      await jobs.create(job("ab3cd"));
      await jobs.claimDue(t0, lease, 10);
      expect(await jobs.finish("ab3cd", t0, delivered(t0, t0 + 900), undefined)).toBe(true);
      expect(await jobs.get("ab3cd")).toMatchObject({ state: "finished", runCount: 1, lastRun: delivered(t0, t0 + 900) });
      expect(await jobs.claimDue(t0 + 10 * lease, lease, 10)).toEqual([]);
      expect(await jobs.nextWakeAt()).toBeUndefined();
      expect(await jobs.countOpen("telegram:u1")).toBe(0);
      expect((await jobs.list({ conversationKey: "telegram:100" })).map((each) => each.id)).toEqual(["ab3cd"]);
    });

    it("moves a repeating job to its next run, and refuses to finish a run whose claim was taken over", async () => {
      const { jobs } = store();
      await jobs.create(job("ab3cd", { schedule: { type: "every", intervalMs: 60_000 } }));
      await jobs.claimDue(t0, lease, 10);
      expect(await jobs.finish("ab3cd", t0 + 1, delivered(t0, t0 + 5), t0 + 60_000)).toBe(false);
      expect(await jobs.finish("ab3cd", t0, delivered(t0, t0 + 5), t0 + 60_000)).toBe(true);
      expect(await jobs.finish("ab3cd", t0, delivered(t0, t0 + 6), t0 + 60_000)).toBe(false);
      expect(await jobs.get("ab3cd")).toMatchObject({ state: "active", nextRunAt: t0 + 60_000, runCount: 1 });
      expect(await jobs.claimDue(t0 + 60_000, lease, 10)).toMatchObject([{ dueAt: t0 + 60_000, attempt: 1 }]);
    });

    it("does not revive a job cancelled while its run went on", async () => {
      const { jobs } = store();
      await jobs.create(job("ab3cd", { schedule: { type: "every", intervalMs: 60_000 } }));
      await jobs.claimDue(t0, lease, 10);
      expect(await jobs.setState("ab3cd", "cancelled", undefined, t0 + 1)).toBe(true);
      expect(await jobs.finish("ab3cd", t0, delivered(t0, t0 + 5), t0 + 60_000)).toBe(true);
      expect(await jobs.get("ab3cd")).toMatchObject({ state: "cancelled", nextRunAt: undefined, lastRun: delivered(t0, t0 + 5) });
      expect(await jobs.setState("ab3cd", "active", t0 + 60_000, t0 + 2)).toBe(false);
      expect(await jobs.nextWakeAt()).toBeUndefined();
    });

    it("pauses and resumes a job with a new next run", async () => {
      const { jobs } = store();
      await jobs.create(job("ab3cd", { schedule: { type: "every", intervalMs: 60_000 } }));
      await jobs.setState("ab3cd", "paused", undefined, t0);
      expect(await jobs.get("ab3cd")).toMatchObject({ state: "paused", nextRunAt: undefined });
      expect(await jobs.countOpen("telegram:u1")).toBe(1);
      await jobs.setState("ab3cd", "active", t0 + 120_000, t0 + 1);
      expect(await jobs.nextWakeAt()).toBe(t0 + 120_000);
    });

    it("keeps each user's time zone", async () => {
      const { jobs } = store();
      expect(await jobs.timezone("telegram:u1")).toBeUndefined();
      await jobs.setTimezone("telegram:u1", "Asia/Shanghai", t0);
      await jobs.setTimezone("telegram:u1", "Europe/Berlin", t0 + 1);
      const other = await factory.openAnother();
      expect(await other.jobs.timezone("telegram:u1")).toBe("Europe/Berlin");
    });
  });
}
