/* test-turn.c: the turn record: its life, its notifications, the inspector's views, the store's
 * record
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "playtest-client-error.h"
#include "playtest-reply-private.h"
#include "playtest-turn-private.h"
#include "unit-test-util.h"

/* Counts notifications per property name. */
typedef struct
{
  GHashTable *counts;
} Notes;

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  Notes *notes = user_data;
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (notes->counts, pspec->name));

  g_hash_table_insert (notes->counts, (gpointer) pspec->name, GUINT_TO_POINTER (n + 1));
}

static void
notes_watch (Notes        *notes,
             PlaytestTurn *turn)
{
  notes->counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_signal_connect (turn, "notify", G_CALLBACK (notify_cb), notes);
}

static guint
notes_count (Notes      *notes,
             const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (notes->counts, name));
}

static void
notes_reset (Notes *notes)
{
  g_hash_table_remove_all (notes->counts);
}

static void
notes_clear (Notes *notes)
{
  g_clear_pointer (&notes->counts, g_hash_table_unref);
}

static char *
wav_base64 (gsize n_frames,
            guint rate)
{
  g_autoptr(GBytes) wav = unit_test_make_wav (n_frames, rate, 0);

  return g_base64_encode (g_bytes_get_data (wav, NULL), g_bytes_get_size (wav));
}

static PlaytestReply *
parse_ok (const char *json)
{
  g_autoptr(GError) error = NULL;
  PlaytestReply *reply = playtest_reply_new_from_json (json, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (reply);

  return reply;
}

/* A voice reply of 22050 frames (one second) with everything the contract names. */
static PlaytestReply *
make_full_reply (char **audio_base64)
{
  g_autofree char *audio = wav_base64 (22050, 22050);
  g_autofree char *json = g_strdup_printf (
    "{\"charID\": \"demo-mira\", \"text\": \"The ring? Ah...\", \"sessionID\": \"s-42\","
    " \"emotion\": \"surprise\", \"action\": \"Wave\", \"actionSequence\": \"Wave\\nOffer Drink\","
    " \"narrativeSectionId\": \"sec-ring\", \"userQuery\": \"Where is the ring?\","
    " \"sample_rate\": true, \"audio\": \"%s\"}", audio);
  PlaytestReply *reply = parse_ok (json);

  if (audio_base64 != NULL)
    *audio_base64 = g_steal_pointer (&audio);

  return reply;
}

/* State and notifications ------------------------------------------------------------------ */

static void
test_new_text (void)
{
  g_autoptr(PlaytestTurn) turn = playtest_turn_new ("demo-mira", "Where is the ring?");

  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_PENDING);
  g_assert_cmpstr (playtest_turn_get_character_id (turn), ==, "demo-mira");
  g_assert_cmpstr (playtest_turn_get_user_text (turn), ==, "Where is the ring?");
  g_assert_false (playtest_turn_is_voice (turn));
  g_assert_null (playtest_turn_get_user_audio (turn));
  g_assert_null (playtest_turn_get_session_id (turn));
  g_assert_null (playtest_turn_get_reply_text (turn));
  g_assert_null (playtest_turn_get_error (turn));
  g_assert_nonnull (playtest_turn_get_sent_at (turn));
  g_assert_cmpint (playtest_turn_get_latency_ms (turn), ==, -1);
  g_assert_cmpint (playtest_turn_get_first_audio_ms (turn), ==, -1);
  g_assert_cmpint (playtest_turn_get_id (turn), ==, 0);
  g_assert_nonnull (playtest_turn_get_actions (turn));
  g_assert_null (playtest_turn_get_actions (turn)[0]);
  g_assert_null (playtest_turn_get_warnings (turn)[0]);
}

static void
test_new_audio (void)
{
  g_autoptr(GBytes) wav = unit_test_make_wav (8000, 16000, 0);
  g_autoptr(PlaytestTurn) turn = playtest_turn_new_for_audio ("demo-mira", wav);

  g_assert_true (playtest_turn_is_voice (turn));
  g_assert_cmpstr (playtest_turn_get_user_text (turn), ==, "");
  g_assert_true (playtest_turn_get_user_audio (turn) == wav);
  g_assert_cmpuint (playtest_turn_get_user_audio_duration_ms (turn), ==, 500);
}

static void
test_state_enum (void)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (PLAYTEST_TYPE_TURN_STATE);

  g_assert_true (G_TYPE_IS_ENUM (PLAYTEST_TYPE_TURN_STATE));
  g_assert_cmpstr (g_enum_get_value (klass, PLAYTEST_TURN_FAILED)->value_nick, ==, "failed");
  g_assert_cmpstr (g_enum_get_value (klass, PLAYTEST_TURN_STREAMING)->value_nick, ==,
                   "streaming");
}

static void
test_complete (void)
{
  g_autoptr(PlaytestTurn) turn = playtest_turn_new ("demo-mira", "Where is the ring?");
  g_autoptr(PlaytestReply) reply = make_full_reply (NULL);
  PlaytestTimings *timings = playtest_reply_get_timings_mut (reply);
  Notes notes;

  timings->request_start = 10000000;
  timings->first_byte = 10300000;
  timings->first_audio = 10400500;
  timings->complete = 11200000;

  notes_watch (&notes, turn);
  playtest_turn_complete (turn, reply);
  g_clear_object (&reply);

  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);
  g_assert_cmpstr (playtest_turn_get_reply_text (turn), ==, "The ring? Ah...");
  g_assert_cmpstr (playtest_turn_get_user_query (turn), ==, "Where is the ring?");
  g_assert_cmpstr (playtest_turn_get_emotion (turn), ==, "surprise");
  g_assert_cmpstr (playtest_turn_get_action (turn), ==, "Wave");
  g_assert_cmpstrv (playtest_turn_get_actions (turn),
                    ((const char *[]) { "Wave", "Offer Drink", NULL }));
  g_assert_cmpstr (playtest_turn_get_narrative_section_id (turn), ==, "sec-ring");
  g_assert_cmpstr (playtest_turn_get_session_id (turn), ==, "s-42");
  g_assert_nonnull (playtest_turn_get_reply_audio (turn));
  g_assert_cmpuint (playtest_turn_get_reply_audio_duration_ms (turn), ==, 1000);
  g_assert_cmpint (playtest_turn_get_latency_ms (turn), ==, 1200);
  g_assert_cmpint (playtest_turn_get_first_audio_ms (turn), ==, 400);
  g_assert_cmpint (playtest_turn_get_timings (turn)->complete, ==, 11200000);
  /* sample_rate of the wrong type is a warning of the reply, and the turn keeps it. */
  g_assert_nonnull (playtest_turn_get_warnings (turn)[0]);

  g_assert_cmpuint (notes_count (&notes, "state"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "reply-text"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "emotion"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "actions"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "session-id"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "latency-ms"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "reply-json"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "error"), ==, 0);
  g_assert_cmpuint (notes_count (&notes, "user-text"), ==, 0);
  notes_clear (&notes);
}

/* Views react to the state: by the time it changes, the rest must be in place. */
static void
state_sees_reply_cb (PlaytestTurn *turn,
                     GParamSpec   *pspec,
                     gboolean     *seen)
{
  *seen = playtest_turn_get_emotion (turn) != NULL && playtest_turn_get_reply_json (turn) != NULL;
}

static void
test_state_changes_last (void)
{
  g_autoptr(PlaytestTurn) turn = playtest_turn_new ("demo-mira", "Hi");
  g_autoptr(PlaytestReply) reply = make_full_reply (NULL);
  gboolean seen = FALSE;

  g_signal_connect (turn, "notify::state", G_CALLBACK (state_sees_reply_cb), &seen);
  playtest_turn_complete (turn, reply);
  g_assert_true (seen);
}

static void
test_notify_only_on_change (void)
{
  g_autoptr(PlaytestTurn) turn = playtest_turn_new ("demo-mira", "Hi");
  Notes notes;

  notes_watch (&notes, turn);
  playtest_turn_set_session_id (turn, "s-1");
  playtest_turn_set_session_id (turn, "s-1");
  playtest_turn_set_id (turn, 7);
  playtest_turn_set_id (turn, 7);
  playtest_turn_set_audio_paths (turn, NULL, NULL);
  g_object_set (turn, "session-id", "s-1", NULL);
  g_assert_cmpuint (notes_count (&notes, "session-id"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "id"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "user-audio-path"), ==, 0);

  /* Every property is explicit-notify: nothing notifies unless it changed. */
  {
    guint n_props;
    g_autofree GParamSpec **pspecs =
      g_object_class_list_properties (G_OBJECT_GET_CLASS (turn), &n_props);

    g_assert_cmpuint (n_props, >, 20);
    for (guint i = 0; i < n_props; i++)
      g_assert_true (pspecs[i]->flags & G_PARAM_EXPLICIT_NOTIFY);
  }
  notes_clear (&notes);
}

static void
test_streaming (void)
{
  g_autoptr(PlaytestTurn) turn = playtest_turn_new ("demo-mira", "Hi");
  g_autoptr(PlaytestReply) reply = parse_ok ("{\"text\": \"Well, hello there!\", \"sessionID\": \"s\"}");
  Notes notes;

  notes_watch (&notes, turn);
  playtest_turn_append_text (turn, "Well,");
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_STREAMING);
  playtest_turn_append_text (turn, " hello");
  playtest_turn_append_text (turn, " there!");
  g_assert_cmpstr (playtest_turn_get_reply_text (turn), ==, "Well, hello there!");
  g_assert_cmpuint (notes_count (&notes, "reply-text"), ==, 3);
  g_assert_cmpuint (notes_count (&notes, "state"), ==, 1);

  notes_reset (&notes);
  playtest_turn_complete (turn, reply);
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);
  g_assert_cmpstr (playtest_turn_get_reply_text (turn), ==, "Well, hello there!");
  /* The whole reply's text equals what streamed in: no needless notification. */
  g_assert_cmpuint (notes_count (&notes, "reply-text"), ==, 0);

  /* A late piece after the reply changes nothing. */
  playtest_turn_append_text (turn, " more");
  g_assert_cmpstr (playtest_turn_get_reply_text (turn), ==, "Well, hello there!");
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);
  notes_clear (&notes);
}

static void
test_fail_and_retry (void)
{
  g_autoptr(PlaytestTurn) turn = playtest_turn_new ("demo-mira", "Hi");
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"ERROR\": \"API rate limit exceeded.\"}", 37);
  g_autoptr(GError) error = playtest_client_error_new_for_status (429, "application/json", body,
                                                                  "7");
  const GError *kept;
  Notes notes;

  playtest_turn_append_text (turn, "Half a");
  notes_watch (&notes, turn);
  playtest_turn_fail (turn, error);
  kept = playtest_turn_get_error (turn);
  g_assert_true (kept != error);
  g_assert_error (kept, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_RATE_LIMITED);
  g_assert_cmpstr (kept->message, ==, error->message);
  g_assert_cmpuint (playtest_client_error_get_status (kept), ==, 429);
  g_assert_cmpint (playtest_client_error_get_retry_after (kept), ==, 7);
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_FAILED);
  g_assert_cmpstr (playtest_turn_get_user_text (turn), ==, "Hi");
  g_assert_cmpuint (notes_count (&notes, "error"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "state"), ==, 1);

  notes_reset (&notes);
  playtest_turn_mark_pending (turn);
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_PENDING);
  g_assert_null (playtest_turn_get_error (turn));
  g_assert_null (playtest_turn_get_reply_text (turn));
  g_assert_cmpstr (playtest_turn_get_user_text (turn), ==, "Hi");
  g_assert_cmpuint (notes_count (&notes, "error"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "reply-text"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "state"), ==, 1);
  notes_clear (&notes);
}

static void
test_fail_foreign_error (void)
{
  g_autoptr(PlaytestTurn) turn = playtest_turn_new ("demo-mira", "Hi");
  g_autoptr(PlaytestTurn) other = playtest_turn_new ("demo-mira", "Hi");
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  g_autoptr(GError) refused = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                                                   "Connection refused");

  playtest_turn_fail (turn, cancelled);
  g_assert_error (playtest_turn_get_error (turn), PLAYTEST_CLIENT_ERROR,
                  PLAYTEST_CLIENT_ERROR_CANCELLED);
  playtest_turn_fail (other, refused);
  g_assert_error (playtest_turn_get_error (other), PLAYTEST_CLIENT_ERROR,
                  PLAYTEST_CLIENT_ERROR_NETWORK);
  g_assert_cmpstr (playtest_turn_get_error (other)->message, ==, "Connection refused");
}

static void
test_release_audio (void)
{
  g_autoptr(GBytes) wav = unit_test_make_wav (1600, 16000, 0);
  g_autoptr(PlaytestTurn) turn = playtest_turn_new_for_audio ("demo-mira", wav);
  g_autoptr(PlaytestReply) reply = make_full_reply (NULL);
  g_autofree char *dir = g_dir_make_tmp ("test-turn-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "user.wav", NULL);
  g_autoptr(PlaytestTurnRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  playtest_turn_complete (turn, reply);

  /* Without files nothing is dropped: it would be the only copy. */
  playtest_turn_release_audio (turn);
  g_assert_nonnull (playtest_turn_get_user_audio (turn));
  g_assert_nonnull (playtest_turn_get_reply_audio (turn));

  g_file_set_contents (path, g_bytes_get_data (wav, NULL), g_bytes_get_size (wav), &error);
  g_assert_no_error (error);
  playtest_turn_set_audio_paths (turn, path, NULL);
  playtest_turn_release_audio (turn);
  g_assert_null (playtest_turn_get_user_audio (turn));
  g_assert_nonnull (playtest_turn_get_reply_audio (turn));
  g_assert_true (playtest_turn_is_voice (turn));
  g_assert_cmpstr (playtest_turn_get_user_audio_path (turn), ==, path);

  /* A released recording can still be sent again: it is read back from its file. */
  request = playtest_turn_build_request (turn, TRUE, FALSE);
  g_assert_nonnull (request);
  g_assert_true (g_bytes_equal (playtest_turn_request_get_audio (request), wav));

  g_unlink (path);
  g_rmdir (dir);
}

/* The inspector's views -------------------------------------------------------------------- */

static void
test_request_text (void)
{
  g_autoptr(PlaytestTurn) turn = playtest_turn_new ("demo-mira", "Where is the ring?");
  g_autoptr(PlaytestTurnRequest) request = NULL;
  const char *description;

  request = playtest_turn_build_request (turn, FALSE, TRUE);
  g_assert_cmpstr (playtest_turn_request_get_character_id (request), ==, "demo-mira");
  g_assert_cmpstr (playtest_turn_request_get_session_id (request), ==, PLAYTEST_NEW_SESSION_ID);
  g_assert_cmpstr (playtest_turn_request_get_user_text (request), ==, "Where is the ring?");
  g_assert_false (playtest_turn_request_get_voice_response (request));
  g_assert_true (playtest_turn_request_get_stream (request));

  description = playtest_turn_get_request_description (turn);
  g_assert_cmpstr (description, ==,
                   "POST /character/getResponse\n"
                   "CONVAI-API-KEY: ••••••\n"
                   "userText: Where is the ring?\n"
                   "charID: demo-mira\n"
                   "sessionID: -1\n"
                   "voiceResponse: false\n"
                   "stream: True\n");

  g_clear_object (&request);
  playtest_turn_set_session_id (turn, "s-77");
  request = playtest_turn_build_request (turn, TRUE, FALSE);
  g_assert_cmpstr (playtest_turn_request_get_session_id (request), ==, "s-77");
  g_assert_true (playtest_turn_request_get_voice_response (request));
  g_assert_false (playtest_turn_request_get_stream (request));
  g_assert_nonnull (strstr (playtest_turn_get_request_description (turn), "sessionID: s-77\n"));
  g_assert_null (strstr (playtest_turn_get_request_description (turn), "stream"));
}

static void
test_request_audio (void)
{
  g_autoptr(GBytes) wav = unit_test_make_wav (16000, 16000, 0);
  g_autoptr(PlaytestTurn) turn = playtest_turn_new_for_audio ("demo-mira", wav);
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_build_request (turn, TRUE, FALSE);
  g_autofree char *file_line = g_strdup_printf ("file: audio.wav, %" G_GSIZE_FORMAT " bytes\n",
                                                g_bytes_get_size (wav));
  const char *description = playtest_turn_get_request_description (turn);

  g_assert_true (playtest_turn_request_get_audio (request) == wav);
  g_assert_true (g_str_has_suffix (description, file_line));
  g_assert_nonnull (strstr (description, "userText: (USER_PERFORMED_ACTIONS)\n"));
  g_assert_nonnull (strstr (description, "sample_rate: 16000\n"));
  g_assert_nonnull (strstr (description, "CONVAI-API-KEY: ••••••\n"));
  /* No audio bytes (which start with RIFF) in the text. */
  g_assert_null (strstr (description, "RIFF"));
  g_assert_true (g_utf8_validate (description, -1, NULL));
}

static void
test_display_json_audio (void)
{
  g_autofree char *audio = NULL;
  g_autoptr(PlaytestReply) reply = make_full_reply (&audio);
  g_autoptr(PlaytestTurn) turn = playtest_turn_new ("demo-mira", "Hi");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_audio = NULL;
  const char *json;
  JsonObject *object;

  playtest_turn_complete (turn, reply);
  json = playtest_turn_get_reply_json (turn);
  g_assert_nonnull (json);
  g_assert_null (strstr (json, audio));
  g_assert_cmpuint (strlen (json), <, 1000);
  /* Pretty-printed: one member per line. */
  g_assert_nonnull (strstr (json, "\n  \"text\" : \"The ring? Ah...\""));
  g_assert_nonnull (strstr (json, "… ("));

  /* Still JSON, with the audio as its first characters and its size. */
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  expected_audio = g_strdup_printf ("%.8s… (%" G_GSIZE_FORMAT " KB of base64 audio)", audio,
                                    (strlen (audio) + 1023) / 1024);
  g_assert_cmpstr (json_object_get_string_member (object, "audio"), ==, expected_audio);
  g_assert_true (g_str_has_prefix (expected_audio, "UklGR"));
  g_assert_cmpstr (json_object_get_string_member (object, "sessionID"), ==, "s-42");
  g_assert_true (json_object_get_boolean_member (object, "sample_rate"));
}

static void
test_display_json_stream (void)
{
  g_autofree char *audio_a = wav_base64 (2000, 22050);
  g_autofree char *audio_b = wav_base64 (3000, 22050);
  g_autofree char *raw = g_strdup_printf (
    "{\"text\": \"The ring?\", \"sessionID\": \"s-9\", \"audio\": \"%s\"}\n"
    "{\"text\": \" Ah...\", \"emotion\": \"surprise\", \"audio\": \"%s\"}\r\n"
    "\n"
    "not json at all\n"
    "{\"narrativeSectionId\": \"sec-ring\", \"audio\": null}",
    audio_a, audio_b);
  g_autoptr(PlaytestReply) reply = playtest_reply_new ();
  g_autoptr(PlaytestTurn) turn = playtest_turn_new ("demo-mira", "Hi");
  const char *json;
  const char *first;
  const char *second;
  const char *third;

  playtest_reply_set_raw_json (reply, raw);
  playtest_reply_set_streamed (reply, TRUE);
  playtest_turn_complete (turn, reply);
  json = playtest_turn_get_reply_json (turn);

  g_assert_null (strstr (json, audio_a));
  g_assert_null (strstr (json, audio_b));
  first = strstr (json, "\"text\" : \"The ring?\"");
  second = strstr (json, "\"text\" : \" Ah...\"");
  third = strstr (json, "\"narrativeSectionId\" : \"sec-ring\"");
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_assert_nonnull (third);
  g_assert_true (first < second && second < third);
  g_assert_nonnull (strstr (json, "\nnot json at all\n"));
  g_assert_nonnull (strstr (json, "\"audio\" : null"));
  /* Each object is pretty-printed on its own: two shortened audio values. */
  g_assert_nonnull (strstr (strstr (json, "KB of base64 audio") + 1, "KB of base64 audio"));
  g_assert_null (strstr (json, "\r"));
}

/* Records ---------------------------------------------------------------------------------- */

static void
test_record_complete (void)
{
  g_autoptr(GBytes) wav = unit_test_make_wav (4000, 16000, 0);
  g_autoptr(PlaytestTurn) turn = playtest_turn_new_for_audio ("demo-mira", wav);
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_build_request (turn, TRUE, FALSE);
  g_autoptr(PlaytestReply) reply = make_full_reply (NULL);
  g_autoptr(PlaytestTurn) restored = NULL;
  PlaytestTimings *timings = playtest_reply_get_timings_mut (reply);
  PlaytestTurnRecord record;
  PlaytestTurnRecord again;

  timings->request_start = 5000000;
  timings->first_byte = 5250000;
  timings->first_audio = 5600000;
  timings->complete = 6000000;
  playtest_turn_complete (turn, reply);
  playtest_turn_set_id (turn, 12);
  playtest_turn_set_audio_paths (turn, "/store/12-user.wav", "/store/12-reply.wav");
  playtest_turn_release_audio (turn);

  playtest_turn_get_record (turn, &record);
  g_assert_cmpint (record.state, ==, PLAYTEST_TURN_COMPLETE);
  g_assert_cmpint (record.first_byte_ms, ==, 250);
  g_assert_cmpint (record.first_audio_ms, ==, 600);
  g_assert_cmpint (record.total_ms, ==, 1000);
  g_assert_cmpint (record.error_code, ==, -1);
  g_assert_cmpuint (record.user_audio_duration_ms, ==, 250);
  g_assert_cmpuint (record.reply_audio_duration_ms, ==, 1000);

  restored = playtest_turn_new_from_record (&record);
  playtest_turn_get_record (restored, &again);
  unit_test_assert_same_record (&record, &again);

  g_assert_true (playtest_turn_is_voice (restored));
  g_assert_null (playtest_turn_get_user_audio (restored));
  g_assert_null (playtest_turn_get_error (restored));
  g_assert_cmpint (playtest_turn_get_latency_ms (restored), ==, 1000);
  g_assert_cmpint (playtest_turn_get_first_audio_ms (restored), ==, 600);
  g_assert_cmpint (playtest_turn_get_timings (restored)->complete
                   - playtest_turn_get_timings (restored)->request_start, ==, 1000000);
  g_assert_cmpint (playtest_turn_get_timings (restored)->first_byte
                   - playtest_turn_get_timings (restored)->request_start, ==, 250000);
}

static void
test_record_failed (void)
{
  g_autoptr(PlaytestTurn) turn = playtest_turn_new ("demo-mira", "Hello?");
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_build_request (turn, TRUE, FALSE);
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"ERROR\": \"API rate limit exceeded.\"}", 37);
  g_autoptr(GError) error = playtest_client_error_new_for_status (429, "application/json", body,
                                                                  "30");
  g_autoptr(PlaytestTurn) restored = NULL;
  const GError *restored_error;
  PlaytestTurnRecord record;
  PlaytestTurnRecord again;

  playtest_turn_fail (turn, error);
  playtest_turn_get_record (turn, &record);
  g_assert_cmpint (record.state, ==, PLAYTEST_TURN_FAILED);
  g_assert_cmpint (record.error_code, ==, PLAYTEST_CLIENT_ERROR_RATE_LIMITED);
  g_assert_cmpuint (record.error_status, ==, 429);
  g_assert_cmpint (record.retry_after, ==, 30);
  g_assert_cmpstr (record.error_message, ==, error->message);
  g_assert_cmpint (record.total_ms, ==, -1);
  g_assert_null (record.session_id);

  restored = playtest_turn_new_from_record (&record);
  playtest_turn_get_record (restored, &again);
  unit_test_assert_same_record (&record, &again);

  restored_error = playtest_turn_get_error (restored);
  g_assert_error (restored_error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_RATE_LIMITED);
  g_assert_cmpstr (restored_error->message, ==, error->message);
  g_assert_cmpuint (playtest_client_error_get_status (restored_error), ==, 429);
  g_assert_cmpint (playtest_client_error_get_retry_after (restored_error), ==, 30);
  g_assert_cmpint (playtest_turn_get_latency_ms (restored), ==, -1);
  g_assert_cmpstr (playtest_turn_get_request_description (restored), ==,
                   playtest_turn_get_request_description (turn));

  /* Retry of a restored failed turn works as for a live one. */
  playtest_turn_mark_pending (restored);
  g_assert_null (playtest_turn_get_error (restored));
  g_assert_cmpint (playtest_turn_get_state (restored), ==, PLAYTEST_TURN_PENDING);
}

static void
test_record_network_error (void)
{
  g_autoptr(PlaytestTurn) turn = playtest_turn_new ("demo-mira", "Hello?");
  g_autoptr(GError) error = g_error_new_literal (PLAYTEST_CLIENT_ERROR,
                                                 PLAYTEST_CLIENT_ERROR_NETWORK,
                                                 "Could not connect to 127.0.0.1:9");
  g_autoptr(PlaytestTurn) restored = NULL;
  PlaytestTurnRecord record;

  playtest_turn_fail (turn, error);
  playtest_turn_get_record (turn, &record);
  g_assert_cmpuint (record.error_status, ==, 0);
  g_assert_cmpint (record.retry_after, ==, -1);

  restored = playtest_turn_new_from_record (&record);
  g_assert_error (playtest_turn_get_error (restored), PLAYTEST_CLIENT_ERROR,
                  PLAYTEST_CLIENT_ERROR_NETWORK);
  g_assert_cmpstr (playtest_turn_get_error (restored)->message, ==,
                   "Could not connect to 127.0.0.1:9");
  g_assert_cmpuint (playtest_client_error_get_status (playtest_turn_get_error (restored)), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/turn/new-text", test_new_text);
  g_test_add_func ("/turn/new-audio", test_new_audio);
  g_test_add_func ("/turn/state-enum", test_state_enum);
  g_test_add_func ("/turn/complete", test_complete);
  g_test_add_func ("/turn/state-changes-last", test_state_changes_last);
  g_test_add_func ("/turn/notify-only-on-change", test_notify_only_on_change);
  g_test_add_func ("/turn/streaming", test_streaming);
  g_test_add_func ("/turn/fail-and-retry", test_fail_and_retry);
  g_test_add_func ("/turn/fail-foreign-error", test_fail_foreign_error);
  g_test_add_func ("/turn/release-audio", test_release_audio);
  g_test_add_func ("/turn/request-text", test_request_text);
  g_test_add_func ("/turn/request-audio", test_request_audio);
  g_test_add_func ("/turn/display-json-audio", test_display_json_audio);
  g_test_add_func ("/turn/display-json-stream", test_display_json_stream);
  g_test_add_func ("/turn/record-complete", test_record_complete);
  g_test_add_func ("/turn/record-failed", test_record_failed);
  g_test_add_func ("/turn/record-network-error", test_record_network_error);

  return g_test_run ();
}
