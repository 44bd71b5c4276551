import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { startDingtalkFake, type DingtalkFake } from "../fakes/dingtalk.ts";
import { dingtalkCredentials } from "../support/dingtalk.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

const run = promisify(execFile);
let fake: DingtalkFake | undefined;
afterEach(async () => {
  await fake?.close();
});

async function doctor(env: Record<string, string>) {
  try {
    const { stdout } = await run(process.execPath, ["bin/pincer.ts", "doctor"], { env: { PATH: process.env.PATH ?? "", DATA_DIR: tempDataDir(), ...env }, timeout: 30_000 });
    return { code: 0, stdout };
  } catch (error) {
    const failure = error as { code: number; stdout: string };
    return { code: failure.code, stdout: failure.stdout };
  }
}

describe("pincer doctor with DingTalk", () => {
  it("gets an access token and names the robot, without opening the stream; a wrong secret fails without showing it", async () => {
    fake = await startDingtalkFake(dingtalkCredentials);
    const env = { DINGTALK_CLIENT_ID: dingtalkCredentials.clientId, DINGTALK_CLIENT_SECRET: dingtalkCredentials.clientSecret, DINGTALK_API_BASE: fake.origin };
    const result = await doctor(env);
    expect(result.stdout).toMatch(new RegExp(`ok {3}DingTalk: access token granted; robot ${dingtalkCredentials.clientId} at ${fake.origin}, Stream mode`));
    expect(fake.calls.map((call) => call.path)).toEqual(["/v1.0/oauth2/accessToken"]);
    const wrong = await doctor({ ...env, DINGTALK_CLIENT_SECRET: "wrong-secret-also-fake" });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain("FAIL DingTalk");
    expect(wrong.stdout).toContain("DINGTALK_CLIENT_SECRET");
    expect(wrong.stdout).not.toContain("wrong-secret-also-fake");
  }, 60_000);
});
