/**
 * Each message's searchable text moves out of the inbox into `inbox_search`, written once when the message arrives
 * (and again when its text changes: a transcript, retention blanking it). As a stored generated column of the inbox
 * with a trigram index, it was computed again, and indexed again, on every status change of every message: three
 * or four times per message, most of the database's work per message.
 */
export const inboxSearchMigration = `
  CREATE TABLE inbox_search (
    seq bigint PRIMARY KEY REFERENCES inbox (seq) ON DELETE CASCADE,
    conversation_key text NOT NULL,
    search_text text
  );
  INSERT INTO inbox_search (seq, conversation_key, search_text) SELECT seq, conversation_key, search_text FROM inbox;
  DROP INDEX IF EXISTS inbox_search_text;
  ALTER TABLE inbox DROP COLUMN search_text;

  CREATE OR REPLACE FUNCTION pincer_inbox_conversation() RETURNS trigger LANGUAGE plpgsql AS $fn$
  DECLARE
    m jsonb := NEW.message::jsonb;
    found text := pincer_message_text(NEW.message);
  BEGIN
    INSERT INTO inbox_search (seq, conversation_key, search_text) VALUES (NEW.seq, NEW.conversation_key, found);
    INSERT INTO conversations (key, channel_id, platform, chat_id, kind, last_sender, last_text, last_at, message_count)
    VALUES (
      NEW.conversation_key,
      coalesce(m #>> '{conversation,channelId}', m #>> '{conversation,platform}', ''), coalesce(m #>> '{conversation,platform}', ''),
      coalesce(m #>> '{conversation,chatId}', ''), coalesce(m #>> '{conversation,kind}', 'direct'),
      coalesce(m #>> '{sender,displayName}', ''), left(coalesce(found, ''), 200), NEW.received_at, 1
    )
    ON CONFLICT (key) DO UPDATE SET
      last_sender = excluded.last_sender, last_text = excluded.last_text,
      last_at = greatest(conversations.last_at, excluded.last_at), message_count = conversations.message_count + 1;
    RETURN NULL;
  END
  $fn$;

  CREATE FUNCTION pincer_inbox_search_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    UPDATE inbox_search SET search_text = pincer_message_text(NEW.message) WHERE seq = NEW.seq;
    RETURN NULL;
  END
  $fn$;
  CREATE TRIGGER inbox_search_update AFTER UPDATE OF message ON inbox FOR EACH ROW
    WHEN (OLD.message IS DISTINCT FROM NEW.message) EXECUTE FUNCTION pincer_inbox_search_update();

  DO $do$
  DECLARE
    home text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm');
  BEGIN
    IF home IS NOT NULL THEN
      EXECUTE format('CREATE INDEX inbox_search_text ON inbox_search USING gin (search_text %I.gin_trgm_ops)', home);
    END IF;
  END
  $do$;
`;
