import { createHash } from "node:crypto";
import type { OtelConfig } from "../core/config.ts";
import type { TraceSink, TraceSpan } from "../core/trace.ts";
import type { Logger } from "../core/types/logger.ts";

/** A message's trace id and its root span's id, the same in every process: derived from its inbox key. */
export function otelIds(traceKey: string): { traceId: string; rootSpanId: string } {
  return {
    traceId: createHash("sha256").update(`trace:${traceKey}`).digest("hex").slice(0, 32),
    rootSpanId: createHash("sha256").update(`root:${traceKey}`).digest("hex").slice(0, 16),
  };
}

/** The OpenTelemetry name of a step: model calls and tools say which (GenAI semantic conventions' `chat <model>`). */
function spanName(span: TraceSpan): string {
  if (span.name === "model") return `chat ${String(span.attributes.model ?? "")}`.trim();
  if (span.name === "tool") return `execute_tool ${String(span.attributes.tool ?? "")}`.trim();
  return `pincer.${span.name}`;
}

function attributesOf(span: TraceSpan): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = { "pincer.trace_key": span.traceKey };
  for (const [name, value] of Object.entries(span.attributes)) attributes[`pincer.${name}`] = value;
  if (span.name === "model") {
    attributes["gen_ai.operation.name"] = "chat";
    attributes["gen_ai.request.model"] = String(span.attributes.model ?? "");
    attributes["gen_ai.usage.input_tokens"] = Number(span.attributes.inputTokens ?? 0);
    attributes["gen_ai.usage.output_tokens"] = Number(span.attributes.outputTokens ?? 0);
  }
  if (span.name === "tool") attributes["gen_ai.tool.name"] = String(span.attributes.tool ?? "");
  if (span.name === "message") attributes["messaging.system"] = String(span.attributes.platform ?? "");
  return attributes;
}

/**
 * The trace port's OpenTelemetry adapter: each span the stages record is exported through the official SDK
 * (OTLP/HTTP, JSON) with its own start and end. One message is one trace: the trace id and the root (`message`)
 * span's id are derived from the inbox key, so spans recorded at different times, or by different processes, join
 * it. The SDK is imported here only, and this module only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
export async function createOtelSink(config: OtelConfig, logger: Logger): Promise<TraceSink> {
  const api = await import("@opentelemetry/api");
  const { BasicTracerProvider, BatchSpanProcessor, RandomIdGenerator } = await import("@opentelemetry/sdk-trace-base");
  const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
  const { resourceFromAttributes } = await import("@opentelemetry/resources");

  const random = new RandomIdGenerator();
  /** Set only while the root span of a message is being started (synchronously): its ids are the derived ones. */
  let rootIds: { traceId: string; rootSpanId: string } | undefined;
  const idGenerator = {
    generateTraceId: () => rootIds?.traceId ?? random.generateTraceId(),
    generateSpanId: () => rootIds?.rootSpanId ?? random.generateSpanId(),
  };
  const base = config.endpoint.endsWith("/") ? config.endpoint : `${config.endpoint}/`;
  const exporter = new OTLPTraceExporter({ url: new URL("v1/traces", base).href, headers: config.headers });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": config.serviceName }),
    idGenerator,
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("pincer");
  const kindOf = (span: TraceSpan) =>
    span.name === "message" ? api.SpanKind.SERVER : span.name === "model" || span.name === "send" ? api.SpanKind.CLIENT : api.SpanKind.INTERNAL;

  const exportSpan = (span: TraceSpan) => {
    const ids = otelIds(span.traceKey);
    const options = { kind: kindOf(span), startTime: span.startedAt, attributes: attributesOf(span) };
    let started;
    if (span.name === "message") {
      rootIds = ids;
      try {
        started = tracer.startSpan(spanName(span), { ...options, root: true }, api.ROOT_CONTEXT);
      } finally {
        rootIds = undefined;
      }
    } else {
      const parent = api.trace.setSpanContext(api.ROOT_CONTEXT, {
        traceId: ids.traceId, spanId: ids.rootSpanId, traceFlags: api.TraceFlags.SAMPLED, isRemote: true,
      });
      started = tracer.startSpan(spanName(span), options, parent);
    }
    if (span.status === "error") started.setStatus({ code: api.SpanStatusCode.ERROR });
    started.end(span.endedAt);
  };

  logger.info({ endpoint: config.endpoint, serviceName: config.serviceName }, "exporting traces over OTLP/HTTP");
  return {
    async write(spans) {
      for (const span of spans) exportSpan(span);
    },
    flush: () => provider.forceFlush(),
    close: () => provider.shutdown(),
  };
}
