import { describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.ts";

const credentials = { QQ_APP_ID: "1020000001", QQ_APP_SECRET: "fakeQQsecretForTestsOnly0" };

describe("QQ configuration", () => {
  it("talks to the production OpenAPI by default, and to the sandbox with QQ_SANDBOX=true", () => {
    const production = loadConfig(credentials).platforms.qq!;
    expect(production.apiBase).toBe("https://api.sgroup.qq.com");
    expect(production.isSandbox).toBe(false);
    const sandbox = loadConfig({ ...credentials, QQ_SANDBOX: "true" }).platforms.qq!;
    expect(sandbox.apiBase).toBe("https://sandbox.api.sgroup.qq.com");
    expect(sandbox.isSandbox).toBe(true);
    // The token endpoint is one for both (api-use.md).
    expect(sandbox.tokenUrl).toBe(production.tokenUrl);
  });

  it("lets QQ_API_BASE win over the sandbox switch (tests point both at a fake)", () => {
    expect(loadConfig({ ...credentials, QQ_SANDBOX: "true", QQ_API_BASE: "http://127.0.0.1:9" }).platforms.qq!.apiBase).toBe("http://127.0.0.1:9");
  });

  it("refuses a QQ_SANDBOX that is not true or false, naming it", () => {
    expect(() => loadConfig({ ...credentials, QQ_SANDBOX: "yes" })).toThrow(/QQ_SANDBOX/);
  });
});
