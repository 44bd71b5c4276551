import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { robotMessage, startDingtalkFake, type DingtalkFake } from "../fakes/dingtalk.ts";
import { dingtalkCredentials, dingtalkEnv } from "../support/dingtalk.ts";
import { eventually } from "../support/eventually.ts";
import { startTestGateway } from "../support/web-chat-client.ts";

let fake: DingtalkFake | undefined;
let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = fake = undefined;
});

const inChat = (chatId: string) => fake!.messages.filter((message) => message.chatId === chatId);

describe("DingTalk messages nobody asked for just then: jobs and operators' sends", () => {
  it("a job's result and POST /api/admin/send reach the chat through the robot OpenAPI once the session webhook is no longer usable", async () => {
    fake = await startDingtalkFake({ ...dingtalkCredentials });
    ({ gateway } = await startTestGateway(dingtalkEnv(fake.origin), { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    await fake.waitFor(() => fake!.socketCount === 1);
    // The webhook has 61.5 s left: used for the answer now, not in its last minute (when the job fires).
    fake.pushMessage(robotMessage(fake, { msgId: "job-1", text: { content: "/in 2s /echo later" }, sessionWebhookExpiredTime: Date.now() + 61_500 }));
    await eventually(() => inChat("manager4520").some((message) => /^Scheduled job/.test(message.text)), 5000);
    expect(inChat("manager4520")[0]!.via).toBe("session");
    await eventually(() => inChat("manager4520").some((message) => message.text === "later"), 8000);
    expect(inChat("manager4520").find((message) => message.text === "later")!.via).toBe("batchSend");

    const response = await fetch(`${gateway.url}api/admin/send`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json", "idempotency-key": "dt-deploy-1" },
      body: JSON.stringify({ channel: "dingtalk", chatId: "manager4520", text: "Deploy finished." }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    await eventually(() => inChat("manager4520").some((message) => message.text === "Deploy finished."), 5000);
    await gateway.pipeline.idle();
    expect(inChat("manager4520").filter((message) => message.text === "later")).toHaveLength(1);
    expect(inChat("manager4520").filter((message) => message.text === "Deploy finished.").map((message) => message.via)).toEqual(["batchSend"]);
  }, 20_000);
});
