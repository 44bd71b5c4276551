import { methods } from "@agentclientprotocol/sdk";
import type { Logger } from "../../core/types/logger.ts";
import type { AgentProcess } from "./agent-process.ts";

/** Where a conversation's ACP session id is kept, so a chat resumes its coding session after a restart. */
export interface SessionIdStore {
  get(conversationKey: string): Promise<string | undefined>;
  set(conversationKey: string, sessionId: string): Promise<void>;
}

export interface SessionTable {
  /** The conversation's session in this process: the open one, the stored one loaded, or a new one. */
  sessionFor(conversationKey: string, logger: Logger): Promise<string>;
}

/**
 * One ACP session per conversation, per agent process. The store is the truth: when its id changes
 * (cleared by `/new`, say) the open session is left and the stored one loaded, or a new one started.
 */
export function createSessionTable(agentProcess: AgentProcess, cwd: string, store: SessionIdStore): SessionTable {
  const open = new Map<string, string>();
  return {
    async sessionFor(conversationKey, logger) {
      const stored = await store.get(conversationKey);
      if (stored !== undefined && open.get(conversationKey) === stored) return stored;
      if (stored !== undefined && agentProcess.capabilities.loadSession === true) {
        try {
          await agentProcess.agent.request(methods.agent.session.load, { sessionId: stored, cwd, mcpServers: [] });
          open.set(conversationKey, stored);
          return stored;
        } catch (error) {
          if (agentProcess.hasExited()) throw error;
          logger.warn({ err: error, sessionId: stored }, "the ACP agent could not load the session; starting a new one");
        }
      }
      const { sessionId } = await agentProcess.agent.request(methods.agent.session.new, { cwd, mcpServers: [] });
      open.set(conversationKey, sessionId);
      await store.set(conversationKey, sessionId);
      return sessionId;
    },
  };
}
