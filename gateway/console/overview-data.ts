import QRCode from "qrcode";
import type { BudgetConfig } from "../../core/config.ts";
import { startOfDay } from "../../core/budget.ts";
import type { MemoryCounts } from "../../core/store/memory-store.ts";
import type { ActivityBucket, PairingRequest, Store, UsageLeader, UsageTotals } from "../../core/store/store.ts";
import type { ChannelStatus } from "../http.ts";
import type { ChannelActivity } from "./channel-activity.ts";

export interface ChannelOverview {
  id: string;
  /** Set when the channel's id is not its platform's name. */
  platform?: string;
  state: ChannelStatus["state"];
  detail?: string;
  /** When it last took a message in (this process, or any process within half a minute). */
  lastEventAt?: number;
  /** While a login waits for a scan (wechaty): the QR code to scan, as SVG drawn here. */
  loginQrSvg?: string;
}

export interface Overview {
  at: number;
  hours: number;
  bucketMs: number;
  channels: ChannelOverview[];
  activity: ActivityBucket[];
  queueDepth: number;
  failedRuns: number;
  pendingApprovals: number;
  /** Since 00:00 UTC, when the daily caps reset. */
  today: { total: UsageTotals; topUser: UsageLeader | undefined; topChat: UsageLeader | undefined };
  /** PINCER_DAILY_*: 0 means no cap. */
  caps: { tokensPerUser: number; tokensPerChat: number; usdPerUser: number; usdPerChat: number };
  pendingPairing: PairingRequest[];
  /** How many memories are kept, about how many people and chats: counts only, never a memory's text. */
  memories: MemoryCounts;
}

export interface OverviewDeps {
  store: Store;
  channels: () => Record<string, ChannelStatus>;
  activity: ChannelActivity;
  budget: BudgetConfig;
}

const minuteMs = 60_000;

/** Everything the overview shows, read through the store's ports (indexed, bounded by the window). */
export async function readOverview(deps: OverviewDeps, at: number, hours: number): Promise<Overview> {
  const bucketMs = minuteMs;
  const until = Math.floor(at / bucketMs) * bucketMs + bucketMs;
  const since = until - hours * 60 * minuteMs;
  const statuses = deps.channels();
  const [activity, queueDepth, pending, today, pendingPairing, lastEvents, memories] = await Promise.all([
    deps.store.overview.activity(since, until, bucketMs),
    deps.store.inbox.countQueued(),
    deps.store.approvals.list({ status: "pending", limit: 500 }),
    deps.store.overview.usageSince(startOfDay(at)),
    deps.store.pairing.listPending(at),
    deps.activity.lastEventAt(Object.keys(statuses)),
    deps.store.memories.counts(),
  ]);
  const channels = await Promise.all(
    Object.entries(statuses).map(async ([id, health]): Promise<ChannelOverview> => ({
      id,
      ...(health.platform ? { platform: health.platform } : {}),
      state: health.state,
      ...(health.detail ? { detail: health.detail } : {}),
      ...(lastEvents[id] !== undefined ? { lastEventAt: lastEvents[id] } : {}),
      ...(health.loginQr ? { loginQrSvg: await QRCode.toString(health.loginQr, { type: "svg", margin: 2 }) } : {}),
    })),
  );
  return {
    at,
    hours,
    bucketMs,
    channels,
    activity,
    queueDepth,
    failedRuns: activity.reduce((sum, bucket) => sum + bucket.errors, 0),
    pendingApprovals: pending.filter((request) => request.expiresAt > at).length,
    today,
    caps: {
      tokensPerUser: deps.budget.dailyTokensPerUser,
      tokensPerChat: deps.budget.dailyTokensPerChat,
      usdPerUser: deps.budget.dailyUsdPerUser,
      usdPerChat: deps.budget.dailyUsdPerChat,
    },
    pendingPairing,
    memories,
  };
}
