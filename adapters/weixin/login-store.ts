import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

/** What `pincer weixin login` stores: enough to start the adapter without a scan. */
export const storedLoginSchema = z.object({
  botToken: z.string().min(1),
  /** The API host this account lives on (the confirmed status's `baseurl`). */
  baseUrl: z.string().min(1),
  /** ilink_bot_id: the bot account. */
  botId: z.string().min(1),
  /** ilink_user_id: the WeChat user who scanned (the owner; ClawBot talks only to them). */
  userId: z.string().optional(),
  savedAt: z.number(),
});
export type StoredLogin = z.infer<typeof storedLoginSchema>;

export const loginPath = (dataDir: string) => join(dataDir, "weixin", "login.json");

export async function readLogin(dataDir: string): Promise<StoredLogin | undefined> {
  let text: string;
  try {
    text = await readFile(loginPath(dataDir), "utf8");
  } catch {
    return undefined;
  }
  const parsed = storedLoginSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

/** Written to a temporary file with mode 600 and renamed over the old one, so a reader never sees half a file. */
export async function writeLogin(dataDir: string, login: StoredLogin): Promise<string> {
  const path = loginPath(dataDir);
  await mkdir(join(dataDir, "weixin"), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
  return path;
}
