import type { Env } from "../../core/config.ts";
import type { GatewayOptions } from "../../gateway/gateway.ts";
import type { FakeQq, SentMessage } from "../fakes/qq.ts";
import { startTestGateway, tempDataDir } from "./web-chat-client.ts";

/**
 * The `msg_seq` of each reply, checked to be what a keyed part gets: a positive 32-bit int from its outbox key (so
 * not the 1, 2, 3 of a count), each different.
 */
export function derivedSeqs(sent: readonly SentMessage[]): number[] {
  const seqs = sent.map((record) => record.body.msg_seq as number);
  if (new Set(seqs).size !== seqs.length) throw new Error(`repeated msg_seq: ${seqs.join(", ")}`);
  if (!seqs.every((seq) => Number.isInteger(seq) && seq >= 1000 && seq <= 2 ** 31 - 1)) throw new Error(`not a derived msg_seq: ${seqs.join(", ")}`);
  return seqs;
}

/** The real gateway with the QQ channel on the fake open platform (webhook mode unless `QQ_CONNECTION` says otherwise). */
export async function startQqGateway(fake: FakeQq, env: Env = {}, options: GatewayOptions = {}, dataDir = tempDataDir()) {
  const started = await startTestGateway(
    {
      DATA_DIR: dataDir,
      QQ_APP_ID: fake.appId,
      QQ_APP_SECRET: fake.appSecret,
      QQ_API_BASE: fake.origin,
      QQ_TOKEN_URL: fake.tokenUrl,
      PINCER_DM_POLICY: "open",
      PINCER_GROUP_POLICY: "mention",
      ...env,
    },
    options,
  );
  return { ...started, dataDir, webhookUrl: `${started.gateway.url}webhooks/qq` };
}
