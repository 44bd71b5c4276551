/** One message's POST: where it goes, its extra headers, and its JSON body. */
export interface ChannelPost {
  url: URL;
  headers: Record<string, string>;
  body: string;
}

/** How a POST's answer counts: accepted (the echo comes elsewhere), the echo itself, or refused. */
export type PostVerdict = "accepted" | "echoed" | "refused";

/**
 * What the load client needs to know about one API for one run: how to carry a message,
 * where echoes come back, and how the gateway's store names the message.
 */
export interface Channel {
  /** Starts receiving echoes, `onEcho(messageId, at)`; resolves once none can be missed. */
  open(onEcho: (messageId: string, at: number) => void, timeoutMs: number): Promise<void>;
  close(): void;
  /** The POST that carries message `index` as the text `/echo <messageId>`. */
  post(index: number, messageId: string): ChannelPost;
  answer(status: number, body: string, messageId: string): PostVerdict;
  /** The gateway's inbox key of message `index` (`platform:id`), to look it up in the store. */
  inboxKey(index: number, messageId: string): string;
  /** Reply frames seen since `open`. */
  replyFrameCount(): number;
}
