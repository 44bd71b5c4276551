import { describe, expect, it } from "vitest";
import { createDingtalkAdapter } from "../../../adapters/dingtalk/index.ts";
import { createLogger } from "../../../core/logger.ts";
import { collectingLog } from "../../support/recording-logger.ts";
import { tempDataDir } from "../../support/web-chat-client.ts";

const deps = () => ({ logger: createLogger({ level: "silent", secrets: [], destination: collectingLog().destination }), dataDir: tempDataDir(), maxMediaBytes: 1000 });
const settings = { clientId: "dingfakeclientid", clientSecret: "fake-secret", cardTemplateId: undefined, apiBase: "http://127.0.0.1:9", connection: "stream" as const };

describe("DingTalk capabilities", () => {
  it("without a card template: no edits (a markdown message cannot change), a working notice for slow answers, typed approvals", () => {
    const adapter = createDingtalkAdapter(settings, deps());
    expect(adapter.edit).toBeUndefined();
    expect(adapter.capabilities).toMatchObject({ hasButtons: false, workingNoticeAfterMs: 8000 });
    expect(adapter.capabilities.needsFinalEdit).toBeUndefined();
    expect(adapter.routes).toEqual([]);
  });

  it("with a card template: answers stream by edits, each ended by a final edit, and approvals have buttons", () => {
    const adapter = createDingtalkAdapter({ ...settings, cardTemplateId: "fake.schema" }, deps());
    expect(adapter.edit).toBeTypeOf("function");
    expect(adapter.capabilities).toMatchObject({ hasButtons: true, needsFinalEdit: true });
    expect(adapter.capabilities.workingNoticeAfterMs).toBeUndefined();
  });

  it("serves POST /webhooks/dingtalk in HTTP callback mode only", () => {
    expect(createDingtalkAdapter({ ...settings, connection: "webhook" }, deps()).routes?.map((route) => `${route.method} ${route.path}`)).toEqual(["POST /webhooks/dingtalk"]);
  });
});
