import {
  client,
  methods,
  type ClientApp,
  type ReadTextFileRequest,
  type ReadTextFileResponse,
  type RequestPermissionRequest,
  type RequestPermissionResponse,
  type SessionNotification,
  type WriteTextFileRequest,
  type WriteTextFileResponse,
} from "@agentclientprotocol/sdk";
import type { Terminals } from "./terminals.ts";

/** What Pincer does when the agent calls it: the client side of ACP. */
export interface ClientHandlers {
  /** Must not await before it has taken the update: updates and the prompt's answer race otherwise. */
  onUpdate(notification: SessionNotification): void;
  requestPermission(params: RequestPermissionRequest, signal: AbortSignal): Promise<RequestPermissionResponse>;
  readTextFile(params: ReadTextFileRequest): Promise<ReadTextFileResponse>;
  writeTextFile(params: WriteTextFileRequest): Promise<WriteTextFileResponse>;
  terminals: Terminals;
}

/** Every client method Pincer advertises in `initialize`, and nothing else. */
export const clientCapabilities = { fs: { readTextFile: true, writeTextFile: true }, terminal: true };

export function createClientApp(handlers: ClientHandlers): ClientApp {
  const { terminals } = handlers;
  return client({ name: "pincer" })
    .onNotification(methods.client.session.update, ({ params }) => handlers.onUpdate(params))
    .onRequest(methods.client.session.requestPermission, ({ params, signal }) => handlers.requestPermission(params, signal))
    .onRequest(methods.client.fs.readTextFile, ({ params }) => handlers.readTextFile(params))
    .onRequest(methods.client.fs.writeTextFile, ({ params }) => handlers.writeTextFile(params))
    .onRequest(methods.client.terminal.create, ({ params }) => terminals.create(params))
    .onRequest(methods.client.terminal.output, ({ params }) => terminals.output(params))
    .onRequest(methods.client.terminal.waitForExit, ({ params, signal }) => terminals.waitForExit(params, signal))
    .onRequest(methods.client.terminal.kill, ({ params }) => {
      terminals.kill(params);
      return {};
    })
    .onRequest(methods.client.terminal.release, ({ params }) => {
      terminals.release(params);
      return {};
    });
}
