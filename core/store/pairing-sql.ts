import type { PairingSubject } from "./pairing-store.ts";

// The pairing statements' subject conditions, shared by both stores (`?` placeholders; PostgreSQL numbers them).

export type PairingSubjectKind = "person" | "group";

/**
 * Where one subject's row is: a person's (chat_id '') through `pairing_by_user`, a group's (found by its chat id alone)
 * through `pairing_by_group`. The literal conditions on chat_id let either planner use those partial indexes in a
 * prepared statement (a CASE over both read the whole table on every message of a paired chat), so each statement is
 * prepared once per kind of subject.
 */
export const subjectWhere: Record<PairingSubjectKind, string> = {
  person: "platform = ? AND chat_id = '' AND user_id = ?",
  group: "platform = ? AND chat_id = ? AND chat_id <> ''",
};

/** The subject's kind of row, with the parameters of its `subjectWhere`. */
export function subjectMatch(subject: PairingSubject): { kind: PairingSubjectKind; params: [string, string] } {
  return subject.chatId ? { kind: "group", params: [subject.platform, subject.chatId] } : { kind: "person", params: [subject.platform, subject.userId] };
}

/** One statement per kind of subject, `sql` given the subject's conditions. */
export function bySubject<Statement>(sql: (where: string) => string, prepare: (text: string) => Statement): Record<PairingSubjectKind, Statement> {
  return { person: prepare(sql(subjectWhere.person)), group: prepare(sql(subjectWhere.group)) };
}
