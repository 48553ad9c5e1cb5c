/* test-expectation.c: each expectation of a script step held against an answer, passing and
 * failing, in the words of a report; and a session saved as a script that reads back the same
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "playtest-expectation.h"
#include "playtest-reply-private.h"
#include "playtest-script.h"
#include "playtest-turn-private.h"
#include "unit-test-util.h"

/* @turn answered with @reply_json, taking @latency_ms. */
static void
answer (PlaytestTurn *turn,
        const char   *reply_json,
        gint64        latency_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PlaytestReply) reply = playtest_reply_new_from_json (reply_json, -1, &error);
  PlaytestTimings *timings;

  g_assert_no_error (error);
  timings = playtest_reply_get_timings_mut (reply);
  timings->request_start = 10000000;
  timings->first_byte = timings->request_start + 1000;
  timings->complete = timings->request_start + latency_ms * 1000;
  playtest_turn_complete (turn, reply);
}

static PlaytestTurn *
answered_turn (const char *reply_json,
               gint64      latency_ms)
{
  PlaytestTurn *turn = playtest_turn_new ("demo-mira", "Good evening");

  answer (turn, reply_json, latency_ms);
  return turn;
}

/* Mira's usual answer: text, emotion with an intensity, two actions, a section, a transcript,
 * and a second of voice. */
static PlaytestTurn *
mira_turn (void)
{
  g_autoptr(GBytes) wav = unit_test_make_wav (16000, 16000, 0);
  g_autofree char *audio = g_base64_encode (g_bytes_get_data (wav, NULL), g_bytes_get_size (wav));
  g_autofree char *json = g_strdup_printf (
    "{\"text\": \"Good evening, traveller! The ring? Ah...\", \"sessionID\": \"s-1\","
    " \"emotion\": \"Joy 3\", \"action\": \"Wave\", \"actionSequence\": \"Wave\\nOffer Drink\","
    " \"narrativeSectionId\": \"sec-ring\", \"userQuery\": \"Hello there\", \"audio\": \"%s\"}",
    audio);

  return answered_turn (json, 1200);
}

/* The answers the cases are held against. */
typedef enum
{
  MIRA,        /* mira_turn() */
  PLAIN,       /* "Hm.": no emotion, action, section, transcript or audio, after 6120 ms */
  UNANSWERED,  /* still pending */
} Answer;

static PlaytestTurn *
make_answer (Answer answer)
{
  switch (answer)
    {
    case MIRA:
      return mira_turn ();
    case PLAIN:
      return answered_turn ("{\"text\": \"Hm.\", \"sessionID\": \"s-1\"}", 6120);
    case UNANSWERED:
      return playtest_turn_new ("demo-mira", "Hello?");
    default:
      g_assert_not_reached ();
    }
}

/* One expectation, written as in a script, held against one answer. */
typedef struct
{
  const char *expect;             /* the "expect" object's member: "\"emotion\": \"joy\"" */
  Answer      answer;
  const char *previous_section;   /* for section_changed */
  gboolean    with_names;         /* the character's sections are known */
  gboolean    passed;
  const char *expected;
  const char *actual;
} Case;

#define MIRA_TEXT "“Good evening, traveller! The ring? Ah...”"
#define MIRA_ACTIONS "“Wave”, “Offer Drink”"
#define RING "“The Lost Ring (sec-ring)”"

static const Case cases[] = {
  /* Text compares without case. */
  { "\"text_contains\": \"EVENING\"", MIRA, NULL, FALSE, TRUE, "contains “EVENING”", MIRA_TEXT },
  { "\"text_contains\": \"morning\"", MIRA, NULL, FALSE, FALSE, "contains “morning”",
    MIRA_TEXT },
  { "\"text_contains\": \"evening\"", UNANSWERED, NULL, FALSE, FALSE, "contains “evening”",
    "no reply text" },
  { "\"text_not_contains\": \"Goodbye\"", MIRA, NULL, FALSE, TRUE,
    "does not contain “Goodbye”", MIRA_TEXT },
  { "\"text_not_contains\": \"the RING\"", MIRA, NULL, FALSE, FALSE,
    "does not contain “the RING”", MIRA_TEXT },
  { "\"text_matches\": \"^good (evening|day)\"", MIRA, NULL, FALSE, TRUE,
    "matches “^good (evening|day)”", MIRA_TEXT },
  { "\"text_matches\": \"^Hel+o\"", MIRA, NULL, FALSE, FALSE, "matches “^Hel+o”", MIRA_TEXT },

  /* "Joy 3" is joy: the label counts, in any case, without its intensity; a word of the same
   * family is not the same emotion. */
  { "\"emotion\": \"joy\"", MIRA, NULL, FALSE, TRUE, "“joy”", "“Joy 3”" },
  { "\"emotion\": \"sadness\"", MIRA, NULL, FALSE, FALSE, "“sadness”", "“Joy 3”" },
  { "\"emotion\": \"happy\"", MIRA, NULL, FALSE, FALSE, "“happy”", "“Joy 3”" },
  { "\"emotion\": \"joy\"", PLAIN, NULL, FALSE, FALSE, "“joy”", "no emotion" },
  { "\"emotion_in\": [\"surprise\", \"JOY\"]", MIRA, NULL, FALSE, TRUE,
    "one of “surprise”, “JOY”", "“Joy 3”" },
  { "\"emotion_in\": [\"fear\", \"anger\"]", MIRA, NULL, FALSE, FALSE, "one of “fear”, “anger”",
    "“Joy 3”" },

  /* Any action of the sequence, not only the first; all of a list, in any order. */
  { "\"action\": \"offer drink\"", MIRA, NULL, FALSE, TRUE, "“offer drink”", MIRA_ACTIONS },
  { "\"action\": \"Bow\"", MIRA, NULL, FALSE, FALSE, "“Bow”", MIRA_ACTIONS },
  { "\"action\": \"Bow\"", PLAIN, NULL, FALSE, FALSE, "“Bow”", "no action" },
  { "\"actions_include\": [\"Offer Drink\", \"wave\"]", MIRA, NULL, FALSE, TRUE,
    "includes “Offer Drink”, “wave”", MIRA_ACTIONS },
  { "\"actions_include\": [\"Wave\", \"Bow\"]", MIRA, NULL, FALSE, FALSE,
    "includes “Wave”, “Bow”", MIRA_ACTIONS },

  /* A section by id or by name; without the character's sections only the id can match. */
  { "\"section\": \"sec-ring\"", MIRA, NULL, TRUE, TRUE, RING, RING },
  { "\"section\": \"the lost ring\"", MIRA, NULL, TRUE, TRUE, "“the lost ring”", RING },
  { "\"section\": \"the lost ring\"", MIRA, NULL, FALSE, FALSE, "“the lost ring”",
    "“sec-ring”" },
  { "\"section\": \"sec-arrival\"", MIRA, NULL, TRUE, FALSE, "“Arrival (sec-arrival)”", RING },
  { "\"section\": \"sec-ring\"", PLAIN, NULL, TRUE, FALSE, RING, "no section" },

  /* The first turn of a session enters its section: a change. */
  { "\"section_changed\": true", MIRA, "sec-arrival", TRUE, TRUE, "a new section",
    "moved from “Arrival (sec-arrival)” to " RING },
  { "\"section_changed\": true", MIRA, NULL, TRUE, TRUE, "a new section", "entered " RING },
  { "\"section_changed\": true", MIRA, "sec-ring", TRUE, FALSE, "a new section",
    "stayed in " RING },
  { "\"section_changed\": true", PLAIN, "sec-ring", TRUE, FALSE, "a new section", "no section" },
  { "\"section_changed\": false", MIRA, "sec-arrival", FALSE, FALSE, "the same section",
    "moved from “sec-arrival” to “sec-ring”" },
  { "\"section_changed\": false", MIRA, "sec-ring", FALSE, TRUE, "the same section",
    "stayed in “sec-ring”" },

  { "\"user_query_contains\": \"hello\"", MIRA, NULL, FALSE, TRUE, "contains “hello”",
    "“Hello there”" },
  { "\"user_query_contains\": \"goodbye\"", MIRA, NULL, FALSE, FALSE, "contains “goodbye”",
    "“Hello there”" },
  { "\"user_query_contains\": \"hello\"", PLAIN, NULL, FALSE, FALSE, "contains “hello”",
    "no transcript" },

  { "\"has_audio\": true", MIRA, NULL, FALSE, TRUE, "audio", "audio" },
  { "\"has_audio\": true", PLAIN, NULL, FALSE, FALSE, "audio", "no audio" },
  { "\"has_audio\": false", MIRA, NULL, FALSE, FALSE, "no audio", "audio" },
  { "\"has_audio\": false", PLAIN, NULL, FALSE, TRUE, "no audio", "no audio" },

  { "\"max_latency_ms\": 5000", MIRA, NULL, FALSE, TRUE, "≤ 5000 ms", "1200 ms" },
  { "\"max_latency_ms\": 5000", PLAIN, NULL, FALSE, FALSE, "≤ 5000 ms", "6120 ms" },
  { "\"max_latency_ms\": 6120", PLAIN, NULL, FALSE, TRUE, "≤ 6120 ms", "6120 ms" },
  { "\"max_latency_ms\": 5000", UNANSWERED, NULL, FALSE, FALSE, "≤ 5000 ms", "no timing" },
};

static GHashTable *
section_names_new (void)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_hash_table_insert (names, g_strdup ("sec-ring"), g_strdup ("The Lost Ring"));
  g_hash_table_insert (names, g_strdup ("sec-arrival"), g_strdup ("Arrival"));
  return names;
}

/* The expectations of a one-step script whose "expect" holds @member, read as a run reads them
 * (text_matches compiled). */
static PlaytestScript *
script_expecting (const char *member)
{
  g_autofree char *json = g_strdup_printf ("{\"name\": \"case\", \"steps\": [{\"say\": "
                                           "\"Good evening\", \"expect\": {%s}}]}", member);
  g_autoptr(GError) error = NULL;
  PlaytestScript *script = playtest_script_new_from_data (json, -1, NULL, "case.json", &error);

  g_assert_no_error (error);
  return script;
}

static void
test_cases (void)
{
  g_autoptr(GHashTable) names = section_names_new ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autoptr(PlaytestScript) script = script_expecting (c->expect);
      g_autoptr(PlaytestTurn) turn = make_answer (c->answer);
      g_autoptr(GPtrArray) checks = NULL;
      PlaytestCheck *check;

      g_test_message ("{%s} against answer %d", c->expect, c->answer);
      checks = playtest_expectations_check (playtest_script_get_step (script, 0)->expect, turn,
                                            c->previous_section, c->with_names ? names : NULL);
      g_assert_cmpuint (checks->len, ==, 1);
      check = g_ptr_array_index (checks, 0);
      g_assert_true (g_str_has_prefix (c->expect + 1, check->key));
      g_assert_cmpint (check->passed, ==, c->passed);
      g_assert_cmpstr (check->expected, ==, c->expected);
      g_assert_cmpstr (check->actual, ==, c->actual);
    }
}

/* A long answer is quoted on one line, cut, for a report that stays readable. */
static void
test_long_text (void)
{
  g_autoptr(PlaytestScript) script = script_expecting ("\"text_contains\": \"evening\"");
  g_autoptr(GString) speech = g_string_new ("{\"text\": \"Well");
  g_autoptr(PlaytestTurn) chatty = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  PlaytestCheck *check;

  for (guint i = 0; i < 60; i++)
    g_string_append (speech, i % 10 == 0 ? ",\\nwell" : ", well");
  g_string_append (speech, "\", \"sessionID\": \"s-1\"}");
  chatty = answered_turn (speech->str, 10);
  checks = playtest_expectations_check (playtest_script_get_step (script, 0)->expect, chatty,
                                        NULL, NULL);
  check = g_ptr_array_index (checks, 0);
  g_assert_false (check->passed);
  g_assert_true (g_str_has_prefix (check->actual, "“Well, well, well"));
  g_assert_true (g_str_has_suffix (check->actual, "…”"));
  g_assert_null (strchr (check->actual, '\n'));
  g_assert_cmpuint (g_utf8_strlen (check->actual, -1), <, 130);
}

/* A turn read back from the history store has its voice in a file. */
static void
test_audio_of_restored_turn (void)
{
  g_autoptr(PlaytestScript) script = script_expecting ("\"has_audio\": true");
  g_autoptr(PlaytestTurn) plain = make_answer (PLAIN);
  g_autoptr(PlaytestTurn) restored = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  PlaytestTurnRecord record;

  playtest_turn_get_record (plain, &record);
  record.reply_audio_path = "/history/audio/1-reply.wav";
  restored = playtest_turn_new_from_record (&record);
  checks = playtest_expectations_check (playtest_script_get_step (script, 0)->expect, restored,
                                        NULL, NULL);
  g_assert_true (((PlaytestCheck *) g_ptr_array_index (checks, 0))->passed);
}

/* All together --------------------------------------------------------------------------------- */

static void
test_order_and_describe (void)
{
  g_autoptr(PlaytestTurn) turn = mira_turn ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PlaytestScript) script = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(PlaytestExpectations) nothing = playtest_expectations_new ();
  g_autoptr(GPtrArray) no_checks = NULL;
  const char * const keys[] = {
    "text_contains", "text_not_contains", "text_matches", "emotion", "emotion_in", "action",
    "actions_include", "section", "section_changed", "user_query_contains", "has_audio",
    "max_latency_ms",
  };
  g_autofree char *line = NULL;

  /* Written in another order than checked: checks come in one documented order. */
  script = playtest_script_new_from_data (
    "{\"name\": \"all\", \"steps\": [{\"say\": \"Good evening\", \"expect\": {"
    "\"max_latency_ms\": 100, \"has_audio\": true, \"user_query_contains\": \"hello\","
    "\"section_changed\": true, \"section\": \"sec-ring\", \"actions_include\": [\"Wave\"],"
    "\"action\": \"Wave\", \"emotion_in\": [\"joy\"], \"emotion\": \"sadness\","
    "\"text_matches\": \"ring\", \"text_not_contains\": \"bye\", \"text_contains\": \"evening\""
    "}}]}", -1, NULL, "all.json", &error);
  g_assert_no_error (error);

  checks = playtest_expectations_check (playtest_script_get_step (script, 0)->expect, turn, NULL,
                                        NULL);
  g_assert_cmpuint (checks->len, ==, G_N_ELEMENTS (keys));
  for (guint i = 0; i < checks->len; i++)
    {
      PlaytestCheck *check = g_ptr_array_index (checks, i);

      g_assert_cmpstr (check->key, ==, keys[i]);
      /* Only the emotion and the latency do not hold. */
      g_assert_cmpint (check->passed, ==, i != 3 && i != 11);
    }

  line = playtest_check_describe (g_ptr_array_index (checks, 3));
  g_assert_cmpstr (line, ==, "emotion: expected “sadness”, got “Joy 3”");

  g_assert_true (playtest_expectations_is_empty (nothing));
  g_assert_false (playtest_expectations_is_empty (playtest_script_get_step (script, 0)->expect));
  no_checks = playtest_expectations_check (nothing, turn, NULL, NULL);
  g_assert_cmpuint (no_checks->len, ==, 0);
}

/* Save session as script ----------------------------------------------------------------------- */

static GBytes *
read_file_bytes (const char *folder,
                 const char *name)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
remove_store (const char *store_dir)
{
  g_autofree char *stored_path = g_build_filename (store_dir, "7-user.wav", NULL);

  g_unlink (stored_path);
  g_rmdir (store_dir);
}

/* A session as the app has it: a typed line, a spoken one, a failure, then a new session with a
 * typed line and a spoken one read back from the history store (its recording in a file). */
static GPtrArray *
recorded_session (const char *store_dir,
                  GBytes     *live_recording)
{
  GPtrArray *turns = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *stored_path = g_build_filename (store_dir, "7-user.wav", NULL);
  g_autoptr(GBytes) stored_recording = unit_test_make_wav (4000, 16000, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) timeout = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Timed out");
  PlaytestTurn *spoken = playtest_turn_new_for_audio ("demo-mira", live_recording);
  PlaytestTurn *failed = playtest_turn_new ("demo-mira", "Are you there?");
  PlaytestTurn *again = playtest_turn_new ("demo-mira", "Hello again");
  PlaytestTurnRecord record = {
    .character_id = "demo-mira", .session_id = "s-2", .state = PLAYTEST_TURN_COMPLETE,
    .user_text = "", .user_audio_path = stored_path, .user_audio_duration_ms = 250,
    .reply_text = "Welcome back.", .emotion = "calm", .first_byte_ms = -1,
    .first_audio_ms = -1, .total_ms = 300, .error_code = -1,
  };

  g_ptr_array_add (turns, mira_turn ());
  answer (spoken, "{\"text\": \"Hello!\", \"sessionID\": \"s-1\", \"userQuery\": \"hello\"}",
          800);
  g_ptr_array_add (turns, spoken);
  playtest_turn_set_session_id (failed, "s-1");
  playtest_turn_fail (failed, timeout);
  g_ptr_array_add (turns, failed);
  answer (again, "{\"text\": \"Oh! You again.\", \"sessionID\": \"s-2\", "
                 "\"emotion\": \"surprise:2\", \"narrativeSectionId\": \"sec-arrival\", "
                 "\"action\": \"Bow\"}", 500);
  g_ptr_array_add (turns, again);

  g_file_set_contents (stored_path, g_bytes_get_data (stored_recording, NULL),
                       g_bytes_get_size (stored_recording), &error);
  g_assert_no_error (error);
  g_ptr_array_add (turns, playtest_turn_new_from_record (&record));

  return turns;
}

static void
test_session_as_script (void)
{
  g_autofree char *store_dir = g_dir_make_tmp ("test-expectation-store-XXXXXX", NULL);
  g_autoptr(GBytes) live_recording = unit_test_make_wav (8000, 16000, 0);
  g_autoptr(GPtrArray) turns = recorded_session (store_dir, live_recording);
  g_autoptr(PlaytestScript) script = NULL;
  const PlaytestScriptStep *step;

  script = playtest_script_new_from_turns ("Innkeeper regression", "demo-mira", turns, TRUE,
                                           FALSE);
  g_assert_cmpstr (playtest_script_get_name (script), ==, "Innkeeper regression");
  g_assert_cmpstr (playtest_script_get_character_id (script), ==, "demo-mira");
  g_assert_true (playtest_script_get_voice (script));
  g_assert_false (playtest_script_get_stream (script));
  /* The failed turn is left out; the change of session is a step. */
  g_assert_cmpuint (playtest_script_get_n_steps (script), ==, 5);

  /* What was seen is expected again; the words are not (they vary). */
  step = playtest_script_get_step (script, 0);
  g_assert_cmpint (step->kind, ==, PLAYTEST_STEP_SAY);
  g_assert_cmpstr (step->text, ==, "Good evening");
  g_assert_cmpstr (step->expect->emotion, ==, "Joy");
  g_assert_cmpstr (step->expect->section, ==, "sec-ring");
  g_assert_cmpstrv (step->expect->actions_include,
                    ((const char *[]) { "Wave", "Offer Drink", NULL }));
  g_assert_cmpint (step->expect->has_audio, ==, 1);
  g_assert_null (step->expect->text_contains);
  g_assert_cmpint (step->expect->max_latency_ms, ==, -1);

  step = playtest_script_get_step (script, 1);
  g_assert_cmpint (step->kind, ==, PLAYTEST_STEP_AUDIO);
  g_assert_null (step->expect);

  g_assert_cmpint (playtest_script_get_step (script, 2)->kind, ==, PLAYTEST_STEP_NEW_SESSION);

  step = playtest_script_get_step (script, 3);
  g_assert_cmpstr (step->text, ==, "Hello again");
  g_assert_cmpstr (step->expect->emotion, ==, "surprise");
  g_assert_cmpstr (step->expect->section, ==, "sec-arrival");
  g_assert_cmpstrv (step->expect->actions_include, ((const char *[]) { "Bow", NULL }));
  g_assert_cmpint (step->expect->has_audio, ==, -1);

  step = playtest_script_get_step (script, 4);
  g_assert_cmpint (step->kind, ==, PLAYTEST_STEP_AUDIO);
  g_assert_cmpstr (step->expect->emotion, ==, "calm");

  remove_store (store_dir);
}

static void
test_save_session_round_trip (void)
{
  g_autofree char *store_dir = g_dir_make_tmp ("test-expectation-store-XXXXXX", NULL);
  g_autofree char *script_dir = g_dir_make_tmp ("test-expectation-script-XXXXXX", NULL);
  g_autofree char *script_path = g_build_filename (script_dir, "innkeeper.json", NULL);
  g_autoptr(GFile) script_file = g_file_new_for_path (script_path);
  g_autoptr(GBytes) live_recording = unit_test_make_wav (8000, 16000, 0);
  g_autoptr(GPtrArray) turns = recorded_session (store_dir, live_recording);
  g_autoptr(PlaytestScript) script = NULL;
  g_autoptr(PlaytestScript) loaded = NULL;
  g_autoptr(GBytes) written_live = NULL;
  g_autoptr(GBytes) written_stored = NULL;
  g_autoptr(GBytes) stored = read_file_bytes (store_dir, "7-user.wav");
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *loaded_json = NULL;
  g_autofree char *described = NULL;

  script = playtest_script_new_from_turns ("Innkeeper regression", "demo-mira", turns, TRUE,
                                           FALSE);
  g_assert_true (playtest_script_save (script, script_file, &error));
  g_assert_no_error (error);
  g_assert_true (playtest_script_get_file (script) == script_file);
  g_assert_cmpstr (playtest_script_get_display_name (script), ==, "innkeeper.json");

  /* Each recording beside the script, named after it and its step, the same bytes. */
  written_live = read_file_bytes (script_dir, "innkeeper-step-2.wav");
  g_assert_true (g_bytes_equal (written_live, live_recording));
  written_stored = read_file_bytes (script_dir, "innkeeper-step-5.wav");
  g_assert_true (g_bytes_equal (written_stored, stored));
  g_assert_cmpstr (playtest_script_get_step (script, 1)->audio_path, ==, "innkeeper-step-2.wav");
  described = playtest_script_describe_step (script, 4);
  g_assert_cmpstr (described, ==, "Send audio innkeeper-step-5.wav");

  /* Read back, it is the same script. */
  loaded = playtest_script_new_from_file (script_file, &error);
  g_assert_no_error (error);
  json = playtest_script_to_json (script);
  loaded_json = playtest_script_to_json (loaded);
  g_assert_cmpstr (json, ==, loaded_json);
  g_assert_cmpuint (playtest_script_get_n_steps (loaded), ==, 5);
  g_assert_true (g_file_equal (playtest_script_get_step (loaded, 4)->audio_file,
                               playtest_script_get_step (script, 4)->audio_file));

  /* And its answers meet its own expectations. */
  for (guint i = 0, t = 0; i < playtest_script_get_n_steps (loaded); i++)
    {
      const PlaytestScriptStep *step = playtest_script_get_step (loaded, i);
      g_autoptr(GPtrArray) checks = NULL;

      if (step->kind == PLAYTEST_STEP_NEW_SESSION)
        continue;
      if (playtest_turn_get_state (g_ptr_array_index (turns, t)) == PLAYTEST_TURN_FAILED)
        t++;
      if (step->expect == NULL)
        {
          t++;
          continue;
        }
      checks = playtest_expectations_check (step->expect, g_ptr_array_index (turns, t++), NULL,
                                            NULL);
      for (guint c = 0; c < checks->len; c++)
        g_assert_true (((PlaytestCheck *) g_ptr_array_index (checks, c))->passed);
    }

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("innkeeper-step-%u.wav", i == 0 ? 2 : 5);
      g_autofree char *path = g_build_filename (script_dir, name, NULL);

      g_unlink (path);
    }
  g_unlink (script_path);
  g_rmdir (script_dir);
  remove_store (store_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/expectation/cases", test_cases);
  g_test_add_func ("/expectation/long-text", test_long_text);
  g_test_add_func ("/expectation/audio-of-restored-turn", test_audio_of_restored_turn);
  g_test_add_func ("/expectation/order-and-describe", test_order_and_describe);
  g_test_add_func ("/expectation/session-as-script", test_session_as_script);
  g_test_add_func ("/expectation/save-session-round-trip", test_save_session_round_trip);

  return g_test_run ();
}
