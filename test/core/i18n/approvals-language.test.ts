import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createApprovals } from "../../../core/approvals.ts";
import { createDelivery } from "../../../core/delivery.ts";
import { rememberLocale } from "../../../core/i18n/locale.ts";
import { createMetrics } from "../../../core/metrics.ts";
import { createSqliteStore } from "../../../core/store/sqlite/index.ts";
import type { ConversationRef } from "../../../core/types/conversation.ts";
import { recordingAdapter, silentLogger } from "../../support/responder.ts";

const group: ConversationRef = { platform: "fake", chatId: "g1", kind: "group" };
const adminDm: ConversationRef = { platform: "fake", chatId: "d-boss", kind: "direct" };

describe("approval requests in each reader's language", () => {
  it("asks an English member's group in English and a Chinese admin in their DM in Chinese, and answers the admin in Chinese", async () => {
    const store = createSqliteStore(":memory:");
    const fake = recordingAdapter();
    const delivery = createDelivery({ adapters: new Map([["fake", fake.adapter]]), outbox: store.outbox, logger: silentLogger, metrics: createMetrics(async () => 0) });
    const approvals = createApprovals({
      approvals: store.approvals, contacts: store.contacts, delivery, admins: ["fake:boss"], logger: silentLogger,
      attachmentDir: mkdtempSync(join(tmpdir(), "pincer-approvals-")), locale: "en", adapterState: store.adapterState,
    });
    await store.contacts.remember("fake:boss", adminDm, 0);
    await rememberLocale(store.adapterState, "fake:boss", "zh-CN", undefined);
    const controller = new AbortController();
    const decision = approvals.request({
      conversation: group, requesterRef: "fake:guest", requesterRole: "member", signal: controller.signal,
      request: { toolName: "shell", summary: "rm -rf build", risk: "exec" },
    });
    while (fake.sends().length < 2) await new Promise((resolve) => setTimeout(resolve, 2));
    const [inGroup, inDm] = fake.sends();
    expect(inGroup!.text).toMatch(/^🔐 Approval needed: \*\*shell\*\* wants to run/);
    expect(inGroup!.text).toContain("An admin must approve this.");
    expect(inDm!.text).toMatch(/^🔐 需要审批：\*\*shell\*\* 请求运行/);
    expect(inDm!.text).toMatch(/回复 `\/approve \w+` 或 `\/deny \w+`（10 分钟后过期）。\n需要管理员批准。/);
    const id = /\/approve (\w+)/.exec(inDm!.text)![1]!;
    expect(await approvals.decide({ requestId: id, isApproved: true, isAlways: false, approverRef: "fake:boss", approverRole: "admin", from: adminDm, locale: "zh-CN" }))
      .toBe("已批准：shell 现在运行。");
    expect(await decision).toMatchObject({ isApproved: true, decidedBy: "fake:boss" });
  });
});
