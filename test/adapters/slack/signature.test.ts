import { describe, expect, it } from "vitest";
import { slackSignature, verifySlackSignature } from "../../../adapters/slack/signature.ts";
import { signSlackRequest } from "../../fakes/slack-events.ts";

const secret = "test-fake-signing-secret";
const body = Buffer.from('{"type":"event_callback"}');
const nowMs = 1_700_000_000_000;
const timestamp = String(nowMs / 1000);

describe("Slack request signatures (v0)", () => {
  it("accepts what the signer computes and matches Slack's documented example", () => {
    const signed = signSlackRequest(secret, body.toString(), nowMs / 1000);
    expect(verifySlackSignature(secret, { timestamp: signed["x-slack-request-timestamp"], signature: signed["x-slack-signature"] }, body, nowMs)).toEqual({ isValid: true });
    // https://docs.slack.dev/authentication/verifying-requests-from-slack
    const documented =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    expect(slackSignature("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", documented)).toBe(
      "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    );
  });

  it("refuses a wrong signature, a missing header and a timestamp outside five minutes", () => {
    const good = slackSignature(secret, timestamp, body);
    const tampered = `${good.slice(0, -1)}${good.endsWith("0") ? "1" : "0"}`;
    expect(verifySlackSignature(secret, { timestamp, signature: tampered }, body, nowMs)).toEqual({ isValid: false, reason: "bad signature" });
    expect(verifySlackSignature("other-secret", { timestamp, signature: good }, body, nowMs).isValid).toBe(false);
    expect(verifySlackSignature(secret, { timestamp, signature: undefined }, body, nowMs).isValid).toBe(false);
    expect(verifySlackSignature(secret, { timestamp, signature: good }, body, nowMs + 6 * 60_000)).toEqual({ isValid: false, reason: "stale timestamp" });
    expect(verifySlackSignature(secret, { timestamp, signature: good }, body, nowMs + 4 * 60_000).isValid).toBe(true);
    expect(verifySlackSignature(secret, { timestamp, signature: good }, Buffer.from("{}"), nowMs).isValid).toBe(false);
  });
});
