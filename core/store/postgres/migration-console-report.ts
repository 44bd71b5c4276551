/**
 * The console's usage report and audit log: usage summed per UTC day, user, chat and model in `usage_daily`, kept
 * up to date by a trigger as calls are recorded (and filled from the calls already there), so the console reads
 * days, not calls; runs and run events newest first, and per chat and per user.
 */
export const consoleReportMigration = `
  CREATE TABLE usage_daily (
    day bigint NOT NULL,
    user_ref text NOT NULL,
    conversation_key text NOT NULL,
    model text NOT NULL,
    calls bigint NOT NULL,
    input_tokens bigint NOT NULL,
    output_tokens bigint NOT NULL,
    cost_usd double precision NOT NULL,
    PRIMARY KEY (day, user_ref, conversation_key, model)
  );
  INSERT INTO usage_daily (day, user_ref, conversation_key, model, calls, input_tokens, output_tokens, cost_usd)
    SELECT (at / 86400000) * 86400000, user_ref, conversation_key, model, count(*), sum(input_tokens), sum(output_tokens), sum(cost_usd)
    FROM usage GROUP BY 1, 2, 3, 4;
  CREATE FUNCTION usage_daily_add() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO usage_daily (day, user_ref, conversation_key, model, calls, input_tokens, output_tokens, cost_usd)
    VALUES ((NEW.at / 86400000) * 86400000, NEW.user_ref, NEW.conversation_key, NEW.model, 1, NEW.input_tokens, NEW.output_tokens, NEW.cost_usd)
    ON CONFLICT (day, user_ref, conversation_key, model) DO UPDATE SET
      calls = usage_daily.calls + 1, input_tokens = usage_daily.input_tokens + excluded.input_tokens,
      output_tokens = usage_daily.output_tokens + excluded.output_tokens, cost_usd = usage_daily.cost_usd + excluded.cost_usd;
    RETURN NEW;
  END
  $$;
  CREATE TRIGGER usage_daily_add AFTER INSERT ON usage FOR EACH ROW EXECUTE FUNCTION usage_daily_add();
  CREATE INDEX runs_by_time ON runs (started_at, ref);
  CREATE INDEX runs_by_conversation ON runs (conversation_key, started_at);
  CREATE INDEX runs_by_sender ON runs (sender_id, started_at);
  CREATE INDEX run_events_by_time ON run_events (at, seq);
  `;
