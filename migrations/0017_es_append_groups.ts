// es_append_groups: one call appends a batch of *groups*; a group is one or more stream appends
// that succeed or fail together (a multi-stream append: an order placement records the order and
// the stock, credit and promotion streams it touches at once). A single-stream append is a group
// of one. An entry may carry no events: it only checks its stream's expected revision (a decision
// that read a stream without writing it is recorded only if that stream has not moved).
//
// Groups are applied in order and each sees the revisions left by the groups before it, so a
// group decided on top of an earlier one of the same call fails when that one did. Existing
// streams are locked first in one stable order, new ones created in that order, the head row last,
// as in 0012. Outcomes, one row per entry: ok | duplicate (every event id of the group was already
// stored, in the same streams) | wrong_revision | id_conflict | aborted (another entry of its group
// failed). Expected revision codes: -1 any, -2 no_stream, -3 stream_exists, >= 0 exact.
// Data and metadata travel as one JSON array each (0016); the two es_append overloads go.
import { sql, type Kysely } from 'kysely';
import { up as upSingleStreamAppend } from './0012_es_append_new_streams.ts';
import { up as upJsonArrays } from './0016_es_append_json_arrays.ts';

/** Creates this version of es_append_groups (0052 goes back to it). */
export async function createAppendGroups(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION es_append_groups(
      p_streams text[], p_expected bigint[], p_counts int[], p_groups int[],
      p_ids uuid[], p_types text[], p_data jsonb, p_metadata jsonb
    ) RETURNS TABLE (outcome text, next_revision bigint, last_position bigint)
    LANGUAGE plpgsql AS $fn$
    DECLARE
      n int := coalesce(cardinality(p_streams), 0);
      outcomes text[] := array_fill(NULL::text, ARRAY[n]);
      next_revs bigint[] := array_fill(NULL::bigint, ARRAY[n]);
      last_offsets int[] := array_fill(NULL::int, ARRAY[n]);
      dup_positions bigint[] := array_fill(NULL::bigint, ARRAY[n]);
      offsets int[] := array_fill(0, ARRAY[n]);
      keys text[];
      revs bigint[];
      existing_count int;
      existing uuid[];
      ins_event int[] := '{}';
      ins_stream text[] := '{}';
      ins_rev bigint[] := '{}';
      i int; j int; k int; g_start int; g_end int;
      off int := 0;
      cnt int; cur bigint; exp bigint; total int; base bigint;
      failed boolean; duplicates int; with_events int;
      dup record;
      created int;
    BEGIN
      SELECT array_agg(l.stream_id ORDER BY l.stream_id), array_agg(l.revision ORDER BY l.stream_id)
        INTO keys, revs
        FROM (SELECT s.stream_id, s.revision FROM es_streams s
              WHERE s.stream_id = ANY (p_streams) ORDER BY s.stream_id FOR UPDATE) l;
      existing_count := coalesce(cardinality(keys), 0);
      SELECT coalesce(keys, '{}') || coalesce(array_agg(s ORDER BY s), '{}'),
             coalesce(revs, '{}') || coalesce(array_agg(-1::bigint), '{}')
        INTO keys, revs
        FROM (SELECT DISTINCT s FROM unnest(p_streams) AS s WHERE keys IS NULL OR NOT (s = ANY (keys))) missing;

      SELECT array_agg(e.event_id) INTO existing FROM es_events e WHERE e.event_id = ANY (p_ids);

      FOR i IN 1..n LOOP
        offsets[i] := off;
        off := off + p_counts[i];
      END LOOP;

      g_start := 1;
      WHILE g_start <= n LOOP
        g_end := g_start;
        WHILE g_end < n AND p_groups[g_end + 1] = p_groups[g_start] LOOP g_end := g_end + 1; END LOOP;

        -- Retried groups: every entry with events fully stored in its own stream is a duplicate.
        duplicates := 0; with_events := 0; failed := false;
        IF existing IS NOT NULL THEN
          FOR i IN g_start..g_end LOOP
            cnt := p_counts[i];
            CONTINUE WHEN cnt = 0;
            with_events := with_events + 1;
            IF p_ids[offsets[i] + 1:offsets[i] + cnt] && existing THEN
              SELECT count(*) AS found, max(e.revision) AS rev, max(e.position) AS pos,
                     bool_and(e.stream_id = p_streams[i]) AS same_stream
                INTO dup FROM es_events e WHERE e.event_id = ANY (p_ids[offsets[i] + 1:offsets[i] + cnt]);
              IF dup.found = cnt AND dup.same_stream THEN
                duplicates := duplicates + 1;
                next_revs[i] := dup.rev; dup_positions[i] := dup.pos;
              ELSE
                failed := true;
              END IF;
            END IF;
          END LOOP;
        END IF;

        IF duplicates > 0 OR failed THEN
          FOR i IN g_start..g_end LOOP
            k := array_position(keys, p_streams[i]);
            IF duplicates = with_events AND NOT failed THEN
              outcomes[i] := 'duplicate';
              IF p_counts[i] = 0 THEN next_revs[i] := revs[k]; END IF;
            ELSE
              outcomes[i] := 'id_conflict'; next_revs[i] := revs[k];
            END IF;
          END LOOP;
        ELSE
          FOR i IN g_start..g_end LOOP
            k := array_position(keys, p_streams[i]);
            cur := revs[k];
            exp := p_expected[i];
            next_revs[i] := cur;
            IF (exp = -2 AND cur <> -1) OR (exp = -3 AND cur = -1) OR (exp >= 0 AND cur <> exp) THEN
              outcomes[i] := 'wrong_revision'; failed := true;
            END IF;
          END LOOP;
          FOR i IN g_start..g_end LOOP
            k := array_position(keys, p_streams[i]);
            IF failed THEN
              outcomes[i] := coalesce(outcomes[i], 'aborted');
              CONTINUE;
            END IF;
            cnt := p_counts[i];
            cur := revs[k];
            FOR j IN 1..cnt LOOP
              ins_event := ins_event || (offsets[i] + j);
              ins_stream := ins_stream || p_streams[i];
              ins_rev := ins_rev || (cur + j);
            END LOOP;
            revs[k] := cur + cnt;
            outcomes[i] := 'ok'; next_revs[i] := cur + cnt;
            last_offsets[i] := CASE WHEN cnt > 0 THEN cardinality(ins_event) END;
          END LOOP;
        END IF;
        g_start := g_end + 1;
      END LOOP;

      total := cardinality(ins_event);
      IF total > 0 THEN
        IF cardinality(keys) > existing_count THEN
          INSERT INTO es_streams (stream_id, revision)
            SELECT key, rev FROM unnest(keys[existing_count + 1:], revs[existing_count + 1:]) AS u(key, rev)
            WHERE rev >= 0 ORDER BY key
            ON CONFLICT DO NOTHING;
          GET DIAGNOSTICS created = ROW_COUNT;
          IF created < (SELECT count(*) FROM unnest(revs[existing_count + 1:]) AS r WHERE r >= 0) THEN
            RAISE EXCEPTION 'a stream of this batch was created concurrently' USING ERRCODE = '40001';
          END IF;
        END IF;
        UPDATE es_head SET position = position + total WHERE id = 1 RETURNING position - total INTO base;
        INSERT INTO es_events (position, stream_id, revision, event_id, type, data, metadata)
          SELECT base + o, ins_stream[o], ins_rev[o], p_ids[ins_event[o]], p_types[ins_event[o]],
                 p_data -> (ins_event[o] - 1), p_metadata -> (ins_event[o] - 1)
          FROM generate_series(1, total) AS o;
        IF existing_count > 0 THEN
          UPDATE es_streams s SET revision = u.rev
            FROM unnest(keys[1:existing_count], revs[1:existing_count]) AS u(key, rev)
            WHERE s.stream_id = u.key AND s.revision <> u.rev;
        END IF;
        PERFORM pg_notify('es_appended', (base + total)::text);
      ELSE
        SELECT h.position INTO base FROM es_head h WHERE h.id = 1;
      END IF;

      FOR i IN 1..n LOOP
        outcome := outcomes[i];
        next_revision := next_revs[i];
        last_position := CASE
          WHEN outcomes[i] = 'duplicate' THEN dup_positions[i]
          WHEN last_offsets[i] IS NOT NULL THEN base + last_offsets[i]
          WHEN outcomes[i] = 'ok' THEN base + total
          ELSE NULL END;
        RETURN NEXT;
      END LOOP;
    END
    $fn$`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await createAppendGroups(db);
  await sql`DROP FUNCTION es_append(text[], bigint[], int[], uuid[], text[], jsonb, jsonb)`.execute(db);
  await sql`DROP FUNCTION es_append(text[], bigint[], int[], uuid[], text[], jsonb[], jsonb[])`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION es_append_groups`.execute(db);
  await upSingleStreamAppend(db);
  await upJsonArrays(db);
}
