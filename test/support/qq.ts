import type { Env } from "../../core/config.ts";
import type { GatewayOptions } from "../../gateway/gateway.ts";
import type { FakeQq } from "../fakes/qq.ts";
import { startTestGateway, tempDataDir } from "./web-chat-client.ts";

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
