import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import express from "express";
import { listenLocally, type BenchServer } from "./listen.ts";

const echoPrefix = /^\/echo\s*/;

/** A bare express 5 app: a JSON POST answered with the echo in the response body. */
export function startBareExpress(): Promise<BenchServer> {
  const app = express();
  app.disable("x-powered-by");
  app.post("/api/web/messages", express.json(), function echo(request, response) {
    const body = request.body as { text: string };
    response.json({ type: "message", messageId: randomUUID(), part: { type: "markdown", text: body.text.replace(echoPrefix, "") } });
  });
  return listenLocally(createServer(app));
}
