import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { createSqliteStore } from "../../../core/store/sqlite/index.ts";
import { acceptedLocale, consoleLocale } from "../../../gateway/console/locale.ts";
import { cleanUserName, safeNext } from "../../../gateway/console/login-routes.ts";
import { createConsoleSessions } from "../../../gateway/console/session.ts";
import { tempDataDir } from "../../support/web-chat-client.ts";

const request = (headers: Record<string, string> = {}, url = "/admin") => ({ headers, url, socket: {} }) as unknown as IncomingMessage;
const cookieOf = (setCookie: string) => request({ cookie: setCookie.split(";")[0]! });

describe("console sessions", () => {
  it("expire after their time, and are valid for another process on the same store", async () => {
    const dir = tempDataDir();
    const store = createSqliteStore(dir);
    const other = createSqliteStore(dir);
    let now = 1_700_000_000_000;
    const sessions = await createConsoleSessions({ adminToken: "token-0123456789abcdef", state: store.adapterState, ttlMs: 60_000, now: () => now });
    const elsewhere = await createConsoleSessions({ adminToken: "token-0123456789abcdef", state: other.adapterState, ttlMs: 60_000, now: () => now });
    const { setCookie } = sessions.issue(request(), "Ada");
    expect(await sessions.verify(cookieOf(setCookie))).toEqual({ user: "Ada", expiresAt: now + 60_000 });
    expect(await elsewhere.verify(cookieOf(setCookie))).toMatchObject({ user: "Ada" });
    now += 60_000;
    expect(await sessions.verify(cookieOf(setCookie))).toBeUndefined();
    store.close();
    other.close();
  });

  it("refuse a cookie signed under another admin token", async () => {
    const store = createSqliteStore(":memory:");
    const before = await createConsoleSessions({ adminToken: "token-0123456789abcdef", state: store.adapterState });
    const after = await createConsoleSessions({ adminToken: "token-fedcba9876543210", state: store.adapterState });
    expect(await after.verify(cookieOf(before.issue(request(), "owner").setCookie))).toBeUndefined();
    store.close();
  });
});

describe("the console's language", () => {
  it("follows Accept-Language by quality, Chinese of any region being Simplified Chinese", () => {
    expect(acceptedLocale("zh-TW,zh;q=0.9")).toBe("zh-CN");
    expect(acceptedLocale("fr-FR, en;q=0.5, zh;q=0.8")).toBe("zh-CN");
    expect(acceptedLocale("fr-FR, en-GB;q=0.7")).toBe("en");
    expect(acceptedLocale("fr-FR")).toBeUndefined();
    expect(acceptedLocale(undefined)).toBeUndefined();
  });

  it("lets ?lang= win and remembers it; an unknown value changes nothing", () => {
    expect(consoleLocale(request({ "accept-language": "en" }, "/admin?lang=zh-CN"))).toMatchObject({ locale: "zh-CN", setCookie: expect.stringContaining("pincer_lang=zh-CN") });
    expect(consoleLocale(request({ cookie: "pincer_lang=zh-CN", "accept-language": "en" }))).toEqual({ locale: "zh-CN" });
    expect(consoleLocale(request({ "accept-language": "en" }, "/admin?lang=<script>"))).toEqual({ locale: "en" });
    expect(consoleLocale(request({}), "zh-CN")).toEqual({ locale: "zh-CN" });
  });
});

describe("the login's inputs", () => {
  it("returns only to console pages (no open redirect)", () => {
    expect(safeNext("/admin/approvals")).toBe("/admin/approvals");
    for (const next of ["//evil.example", "https://evil.example/admin", "/admin/../api", "/admin?x=1", "/administrator", 42]) expect(safeNext(next)).toBe("/admin");
  });

  it("keeps names to letters, digits, spaces and ._-", () => {
    expect(cleanUserName("Ada Lovelace")).toBe("Ada Lovelace");
    expect(cleanUserName("张伟")).toBe("张伟");
    expect(cleanUserName('<img src=x onerror="1">')).toBe("img srcx onerror1");
    expect(cleanUserName("   ")).toBe("owner");
  });
});
