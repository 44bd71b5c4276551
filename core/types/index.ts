export * from "./adapter.ts";
export * from "./agent.ts";
export * from "./command.ts";
export * from "./conversation.ts";
export * from "./errors.ts";
export * from "./logger.ts";
export * from "./message.ts";
export * from "./reply.ts";
