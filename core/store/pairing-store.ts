export interface PairingRequest {
  /**
   * The channel id (a default channel's id is its platform's name, so rows written before there were
   * channels keep their meaning). Named `platform` as in the stored rows and the admin API.
   */
  platform: string;
  /** A group's pairing: the group's chat id (then `userId` is the member who asked first). Absent for a person's DM pairing. */
  chatId: string | undefined;
  userId: string;
  displayName: string;
  code: string;
  createdAt: number;
  expiresAt: number;
  lastSentAt: number;
  approvedAt: number | undefined;
}

/** Who pairs: a person (by user id) or a group (by chat id; `userId` is then ignored). */
export interface PairingSubject {
  /** The channel id, as in `PairingRequest`. */
  platform: string;
  chatId: string | undefined;
  userId: string;
}

export interface PairingStore {
  find(subject: PairingSubject): Promise<PairingRequest | undefined>;
  /** Inserts or replaces the subject's request (an expired one is replaced by a new code). */
  save(request: PairingRequest): Promise<void>;
  markSent(subject: PairingSubject, sentAt: number): Promise<void>;
  /** Approves an unexpired request by code; returns it, or undefined when none matches. */
  approve(platform: string, code: string, now: number): Promise<PairingRequest | undefined>;
  listPending(now: number): Promise<PairingRequest[]>;
  /** Approved people and groups, most recently approved first. */
  listApproved(limit: number): Promise<PairingRequest[]>;
  /** Forgets an approved (or pending) subject: their next message asks to pair again. False when none was found. */
  revoke(subject: PairingSubject): Promise<boolean>;
}
