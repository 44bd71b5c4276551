import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.ts";
import { BridgeError } from "../../core/types/errors.ts";

function configError(env: Record<string, string>): BridgeError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeError).code).toBe("config");
    return error as BridgeError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

const adminToken = "0123456789abcdef-long-enough";

describe("with no configuration", () => {
  it("serves on 127.0.0.1:8787 with DM pairing and group pairing", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 8787,
      dataDir: resolve("./data"),
      defaultAgent: "builtin",
      adminToken: undefined,
      policy: { dm: "pairing", group: "pairing", allowFrom: [], allowGroups: [], admins: [] },
    });
  });

  it("treats an empty value as unset", () => {
    expect(loadConfig({ PORT: "", HOST: "", PINCER_DM_POLICY: "" })).toMatchObject({
      host: "127.0.0.1",
      port: 8787,
      policy: { dm: "pairing" },
    });
  });
});

describe("PINCER_ALLOWED_HOSTS and PINCER_METRICS_TOKEN", () => {
  it("reads extra host names for the web chat, lower-cased, and keeps the metrics token secret", () => {
    const config = loadConfig({ PINCER_ALLOWED_HOSTS: "Pincer.lan, 192.168.1.5,[fd00::1]", PINCER_METRICS_TOKEN: adminToken });
    expect(config.allowedHosts).toEqual(["pincer.lan", "192.168.1.5", "[fd00::1]"]);
    expect(config.metricsToken).toBe(adminToken);
    expect(config.secrets).toContain(adminToken);
  });

  it("refuses a host name with a port or a scheme, and a short metrics token without echoing it", () => {
    expect(configError({ PINCER_ALLOWED_HOSTS: "pincer.lan:8787" }).message).toMatch(/^PINCER_ALLOWED_HOSTS: expected host names without ports/);
    expect(configError({ PINCER_ALLOWED_HOSTS: "http://pincer.lan" }).message).toMatch(/^PINCER_ALLOWED_HOSTS/);
    const error = configError({ PINCER_METRICS_TOKEN: "short-secret" });
    expect(error.message).toBe("PINCER_METRICS_TOKEN: expected at least 16 characters");
  });
});

describe("PINCER_DB_POOL", () => {
  it("gives each process 2 connections for its message traffic unless told otherwise", () => {
    expect(loadConfig({}).databasePoolSize).toBe(2);
    expect(loadConfig({ PINCER_DB_POOL: "12" }).databasePoolSize).toBe(12);
  });

  it.each(["0", "many", "101"])("refuses %s, saying what it expects", (value) => {
    expect(configError({ PINCER_DB_POOL: value }).message).toMatch(/^PINCER_DB_POOL: expected an integer from 1 to 100/);
  });
});

describe("PORT", () => {
  it("accepts a port number", () => {
    expect(loadConfig({ PORT: "9000" }).port).toBe(9000);
  });

  it.each(["abc", "70000", "-1", "80.5"])("refuses %s, saying what it expects", (value) => {
    const error = configError({ PORT: value });
    expect(error.message).toMatch(/^PORT/);
    expect(error.message).toContain("expected an integer from 0 to 65535");
    expect(error.message).toContain(value);
  });
});

describe("HOST", () => {
  it("refuses a non-loopback address without PINCER_ADMIN_TOKEN", () => {
    const error = configError({ HOST: "0.0.0.0" });
    expect(error.message).toMatch(/^PINCER_ADMIN_TOKEN/);
    expect(error.message).toContain("0.0.0.0");
  });

  it("accepts a non-loopback address with a token, and treats the token as a secret", () => {
    const config = loadConfig({ HOST: "0.0.0.0", PINCER_ADMIN_TOKEN: adminToken });
    expect(config.host).toBe("0.0.0.0");
    expect(config.secrets).toContain(adminToken);
  });

  it.each(["localhost", "127.0.0.2", "::1"])("accepts loopback %s without a token", (host) => {
    expect(loadConfig({ HOST: host }).host).toBe(host);
  });

  it("refuses a short admin token without echoing it", () => {
    const error = configError({ PINCER_ADMIN_TOKEN: "hunter2" });
    expect(error.message).toMatch(/^PINCER_ADMIN_TOKEN/);
    expect(error.message).not.toContain("hunter2");
  });
});

describe("PINCER_ALLOW_GROUPS", () => {
  it("is a comma-separated platform:chatId list, and names itself when an entry has no platform", () => {
    expect(loadConfig({ PINCER_ALLOW_GROUPS: "telegram:-1001234567890, slack:C0TEAM" }).policy.allowGroups).toEqual(["telegram:-1001234567890", "slack:C0TEAM"]);
    const error = configError({ PINCER_ALLOW_GROUPS: "team" });
    expect(error.message).toMatch(/^PINCER_ALLOW_GROUPS/);
    expect(error.message).toContain("channelId:chatId");
  });

  it("goes with PINCER_GROUP_POLICY, which takes pairing, mention, open or disabled", () => {
    expect(loadConfig({ PINCER_GROUP_POLICY: "mention" }).policy.group).toBe("mention");
    expect(configError({ PINCER_GROUP_POLICY: "everyone" }).message).toMatch(/^PINCER_GROUP_POLICY/);
  });
});

describe("PINCER_ALLOW_FROM and PINCER_ADMINS", () => {
  it("are comma-separated platform:userId lists, spaces and empty entries ignored", () => {
    const config = loadConfig({ PINCER_ALLOW_FROM: " telegram:123, slack:U0ABC ,,", PINCER_ADMINS: "feishu:ou_1" });
    expect(config.policy.allowFrom).toEqual(["telegram:123", "slack:U0ABC"]);
    expect(config.policy.admins).toEqual(["feishu:ou_1"]);
  });

  it("refuse an entry without a platform, naming the variable", () => {
    const error = configError({ PINCER_ALLOW_FROM: "telegram:123,bob" });
    expect(error.message).toMatch(/^PINCER_ALLOW_FROM/);
    expect(error.message).toContain("channelId:userId");
  });

  it("name PINCER_ADMINS when it holds a bad entry", () => {
    expect(configError({ PINCER_ADMINS: "alice" }).message).toMatch(/^PINCER_ADMINS/);
  });
});

describe("policies", () => {
  it("accept the documented values", () => {
    expect(loadConfig({ PINCER_DM_POLICY: "open", PINCER_GROUP_POLICY: "disabled" }).policy).toMatchObject({
      dm: "open",
      group: "disabled",
    });
  });

  it("refuse an unknown DM policy, naming the variable and the choices", () => {
    const error = configError({ PINCER_DM_POLICY: "everyone" });
    expect(error.message).toMatch(/^PINCER_DM_POLICY/);
    expect(error.message).toContain("everyone");
    expect(error.message).toContain("allowlist");
  });

  it("refuse an unknown group policy, naming the variable", () => {
    expect(configError({ PINCER_GROUP_POLICY: "always" }).message).toMatch(/^PINCER_GROUP_POLICY/);
  });
});

describe("PINCER_FETCH_ALLOW", () => {
  it("takes host names, IPs and CIDRs, and names itself for anything else", () => {
    expect(loadConfig({ PINCER_FETCH_ALLOW: "wiki.internal, 10.1.0.0/16,::1" }).fetchAllow).toEqual(["wiki.internal", "10.1.0.0/16", "::1"]);
    expect(configError({ PINCER_FETCH_ALLOW: "10.0.0.0/33" }).message).toMatch(/^PINCER_FETCH_ALLOW: expected host names, IPs or CIDRs/);
    expect(configError({ PINCER_FETCH_ALLOW: "http://x/" }).message).toMatch(/^PINCER_FETCH_ALLOW/);
  });
});
