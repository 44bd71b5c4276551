import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.ts";

const root = join(import.meta.dirname, "..", "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

describe("OpenTelemetry costs nothing when it is off", () => {
  it("is imported by gateway/otel.ts alone, which the gateway imports only when an endpoint is set", () => {
    const importers = ["core", "gateway", "adapters", "agents", "media", "bin"]
      .flatMap(sourceFiles)
      .filter((file) => readFileSync(join(root, file), "utf8").includes("@opentelemetry/"));
    expect(importers).toEqual(["gateway/otel.ts"]);
    const gateway = readFileSync(join(root, "gateway/gateway.ts"), "utf8");
    expect(gateway).not.toMatch(/^import .*otel\.ts/m);
    expect(gateway).toMatch(/config\.otel \? await \(await import\("\.\/otel\.ts"\)\)/);
  });

  it("is off by default, and reads the OpenTelemetry variables when set", () => {
    expect(loadConfig({}).otel).toBeUndefined();
    const config = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=abc%3D1, tenant=t1" });
    expect(config.otel).toEqual({ endpoint: "http://127.0.0.1:4318", headers: { "x-api-key": "abc=1", tenant: "t1" }, serviceName: "pincer" });
    expect(config.secrets).toContain("x-api-key=abc%3D1, tenant=t1");
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "not a url" })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_EXPORTER_OTLP_HEADERS: "no-equals" })).toThrow(/OTEL_EXPORTER_OTLP_HEADERS/);
  });
});
