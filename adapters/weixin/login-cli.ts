import { createInterface } from "node:readline/promises";
import QRCode from "qrcode";
import type { Config } from "../../core/config.ts";
import { runWeixinLogin } from "./login.ts";

/** `pincer weixin login`: the QR code in the terminal, the status flow, the login stored in DATA_DIR. */
export async function weixinLoginCommand(config: Config, output: NodeJS.WritableStream = process.stdout): Promise<number> {
  const say = (line: string) => void output.write(`${line}\n`);
  const login = await runWeixinLogin({
    apiBase: config.platforms.weixin.apiBase,
    dataDir: config.dataDir,
    say,
    showQr: async (text) => {
      output.write(await QRCode.toString(text, { type: "terminal", small: true }));
    },
    askCode: async (prompt) => {
      const readline = createInterface({ input: process.stdin, output });
      try {
        return await readline.question(prompt);
      } finally {
        readline.close();
      }
    },
  });
  say(`Logged in as bot ${login.botId}; the login is stored in ${login.path} (mode 600).`);
  if (login.userId) say(`Your WeChat user id is ${login.userId}: add weixin:${login.userId} to PINCER_ALLOW_FROM to skip pairing.`);
  say("Start (or restart) Pincer to connect: npm start");
  return 0;
}
