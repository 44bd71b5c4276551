import { userRef } from "../policy.ts";
import type { AgentInput, AgentJobs } from "../types/agent.ts";
import { conversationKey } from "../types/conversation.ts";
import { jobsList } from "./commands.ts";
import type { JobService } from "./service.ts";

/** What the `schedule` tool may do, as the person the run answers, in their chat. */
export function jobsFor(service: JobService, input: Pick<AgentInput, "conversation" | "sender" | "senderRole">): AgentJobs {
  const owner = { conversation: input.conversation, userRef: userRef(input), displayName: input.sender.displayName, role: input.senderRole };
  return {
    async create(kind, when, prompt) {
      const args = kind === "cron" ? `"${when.replace(/["'“”]/g, "")}" ${prompt}` : `${when} ${prompt}`;
      const created = await service.create(owner, kind, args);
      return created.type === "created" ? created.text : `Not scheduled: ${created.message}`;
    },
    async list() {
      return jobsList(await service.list(conversationKey(input.conversation)), await service.timezoneOf(owner.userRef));
    },
    cancel: (id) => service.change(id, "cancel", { userRef: owner.userRef, role: owner.role, conversationKey: conversationKey(input.conversation) }),
  };
}
