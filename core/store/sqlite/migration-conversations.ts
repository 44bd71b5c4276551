/**
 * The console's conversations: a summary row per conversation kept current by a trigger on the inbox, message text
 * searched through FTS5 with trigrams (contentless: the text is in the inbox), and run references on usage and
 * approvals.
 */
export const conversationsMigration = `
  CREATE TABLE conversations (
    key TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    last_sender TEXT NOT NULL,
    last_text TEXT NOT NULL,
    last_at INTEGER NOT NULL,
    message_count INTEGER NOT NULL
  );
  CREATE INDEX conversations_by_last ON conversations (last_at DESC, key DESC);
  CREATE VIRTUAL TABLE inbox_fts USING fts5 (text, content = '', contentless_delete = 1, tokenize = 'trigram');
  CREATE TRIGGER inbox_conversation AFTER INSERT ON inbox BEGIN
    INSERT INTO conversations (key, channel_id, platform, chat_id, kind, last_sender, last_text, last_at, message_count)
    VALUES (
      new.conversation_key,
      coalesce(json_extract(new.message, '$.conversation.channelId'), json_extract(new.message, '$.conversation.platform'), ''),
      coalesce(json_extract(new.message, '$.conversation.platform'), ''),
      coalesce(json_extract(new.message, '$.conversation.chatId'), ''),
      coalesce(json_extract(new.message, '$.conversation.kind'), 'direct'),
      coalesce(json_extract(new.message, '$.sender.displayName'), ''),
      substr(coalesce((SELECT group_concat(json_extract(value, '$.text'), '') FROM json_each(new.message, '$.segments')), ''), 1, 200),
      new.received_at,
      1
    )
    ON CONFLICT (key) DO UPDATE SET
      last_sender = excluded.last_sender, last_text = excluded.last_text,
      last_at = max(last_at, excluded.last_at), message_count = message_count + 1;
    INSERT INTO inbox_fts (rowid, text)
      SELECT new.seq, group_concat(json_extract(value, '$.text'), '') FROM json_each(new.message, '$.segments');
  END;
  CREATE TRIGGER inbox_fts_update AFTER UPDATE OF message ON inbox BEGIN
    DELETE FROM inbox_fts WHERE rowid = old.seq;
    INSERT INTO inbox_fts (rowid, text)
      SELECT new.seq, group_concat(json_extract(value, '$.text'), '') FROM json_each(new.message, '$.segments') HAVING count(*) > 0;
  END;
  CREATE TRIGGER inbox_fts_delete AFTER DELETE ON inbox BEGIN
    DELETE FROM inbox_fts WHERE rowid = old.seq;
  END;
  INSERT INTO conversations (key, channel_id, platform, chat_id, kind, last_sender, last_text, last_at, message_count)
    SELECT i.conversation_key,
      coalesce(json_extract(i.message, '$.conversation.channelId'), json_extract(i.message, '$.conversation.platform'), ''),
      coalesce(json_extract(i.message, '$.conversation.platform'), ''),
      coalesce(json_extract(i.message, '$.conversation.chatId'), ''),
      coalesce(json_extract(i.message, '$.conversation.kind'), 'direct'),
      coalesce(json_extract(i.message, '$.sender.displayName'), ''),
      substr(coalesce((SELECT group_concat(json_extract(value, '$.text'), '') FROM json_each(i.message, '$.segments')), ''), 1, 200),
      i.received_at, c.n
    FROM inbox i JOIN (SELECT conversation_key, max(seq) AS last, count(*) AS n FROM inbox GROUP BY conversation_key) c ON i.seq = c.last;
  INSERT INTO inbox_fts (rowid, text)
    SELECT i.seq, (SELECT group_concat(json_extract(value, '$.text'), '') FROM json_each(i.message, '$.segments')) FROM inbox i WHERE i.message != '{}';
  CREATE INDEX inbox_by_conversation ON inbox (conversation_key, seq);
  ALTER TABLE usage ADD COLUMN run_ref TEXT;
  CREATE INDEX usage_by_run ON usage (run_ref) WHERE run_ref IS NOT NULL;
  ALTER TABLE approvals ADD COLUMN run_ref TEXT;
  CREATE INDEX approvals_by_run ON approvals (run_ref) WHERE run_ref IS NOT NULL;
`;
