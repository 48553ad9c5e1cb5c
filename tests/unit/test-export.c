/* test-export.c: transcripts of stored conversations, as Markdown and as JSON with audio
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "playtest-client-error.h"
#include "playtest-export.h"
#include "playtest-reply-private.h"
#include "unit-test-util.h"

#define MIRA "char-mira"

typedef struct
{
  char            *directory;
  PlaytestHistory *history;
  char            *conversation_id;
  GHashTable      *section_names;
  GBytes          *voice;           /* what the user said in the voice turn */
} Fixture;

/* The history keeps its files below the fixture's folder, and so do the exports. */
static void
delete_below (GFile *folder)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                               G_FILE_ATTRIBUTE_STANDARD_TYPE,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;
  GFile *child;

  while (children != NULL &&
         g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL)
    {
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        delete_below (child);
      g_file_delete (child, NULL, NULL);
    }
}

/* A reply as the service sends it; @extra is more JSON members, with a leading comma. */
static PlaytestReply *
make_reply (const char *text,
            const char *extra,
            gint64      latency_ms)
{
  g_autofree char *json = g_strdup_printf ("{\"text\": \"%s\", \"sessionID\": \"sess-77\"%s}",
                                           text, extra);
  g_autoptr(GError) error = NULL;
  PlaytestReply *reply = playtest_reply_new_from_json (json, -1, &error);
  PlaytestTimings *timings;

  g_assert_no_error (error);
  timings = playtest_reply_get_timings_mut (reply);
  timings->request_start = 1000000;
  timings->first_byte = timings->request_start + 100000;
  timings->complete = timings->request_start + latency_ms * 1000;

  return reply;
}

static void
save (Fixture      *fixture,
      PlaytestTurn *turn)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (playtest_history_save_turn (fixture->history, fixture->conversation_id, turn,
                                             &error));
  g_assert_no_error (error);
}

static void
save_typed (Fixture    *fixture,
            const char *line,
            const char *reply_text,
            const char *extra,
            gint64      latency_ms)
{
  g_autoptr(PlaytestTurn) turn = playtest_turn_new (MIRA, line);
  g_autoptr(PlaytestReply) reply = make_reply (reply_text, extra, latency_ms);
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_build_request (turn, FALSE, FALSE);

  playtest_turn_complete (turn, reply);
  save (fixture, turn);
}

/* A spoken line answered with voice, which moves the character to the quest section. */
static void
save_voice (Fixture *fixture)
{
  g_autoptr(GBytes) reply_voice = unit_test_make_wav (3200, 16000, -500);
  g_autofree char *audio = g_base64_encode (g_bytes_get_data (reply_voice, NULL),
                                            g_bytes_get_size (reply_voice));
  g_autofree char *extra = g_strdup_printf (
    ", \"audio\": \"%s\", \"emotion\": \"fear\", \"narrativeSectionId\": \"sec-quest\","
    " \"userQuery\": \"where is the silver ring\"", audio);
  g_autoptr(PlaytestTurn) turn = NULL;
  g_autoptr(PlaytestReply) reply = make_reply ("The ring? It fell into the well.", extra, 2400);
  g_autoptr(PlaytestTurnRequest) request = NULL;

  fixture->voice = unit_test_make_wav (8000, 16000, 900);
  turn = playtest_turn_new_for_audio (MIRA, fixture->voice);
  request = playtest_turn_build_request (turn, TRUE, FALSE);
  playtest_reply_get_timings_mut (reply)->first_audio = 1000000 + 700000;
  playtest_reply_add_warning (reply, "audio arrived late");
  playtest_turn_complete (turn, reply);
  save (fixture, turn);
}

static void
save_failed (Fixture *fixture)
{
  g_autoptr(PlaytestTurn) turn = playtest_turn_new (MIRA, "Are you still there?");
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"ERROR\": \"API rate limit exceeded\"}", 36);
  g_autoptr(GError) failure = playtest_client_error_new_for_status (429, "application/json",
                                                                    body, "30");

  playtest_turn_fail (turn, failure);
  save (fixture, turn);
}

/* Four turns of every kind: typed, voice with audio and a section change, failed, and typed
 * with Markdown specials in what both sides wrote. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *history_dir = NULL;

  fixture->directory = g_dir_make_tmp ("test-export-XXXXXX", &error);
  g_assert_no_error (error);
  history_dir = g_build_filename (fixture->directory, "history", NULL);
  fixture->history = playtest_history_new (history_dir, &error);
  g_assert_no_error (error);
  fixture->conversation_id = playtest_history_new_conversation (fixture->history, MIRA, &error);
  g_assert_no_error (error);

  fixture->section_names = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (fixture->section_names, (char *) "sec-arrival", (char *) "Arrival");
  g_hash_table_insert (fixture->section_names, (char *) "sec-quest", (char *) "The Lost Ring");

  save_typed (fixture, "Good evening", "Welcome, traveller.",
              ", \"emotion\": \"joy\", \"action\": \"Wave\","
              " \"actionSequence\": \"Wave\\nOffer Drink\","
              " \"narrativeSectionId\": \"sec-arrival\"",
              1200);
  save_voice (fixture);
  save_failed (fixture);
  save_typed (fixture, "# Thanks *so* much [really]", "You are <welcome>, my_friend.",
              ", \"emotion\": \"surprise\", \"narrativeSectionId\": \"sec-quest\"", 640);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GFile) folder = g_file_new_for_path (fixture->directory);

  g_assert_finalize_object (g_steal_pointer (&fixture->history));
  delete_below (folder);
  g_file_delete (folder, NULL, NULL);
  g_free (fixture->directory);
  g_free (fixture->conversation_id);
  g_hash_table_unref (fixture->section_names);
  g_clear_pointer (&fixture->voice, g_bytes_unref);
}

static GPtrArray *
load_sessions (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *sessions = g_ptr_array_new_with_free_func (
    (GDestroyNotify) playtest_export_session_free);
  PlaytestExportSession *session =
    playtest_export_session_load (fixture->history, fixture->conversation_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (session);
  g_assert_cmpuint (session->turns->len, ==, 4);
  g_ptr_array_add (sessions, session);

  return sessions;
}

static GFile *
export_to (Fixture              *fixture,
           GPtrArray            *sessions,
           PlaytestExportFormat  format,
           const char           *name)
{
  g_autofree char *path = g_build_filename (fixture->directory, name, NULL);
  g_autoptr(GFile) output = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (playtest_export_write (sessions, format, fixture->section_names, output,
                                        &error));
  g_assert_no_error (error);

  return g_steal_pointer (&output);
}

static char *
read_text (GFile *file)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_load_contents (file, NULL, &contents, NULL, NULL, &error));
  g_assert_no_error (error);

  return contents;
}

/* JSON ---------------------------------------------------------------------------------- */

static JsonObject *
turn_at (JsonObject *root,
         guint       session,
         guint       index)
{
  JsonArray *sessions = json_object_get_array_member (root, "sessions");
  JsonObject *object = json_array_get_object_element (sessions, session);

  return json_array_get_object_element (json_object_get_array_member (object, "turns"), index);
}

/* An audio member names a file beside the export with exactly the bytes recorded. */
static void
assert_audio_file (GFile      *output,
                   JsonObject *turn,
                   const char *member,
                   GBytes     *expected)
{
  const char *relative = json_object_get_string_member (turn, member);
  g_autoptr(GFile) parent = g_file_get_parent (output);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (relative);
  g_assert_false (g_path_is_absolute (relative));
  g_assert_true (g_str_has_prefix (relative, "session-audio/turn-"));
  file = g_file_resolve_relative_path (parent, relative);
  bytes = g_file_load_bytes (file, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

static GBytes *
history_file_bytes (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  GBytes *bytes = g_file_load_bytes (file, NULL, NULL, &error);

  g_assert_no_error (error);
  return bytes;
}

static void
assert_strv_member (JsonObject         *object,
                    const char         *member,
                    const char * const *expected)
{
  JsonArray *array = json_object_get_array_member (object, member);

  g_assert_nonnull (array);
  g_assert_cmpuint (json_array_get_length (array), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (json_array_get_string_element (array, i), ==, expected[i]);
}

static void
check_typed_turn (JsonObject *turn)
{
  const char * const actions[] = { "Wave", "Offer Drink", NULL };

  g_assert_cmpstr (json_object_get_string_member (turn, "state"), ==, "complete");
  g_assert_false (json_object_get_boolean_member (turn, "voice"));
  g_assert_cmpstr (json_object_get_string_member (turn, "user_text"), ==, "Good evening");
  g_assert_cmpstr (json_object_get_string_member (turn, "reply_text"), ==, "Welcome, traveller.");
  g_assert_cmpstr (json_object_get_string_member (turn, "emotion"), ==, "joy");
  g_assert_cmpstr (json_object_get_string_member (turn, "action"), ==, "Wave");
  assert_strv_member (turn, "actions", actions);
  g_assert_cmpstr (json_object_get_string_member (turn, "section_id"), ==, "sec-arrival");
  g_assert_cmpstr (json_object_get_string_member (turn, "section_name"), ==, "Arrival");
  g_assert_false (json_object_get_boolean_member (turn, "section_changed"));
  g_assert_cmpint (json_object_get_int_member (turn, "latency_ms"), ==, 1200);
  g_assert_true (json_object_get_null_member (turn, "first_audio_ms"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (turn, "timings"),
                                               "first_byte_ms"), ==, 100);
  g_assert_true (json_object_get_null_member (turn, "error"));
  g_assert_true (json_object_get_null_member (turn, "user_audio"));
  g_assert_true (json_object_get_null_member (turn, "reply_audio"));
  /* The service's reply is nested as it came, not a string in a string. */
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (turn, "reply"),
                                                  "sessionID"), ==, "sess-77");
}

static void
check_voice_turn (GFile        *output,
                  JsonObject   *turn,
                  PlaytestTurn *stored,
                  GBytes       *voice)
{
  const char * const warnings[] = { "audio arrived late", NULL };
  g_autoptr(GBytes) reply_audio =
    history_file_bytes (playtest_turn_get_reply_audio_path (stored));

  g_assert_true (json_object_get_boolean_member (turn, "voice"));
  g_assert_cmpstr (json_object_get_string_member (turn, "user_query"), ==,
                   "where is the silver ring");
  g_assert_cmpstr (json_object_get_string_member (turn, "emotion"), ==, "fear");
  g_assert_cmpstr (json_object_get_string_member (turn, "section_name"), ==, "The Lost Ring");
  g_assert_true (json_object_get_boolean_member (turn, "section_changed"));
  g_assert_cmpint (json_object_get_int_member (turn, "latency_ms"), ==, 2400);
  g_assert_cmpint (json_object_get_int_member (turn, "first_audio_ms"), ==, 700);
  g_assert_cmpint (json_object_get_int_member (turn, "user_audio_duration_ms"), ==, 500);
  assert_strv_member (turn, "warnings", warnings);
  assert_audio_file (output, turn, "user_audio", voice);
  assert_audio_file (output, turn, "reply_audio", reply_audio);
}

static void
check_failed_turn (JsonObject *turn)
{
  JsonObject *error = json_object_get_object_member (turn, "error");

  g_assert_cmpstr (json_object_get_string_member (turn, "state"), ==, "failed");
  g_assert_cmpstr (json_object_get_string_member (turn, "user_text"), ==, "Are you still there?");
  g_assert_true (json_object_get_null_member (turn, "reply_text"));
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "domain"), ==,
                   g_quark_to_string (PLAYTEST_CLIENT_ERROR));
  g_assert_cmpint (json_object_get_int_member (error, "code"), ==,
                   PLAYTEST_CLIENT_ERROR_RATE_LIMITED);
  g_assert_cmpint (json_object_get_int_member (error, "http_status"), ==, 429);
  g_assert_cmpint (json_object_get_int_member (error, "retry_after_s"), ==, 30);
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"),
                            "API rate limit exceeded"));
}

static void
test_json_round_trip (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) sessions = load_sessions (fixture);
  PlaytestExportSession *session = g_ptr_array_index (sessions, 0);
  g_autoptr(GFile) output = export_to (fixture, sessions, PLAYTEST_EXPORT_JSON, "session.json");
  g_autofree char *text = read_text (output);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *root, *info;

  node = json_from_string (text, &error);
  g_assert_no_error (error);
  root = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==,
                   "convai-playtest-transcript");
  g_assert_cmpint (json_object_get_int_member (root, "version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (root, "audio_folder"), ==, "session-audio");

  info = json_array_get_object_element (json_object_get_array_member (root, "sessions"), 0);
  g_assert_cmpstr (json_object_get_string_member (info, "conversation_id"), ==,
                   fixture->conversation_id);
  g_assert_cmpstr (json_object_get_string_member (info, "session_id"), ==, "sess-77");
  g_assert_cmpstr (json_object_get_string_member (info, "character_id"), ==, MIRA);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (info, "turns")), ==, 4);

  check_typed_turn (turn_at (root, 0, 0));
  check_voice_turn (output, turn_at (root, 0, 1), g_ptr_array_index (session->turns, 1),
                    fixture->voice);
  check_failed_turn (turn_at (root, 0, 2));
  g_assert_cmpstr (json_object_get_string_member (turn_at (root, 0, 3), "user_text"), ==,
                   "# Thanks *so* much [really]");
  /* Still in the quest: no change the second time. */
  g_assert_false (json_object_get_boolean_member (turn_at (root, 0, 3), "section_changed"));
}

/* Markdown ------------------------------------------------------------------------------ */

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” is not in the transcript:\n%s", part, text);
}

static guint
count_occurrences (const char *text,
                   const char *part)
{
  guint n = 0;

  for (const char *p = strstr (text, part); p != NULL; p = strstr (p + 1, part))
    n++;

  return n;
}

static void
test_markdown (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) sessions = load_sessions (fixture);
  g_autofree char *audio_folder = g_build_filename (fixture->directory, "session-audio", NULL);
  g_autoptr(GFile) output = NULL;
  g_autofree char *text = NULL;

  ((PlaytestExportSession *) g_ptr_array_index (sessions, 0))->character_name = g_strdup ("Mira");
  output = export_to (fixture, sessions, PLAYTEST_EXPORT_MARKDOWN, "session.md");
  text = read_text (output);

  assert_contains (text, "`sess-77`");
  assert_contains (text, "**You:** Good evening");
  assert_contains (text, "**Mira:** Welcome, traveller.");
  assert_contains (text, "Emotion: joy");
  assert_contains (text, "Actions: Wave, Offer Drink");
  assert_contains (text, "Section: Arrival (`sec-arrival`)");
  assert_contains (text, "Latency: 1.2 s");
  /* The voice turn: marked, with what the service heard. */
  assert_contains (text, "(voice, 500 ms) where is the silver ring");
  assert_contains (text, "**Mira:** The ring? It fell into the well.");
  assert_contains (text, "Emotion: fear");
  assert_contains (text, "Section: The Lost Ring (`sec-quest`) → section changed");
  assert_contains (text, "(first audio 700 ms)");
  assert_contains (text, "audio arrived late");
  /* The failed turn says why. */
  assert_contains (text, "**You:** Are you still there?");
  assert_contains (text, "**Failed:**");
  assert_contains (text, "API rate limit exceeded");
  /* Specials read as written, not as a heading, emphasis, a link or a tag. */
  assert_contains (text, "**You:** \\# Thanks \\*so\\* much \\[really\\]");
  assert_contains (text, "You are \\<welcome\\>, my\\_friend.");
  g_assert_cmpuint (count_occurrences (text, "section changed"), ==, 1);
  g_assert_cmpuint (count_occurrences (text, "## Turn "), ==, 4);
  /* No audio folder for a transcript that cannot show audio. */
  g_assert_false (g_file_test (audio_folder, G_FILE_TEST_EXISTS));
}

/* A run's transcript: several sessions in one file, each under its title. */
static void
test_several_sessions (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) sessions = load_sessions (fixture);
  g_autoptr(GPtrArray) second = load_sessions (fixture);
  g_autoptr(GFile) markdown = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) node = NULL;

  ((PlaytestExportSession *) g_ptr_array_index (sessions, 0))->title = g_strdup ("Smoke, run 1");
  ((PlaytestExportSession *) g_ptr_array_index (second, 0))->title = g_strdup ("Smoke, run 2");
  g_ptr_array_add (sessions, g_ptr_array_steal_index (second, 0));

  markdown = export_to (fixture, sessions, PLAYTEST_EXPORT_MARKDOWN, "run.md");
  text = read_text (markdown);
  assert_contains (text, "# Smoke, run 1\n");
  assert_contains (text, "# Smoke, run 2\n");
  g_assert_cmpuint (count_occurrences (text, "## Turn "), ==, 8);

  json = playtest_export_to_string (sessions, PLAYTEST_EXPORT_JSON, NULL);
  node = json_from_string (json, NULL);
  g_assert_nonnull (node);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (node), "sessions")), ==, 2);
  /* Without a file there is no folder: the audio is left out, and says so by null. */
  g_assert_true (json_object_get_null_member (turn_at (json_node_get_object (node), 1, 1),
                                              "user_audio"));
  /* Without names, a section is known by its id alone. */
  g_assert_true (json_object_get_null_member (turn_at (json_node_get_object (node), 1, 1),
                                              "section_name"));
}

static void
write_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The window writes in a thread: the same files, the same errors. */
static void
test_write_async (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) sessions = load_sessions (fixture);
  g_autofree char *path = g_build_filename (fixture->directory, "async.json", NULL);
  g_autofree char *audio = g_build_filename (fixture->directory, "async-audio", NULL);
  g_autofree char *bad_path = g_build_filename (path, "x.md", NULL);
  g_autoptr(GFile) output = g_file_new_for_path (path);
  g_autoptr(GFile) bad_output = g_file_new_for_path (bad_path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  playtest_export_write_async (sessions, PLAYTEST_EXPORT_JSON, fixture->section_names, output,
                               NULL, write_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (playtest_export_write_finish (result, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (audio, G_FILE_TEST_IS_DIR));

  g_clear_object (&result);
  playtest_export_write_async (sessions, PLAYTEST_EXPORT_MARKDOWN, NULL, bad_output, NULL,
                               write_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (playtest_export_write_finish (result, &error));
  g_assert_nonnull (error);
  assert_contains (error->message, bad_path);
}

/* Errors -------------------------------------------------------------------------------- */

static void
test_unwritable (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) sessions = load_sessions (fixture);
  g_autofree char *blocker = g_build_filename (fixture->directory, "not-a-folder", NULL);
  g_autofree char *path = g_build_filename (blocker, "session.md", NULL);
  g_autoptr(GFile) output = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  g_assert_false (playtest_export_write (sessions, PLAYTEST_EXPORT_MARKDOWN, NULL, output,
                                         &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  assert_contains (error->message, path);
}

/* The audio folder's name is taken by a file: the JSON is not written, and the message
 * names the folder. */
static void
test_audio_folder_unwritable (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GPtrArray) sessions = load_sessions (fixture);
  g_autofree char *blocker = g_build_filename (fixture->directory, "run-audio", NULL);
  g_autofree char *path = g_build_filename (fixture->directory, "run.json", NULL);
  g_autoptr(GFile) output = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  g_assert_false (playtest_export_write (sessions, PLAYTEST_EXPORT_JSON, NULL, output, &error));
  g_assert_nonnull (error);
  assert_contains (error->message, blocker);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  PlaytestExportSession *session =
    playtest_export_session_load (fixture->history, "no-such-conversation", &error);

  g_assert_null (session);
  g_assert_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_NOT_FOUND);
  assert_contains (error->message, "no-such-conversation");
}

static void
test_formats (void)
{
  PlaytestExportFormat format = -1;

  g_assert_true (playtest_export_format_from_path ("/tmp/a.md", &format));
  g_assert_cmpint (format, ==, PLAYTEST_EXPORT_MARKDOWN);
  g_assert_true (playtest_export_format_from_path ("run.markdown", &format));
  g_assert_cmpint (format, ==, PLAYTEST_EXPORT_MARKDOWN);
  g_assert_true (playtest_export_format_from_path ("Run.JSON", &format));
  g_assert_cmpint (format, ==, PLAYTEST_EXPORT_JSON);
  g_assert_false (playtest_export_format_from_path ("notes.txt", &format));
  g_assert_false (playtest_export_format_from_path ("/tmp/json", &format));
  g_assert_false (playtest_export_format_from_path ("dir.md/file", &format));

  g_assert_true (playtest_export_format_from_name ("Markdown", &format));
  g_assert_cmpint (format, ==, PLAYTEST_EXPORT_MARKDOWN);
  g_assert_true (playtest_export_format_from_name ("json", &format));
  g_assert_cmpint (format, ==, PLAYTEST_EXPORT_JSON);
  g_assert_false (playtest_export_format_from_name ("html", &format));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/export/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("json-round-trip", test_json_round_trip);
  ADD ("markdown", test_markdown);
  ADD ("several-sessions", test_several_sessions);
  ADD ("write-async", test_write_async);
  ADD ("unwritable", test_unwritable);
  ADD ("audio-folder-unwritable", test_audio_folder_unwritable);
  ADD ("not-found", test_not_found);
  g_test_add_func ("/export/formats", test_formats);

#undef ADD

  return g_test_run ();
}
