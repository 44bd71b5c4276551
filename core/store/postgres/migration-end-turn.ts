/**
 * The end of a turn as one call (core/store/turn-store.ts `end`): the conversation's lease given back, then whether rows
 * wait in it. A function, because the second statement must see what committed after the first ran: a process whose
 * take was refused while the lease still stood had queued its row before that, and the fresh snapshot shows it here
 * (one statement of CTEs reads a single snapshot, older than the delete). The held-behind rule is `inbox.hasQueued`'s.
 */
export const endTurnMigration = `
  CREATE FUNCTION pincer_end_turn(conversation text, holder_id text, held_behind_since bigint) RETURNS boolean
  LANGUAGE plpgsql VOLATILE AS $fn$
  BEGIN
    DELETE FROM leases WHERE key = conversation AND holder = holder_id;
    RETURN EXISTS (
      SELECT 1 FROM inbox WHERE status = 'queued' AND conversation_key = conversation AND (turn IS NOT NULL OR seq < coalesce(
        (SELECT min(seq) FROM inbox AS r WHERE r.status = 'received' AND r.conversation_key = conversation AND r.received_at > held_behind_since),
        9223372036854775807)));
  END
  $fn$;
  `;
