/* test-runner.c: playthrough scripts run against the demo backend and against a server of
 * fixed replies, over real HTTP on loopback: pass, fail, new sessions, voice, rate limits,
 * errors, stopping, and the record left in the history store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "demo-test-util.h"
#include "playtest-demo-server.h"
#include "playtest-runner.h"
#include "playtest-wav.h"

#define WAIT_TIMEOUT_S 60

typedef struct
{
  PlaytestDemoServer *demo;
  SoupServer         *fixed;
  GQueue              replies;      /* Reply, what the fixed server answers next */
  GPtrArray          *user_texts;   /* what the fixed server was sent, in order */
  char               *base_url;
  char               *directory;
  PlaytestHistory    *history;
  PlaytestClient     *client;
  PlaytestRunner     *runner;
  GString            *events;
  guint               n_conversations;
  gboolean            cancel_on_start;
  GCancellable       *cancellable;
  GAsyncResult       *result;
} Fixture;

typedef struct
{
  guint  status;
  int    retry_after;
  char  *body;
} Reply;

/* The fixed server ------------------------------------------------------------------------- */

static void
queue_reply (Fixture    *f,
             guint       status,
             int         retry_after,
             const char *body)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->status = status;
  reply->retry_after = retry_after;
  reply->body = g_strdup (body);
  g_queue_push_tail (&f->replies, reply);
}

static void
reply_free (Reply *reply)
{
  g_free (reply->body);
  g_free (reply);
}

static char *
form_value (SoupServerMessage *msg,
            const char        *name)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(SoupMultipart) multipart = soup_multipart_new_from_message (headers, body);

  for (int i = 0; multipart != NULL && i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *part_headers;
      GBytes *part_body;
      g_autoptr(GHashTable) params = NULL;

      soup_multipart_get_part (multipart, i, &part_headers, &part_body);
      soup_message_headers_get_content_disposition (part_headers, NULL, &params);
      if (params != NULL && g_strcmp0 (g_hash_table_lookup (params, "name"), name) == 0)
        return g_strndup (g_bytes_get_data (part_body, NULL), g_bytes_get_size (part_body));
    }

  return NULL;
}

static void
fixed_sections_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  const char *body = "[{\"section_id\": \"sec-quest\", \"section_name\": \"The Quest\"},"
                     " {\"section_id\": \"sec-inn\", \"section_name\": \"The Inn\"}]";

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body,
                                    strlen (body));
}

static void
fixed_response_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  Fixture *f = user_data;
  Reply *reply = g_queue_pop_head (&f->replies);

  g_ptr_array_add (f->user_texts, form_value (msg, "userText"));
  g_assert_nonnull (reply);

  soup_server_message_set_status (msg, reply->status, NULL);
  if (reply->retry_after >= 0)
    {
      g_autofree char *value = g_strdup_printf ("%d", reply->retry_after);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", value);
    }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, reply->body,
                                    strlen (reply->body));
  reply_free (reply);
}

/* Fixture ---------------------------------------------------------------------------------- */

static void
step_started_cb (PlaytestRunner *runner,
                 guint           index,
                 Fixture        *f)
{
  const PlaytestStepResult *result = playtest_runner_get_result (runner, index);

  g_assert_cmpint (result->status, ==, PLAYTEST_STEP_STATUS_RUNNING);
  g_assert_true (playtest_runner_get_running (runner));
  g_string_append_printf (f->events, "started %u;", index + 1);

  if (f->cancel_on_start)
    g_cancellable_cancel (f->cancellable);
}

static void
step_finished_cb (PlaytestRunner *runner,
                  guint           index,
                  Fixture        *f)
{
  const PlaytestStepResult *result = playtest_runner_get_result (runner, index);

  g_string_append_printf (f->events, "%s %u;", playtest_step_status_to_string (result->status),
                          index + 1);
}

static void
rate_limited_cb (PlaytestRunner *runner,
                 guint           index,
                 guint           seconds,
                 Fixture        *f)
{
  g_string_append_printf (f->events, "rate-limited %u %us;", index + 1, seconds);
}

static void
conversation_cb (PlaytestRunner *runner,
                 GParamSpec     *pspec,
                 Fixture        *f)
{
  g_assert_nonnull (playtest_runner_get_conversation (runner));
  f->n_conversations++;
}

static void
set_up_common (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_queue_init (&f->replies);
  f->user_texts = g_ptr_array_new_with_free_func (g_free);
  f->events = g_string_new (NULL);
  f->cancellable = g_cancellable_new ();
  f->directory = g_dir_make_tmp ("test-runner-XXXXXX", &error);
  g_assert_no_error (error);
  f->history = playtest_history_new (f->directory, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up_demo (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  set_up_common (f);
  f->demo = playtest_demo_server_new ();
  playtest_demo_server_listen (f->demo, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  f->base_url = playtest_demo_server_dup_base_url (f->demo);
  f->client = playtest_client_new (f->base_url, NULL);
}

static void
fixture_set_up_fixed (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  set_up_common (f);
  f->fixed = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->fixed, "/character/getResponse", fixed_response_cb, f, NULL);
  soup_server_add_handler (f->fixed, "/character/narrative/list-sections", fixed_sections_cb,
                           f, NULL);
  soup_server_listen_local (f->fixed, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->fixed);
  f->base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  f->client = playtest_client_new (f->base_url, "fixed-key");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_true (g_queue_is_empty (&f->replies));
  g_clear_object (&f->result);
  if (f->runner != NULL)
    g_assert_finalize_object (f->runner);
  g_assert_finalize_object (f->client);
  g_clear_object (&f->cancellable);
  g_assert_finalize_object (f->history);
  if (f->demo != NULL)
    g_assert_finalize_object (f->demo);
  if (f->fixed != NULL)
    g_assert_finalize_object (f->fixed);
  g_ptr_array_unref (f->user_texts);
  g_string_free (f->events, TRUE);
  g_free (f->base_url);
  demo_test_remove_tree (f->directory);
  g_free (f->directory);
}

/* Running ---------------------------------------------------------------------------------- */

static PlaytestScript *
parse_script (Fixture    *f,
              const char *json)
{
  g_autoptr(GFile) folder = g_file_new_for_path (f->directory);
  g_autoptr(GError) error = NULL;
  PlaytestScript *script;

  script = playtest_script_new_from_data (json, -1, folder, "smoke.json", &error);
  g_assert_no_error (error);

  return script;
}

static void
make_runner (Fixture         *f,
             const char      *json,
             PlaytestHistory *history)
{
  g_autoptr(PlaytestScript) script = parse_script (f, json);

  f->runner = playtest_runner_new (f->client, history, script);
  g_object_set (f->runner, "backoff-base-ms", 5, NULL);
  g_signal_connect (f->runner, "step-started", G_CALLBACK (step_started_cb), f);
  g_signal_connect (f->runner, "step-finished", G_CALLBACK (step_finished_cb), f);
  g_signal_connect (f->runner, "rate-limited", G_CALLBACK (rate_limited_cb), f);
  g_signal_connect (f->runner, "notify::conversation", G_CALLBACK (conversation_cb), f);
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Fixture *f = user_data;

  g_assert_false (playtest_runner_get_running (PLAYTEST_RUNNER (source)));
  g_set_object (&f->result, result);
}

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the script to its end; returns what run_finish() says. */
static gboolean
run (Fixture  *f,
     GError  **error)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (WAIT_TIMEOUT_S, timed_out_cb, &timed_out);

  playtest_runner_run_async (f->runner, f->cancellable, run_done_cb, f);

  while (f->result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (timed_out);
  g_source_remove (id);

  return playtest_runner_run_finish (f->runner, f->result, error);
}

static const PlaytestCheck *
find_check (const PlaytestStepResult *result,
            const char               *key)
{
  for (guint i = 0; i < result->checks->len; i++)
    {
      const PlaytestCheck *check = g_ptr_array_index (result->checks, i);

      if (g_str_equal (check->key, key))
        return check;
    }

  g_error ("no check of “%s”", key);
}

static void
assert_check (const PlaytestStepResult *result,
              const char               *key,
              gboolean                  passed,
              const char               *expected,
              const char               *actual)
{
  const PlaytestCheck *check = find_check (result, key);

  g_assert_cmpint (check->passed, ==, passed);
  if (expected != NULL)
    g_assert_cmpstr (check->expected, ==, expected);
  if (actual != NULL)
    g_assert_cmpstr (check->actual, ==, actual);
}

/* The run as the history store kept it, beside @conversation_id. */
static PlaytestScriptRun *
stored_run (Fixture    *f,
            const char *conversation_id)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  runs = playtest_history_list_script_runs (f->history, conversation_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);

  return g_ptr_array_steal_index (runs, 0);
}

static JsonObject *
stored_step (JsonNode *root,
             guint     index)
{
  JsonArray *steps = json_object_get_array_member (json_node_get_object (root), "steps");

  return json_array_get_object_element (steps, index);
}

/* The demo backend ------------------------------------------------------------------------- */

static void
test_demo_pass (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(PlaytestScriptRun) stored = NULL;
  g_autoptr(GPtrArray) turns = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  const PlaytestStepResult *first, *second;
  GPtrArray *ids;

  make_runner (f, "{\"name\": \"Innkeeper smoke\", \"character\": \"demo-mira\", \"steps\": ["
                  " {\"say\": \"Hello there!\", \"expect\": {\"text_contains\": \"TRAVELLER\","
                  "   \"emotion\": \"joy\", \"section\": \"Arrival\"}},"
                  " {\"say\": \"What is wrong? Is it the ring?\", \"expect\": {"
                  "   \"section\": \"The Lost Ring\", \"section_changed\": true,"
                  "   \"actions_include\": [\"Sigh\"], \"emotion\": \"sadness\"}}]}",
               f->history);

  g_assert_true (run (f, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (f->events->str, ==, "started 1;passed 1;started 2;passed 2;");
  g_assert_true (playtest_runner_get_passed (f->runner));
  g_assert_cmpuint (playtest_runner_get_n_passed (f->runner), ==, 2);
  g_assert_cmpuint (playtest_runner_get_n_failed (f->runner), ==, 0);
  g_assert_cmpuint (f->n_conversations, ==, 1);

  first = playtest_runner_get_result (f->runner, 0);
  second = playtest_runner_get_result (f->runner, 1);
  g_assert_cmpstr (playtest_turn_get_reply_text (first->turn), ==, DEMO_TEST_MIRA_GREETING);
  assert_check (first, "section", TRUE, NULL, NULL);
  assert_check (second, "section_changed", TRUE, NULL, NULL);
  g_assert_cmpstr (playtest_turn_get_session_id (first->turn), ==,
                   playtest_turn_get_session_id (second->turn));
  g_assert_null (first->error);

  /* Recorded like manual turns, in one conversation. */
  ids = playtest_runner_get_conversation_ids (f->runner);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpstr (first->conversation_id, ==, g_ptr_array_index (ids, 0));
  turns = playtest_history_load_turns (f->history, g_ptr_array_index (ids, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (turns->len, ==, 2);
  g_assert_cmpint (playtest_turn_get_id (first->turn), ==,
                   playtest_turn_get_id (g_ptr_array_index (turns, 0)));

  /* And the run beside them. */
  stored = stored_run (f, g_ptr_array_index (ids, 0));
  g_assert_cmpstr (stored->script_name, ==, "Innkeeper smoke");
  g_assert_cmpuint (stored->n_steps, ==, 2);
  g_assert_cmpuint (stored->n_passed, ==, 2);
  g_assert_cmpuint (stored->n_failed + stored->n_errors + stored->n_skipped, ==, 0);
  root = json_from_string (stored->results_json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (stored_step (root, 1), "status"), ==, "passed");
  g_assert_cmpint (json_object_get_int_member (stored_step (root, 0), "turn_id"), ==,
                   playtest_turn_get_id (first->turn));
}

static void
test_demo_fail (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(PlaytestScriptRun) stored = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  const PlaytestStepResult *result;
  JsonArray *checks;
  JsonObject *check;

  make_runner (f, "{\"name\": \"Mood\", \"character\": \"demo-mira\", \"steps\": ["
                  " {\"say\": \"Hello there!\", \"expect\": {\"emotion\": \"sadness\","
                  "   \"text_contains\": \"Gilded Goose\"}},"
                  " {\"say\": \"Can I get a drink?\"}]}",
               f->history);

  /* Every step ran: a failed expectation is not an error. */
  g_assert_true (run (f, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->events->str, ==, "started 1;failed 1;started 2;passed 2;");
  g_assert_false (playtest_runner_get_passed (f->runner));
  g_assert_cmpuint (playtest_runner_get_n_failed (f->runner), ==, 1);

  result = playtest_runner_get_result (f->runner, 0);
  g_assert_cmpint (result->status, ==, PLAYTEST_STEP_STATUS_FAILED);
  assert_check (result, "emotion", FALSE, "“sadness”", "“joy”");
  assert_check (result, "text_contains", TRUE, NULL, NULL);

  stored = stored_run (f, result->conversation_id);
  g_assert_cmpuint (stored->n_failed, ==, 1);
  g_assert_cmpuint (stored->n_passed, ==, 1);
  root = json_from_string (stored->results_json, &error);
  g_assert_no_error (error);
  checks = json_object_get_array_member (stored_step (root, 0), "checks");
  g_assert_cmpuint (json_array_get_length (checks), ==, 2);
  check = json_array_get_object_element (checks, 0);
  if (!g_str_equal (json_object_get_string_member (check, "key"), "emotion"))
    check = json_array_get_object_element (checks, 1);
  g_assert_cmpstr (json_object_get_string_member (check, "key"), ==, "emotion");
  g_assert_false (json_object_get_boolean_member (check, "passed"));
  g_assert_cmpstr (json_object_get_string_member (check, "expected"), ==, "“sadness”");
  g_assert_cmpstr (json_object_get_string_member (check, "actual"), ==, "“joy”");
}

static void
test_demo_new_session (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(PlaytestScriptRun) stored = NULL;
  g_autoptr(GError) error = NULL;
  const PlaytestStepResult *first, *third;
  GPtrArray *ids;

  make_runner (f, "{\"name\": \"Twice\", \"character\": \"demo-mira\", \"steps\": ["
                  " {\"say\": \"Hello there!\", \"expect\": {\"text_contains\": \"Welcome\"}},"
                  " {\"new_session\": true},"
                  " {\"say\": \"Hello there!\", \"expect\": {\"text_contains\": \"Welcome\"}}]}",
               f->history);

  g_assert_true (run (f, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->events->str, ==,
                   "started 1;passed 1;started 2;passed 2;started 3;passed 3;");

  /* A fresh session and a fresh conversation in the history: the greeting comes again. */
  g_assert_cmpuint (f->n_conversations, ==, 2);
  ids = playtest_runner_get_conversation_ids (f->runner);
  g_assert_cmpuint (ids->len, ==, 2);
  first = playtest_runner_get_result (f->runner, 0);
  third = playtest_runner_get_result (f->runner, 2);
  g_assert_cmpstr (first->conversation_id, ==, g_ptr_array_index (ids, 0));
  g_assert_cmpstr (third->conversation_id, ==, g_ptr_array_index (ids, 1));
  g_assert_cmpstr (playtest_turn_get_session_id (first->turn), !=,
                   playtest_turn_get_session_id (third->turn));
  g_assert_cmpstr (playtest_turn_get_reply_text (third->turn), ==, DEMO_TEST_MIRA_GREETING);
  g_assert_cmpstr (playtest_conversation_get_id (playtest_runner_get_conversation (f->runner)),
                   ==, g_ptr_array_index (ids, 1));

  /* The run is found from either session. */
  stored = stored_run (f, g_ptr_array_index (ids, 1));
  g_assert_cmpuint (g_strv_length (stored->conversation_ids), ==, 2);
  g_assert_cmpstr (stored->conversation_ids[0], ==, g_ptr_array_index (ids, 0));
  g_clear_pointer (&stored, playtest_script_run_free);
  stored = stored_run (f, g_ptr_array_index (ids, 0));
  g_assert_cmpstr (stored->script_name, ==, "Twice");
}

static void
write_file (Fixture    *f,
            const char *name,
            GBytes     *contents)
{
  g_autofree char *path = g_build_filename (f->directory, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (contents, NULL), g_bytes_get_size (contents),
                       &error);
  g_assert_no_error (error);
}

static void
test_demo_voice (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GBytes) wav = demo_test_make_wav (16000, 1, 1.5);
  g_autoptr(GError) error = NULL;
  const PlaytestStepResult *result;

  write_file (f, "greeting.wav", wav);
  make_runner (f, "{\"name\": \"Voice\", \"character\": \"demo-mira\", \"voice\": true,"
                  " \"steps\": [{\"audio\": \"greeting.wav\", \"expect\": {"
                  "   \"user_query_contains\": \"voice message, 1.5\", \"has_audio\": true}}]}",
               f->history);

  g_assert_true (run (f, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->events->str, ==, "started 1;passed 1;");
  result = playtest_runner_get_result (f->runner, 0);
  g_assert_true (playtest_turn_is_voice (result->turn));
  assert_check (result, "user_query_contains", TRUE, NULL, "“(voice message, 1.5 s)”");
  assert_check (result, "has_audio", TRUE, NULL, NULL);
}

/* A recording that cannot be sent is the script's fault, found before anything goes out. */
static void
test_demo_bad_recording (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GBytes) junk = g_bytes_new_static ("not a recording at all, just text\n", 34);
  g_autoptr(GPtrArray) conversations = NULL;
  g_autoptr(GError) error = NULL;
  const PlaytestStepResult *result;

  write_file (f, "broken.wav", junk);
  make_runner (f, "{\"name\": \"Bad audio\", \"character\": \"demo-mira\", \"steps\": ["
                  " {\"say\": \"Hello there!\"},"
                  " {\"audio\": \"broken.wav\"},"
                  " {\"say\": \"Bye\"}]}",
               f->history);

  g_assert_false (run (f, &error));
  g_assert_error (error, PLAYTEST_SCRIPT_ERROR, PLAYTEST_SCRIPT_ERROR_READ);
  g_assert_nonnull (strstr (error->message, "smoke.json: step 2"));
  g_assert_nonnull (strstr (error->message, "broken.wav"));
  g_assert_cmpstr (f->events->str, ==, "error 2;skipped 1;skipped 3;");
  result = playtest_runner_get_result (f->runner, 1);
  g_assert_cmpint (result->status, ==, PLAYTEST_STEP_STATUS_ERROR);

  /* Nothing was sent, nothing recorded. */
  g_assert_null (playtest_runner_get_result (f->runner, 0)->turn);
  g_assert_cmpuint (playtest_runner_get_conversation_ids (f->runner)->len, ==, 0);
  g_clear_error (&error);
  conversations = playtest_history_list_conversations (f->history, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conversations->len, ==, 0);
}

static void
test_demo_no_character (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  make_runner (f, "{\"name\": \"Anyone\", \"steps\": [{\"say\": \"Hello there!\"}]}", NULL);
  g_assert_null (playtest_runner_get_character_id (f->runner));

  g_assert_false (run (f, &error));
  g_assert_error (error, PLAYTEST_SCRIPT_ERROR, PLAYTEST_SCRIPT_ERROR_MISSING_KEY);
  g_assert_nonnull (strstr (error->message, "smoke.json"));
  g_assert_cmpstr (f->events->str, ==, "skipped 1;");
  g_clear_error (&error);
  g_clear_object (&f->result);
  g_string_truncate (f->events, 0);

  /* Given a character to talk to (`run --character`), the same script runs. */
  playtest_runner_set_character_id (f->runner, "demo-mira");
  g_assert_cmpstr (playtest_runner_get_character_id (f->runner), ==, "demo-mira");
  g_assert_true (run (f, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->events->str, ==, "started 1;passed 1;");
}

/* The demo answers 429 every time: the runner waits as told, counts, and gives up. */
static void
test_demo_rate_limit_gives_up (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const PlaytestStepResult *result;

  make_runner (f, "{\"name\": \"Busy\", \"character\": \"demo-mira\", \"steps\": ["
                  " {\"say\": \"Hello [demo:fail=429]\"},"
                  " {\"say\": \"Hello there!\"}]}",
               f->history);
  playtest_runner_set_max_rate_limit_waits (f->runner, 3);

  g_assert_false (run (f, &error));
  g_assert_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_RATE_LIMITED);

  /* No Retry-After: 5, 10, 20 ms, each shown as (at least) a second. */
  g_assert_cmpstr (f->events->str, ==,
                   "started 1;rate-limited 1 1s;rate-limited 1 1s;rate-limited 1 1s;"
                   "error 1;skipped 2;");
  result = playtest_runner_get_result (f->runner, 0);
  g_assert_cmpuint (result->n_rate_limited, ==, 3);
  g_assert_cmpuint (playtest_runner_get_n_rate_limited (f->runner), ==, 3);
  g_assert_error (result->error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_RATE_LIMITED);
  g_assert_null (playtest_runner_get_result (f->runner, 1)->turn);
}

/* Retry-After is obeyed to the second. */
static void
test_demo_rate_limit_retry_after (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  make_runner (f, "{\"name\": \"Busy\", \"character\": \"demo-mira\", \"steps\": ["
                  " {\"say\": \"Hello [demo:fail=429,retry-after=1]\"}]}",
               NULL);
  playtest_runner_set_max_rate_limit_waits (f->runner, 1);

  g_assert_false (run (f, &error));
  g_assert_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_RATE_LIMITED);
  g_assert_cmpstr (f->events->str, ==, "started 1;rate-limited 1 1s;error 1;");
  /* Not a timing assertion: the wait is a floor, whatever the machine's speed. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC);
}

static void
test_demo_server_error (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(PlaytestScriptRun) stored = NULL;
  g_autoptr(GError) error = NULL;

  make_runner (f, "{\"name\": \"Broken\", \"character\": \"demo-mira\", \"steps\": ["
                  " {\"say\": \"Hello there!\"},"
                  " {\"say\": \"Hello [demo:fail=500]\"},"
                  " {\"new_session\": true},"
                  " {\"say\": \"Hello there!\"}]}",
               f->history);

  g_assert_false (run (f, &error));
  g_assert_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_SERVER);
  g_assert_cmpstr (f->events->str, ==,
                   "started 1;passed 1;started 2;error 2;skipped 3;skipped 4;");
  g_assert_cmpuint (f->n_conversations, ==, 1);

  /* The failed turn is in the history, as a failed manual turn would be; so is the run. */
  g_assert_cmpint (playtest_turn_get_id (playtest_runner_get_result (f->runner, 1)->turn), >, 0);
  stored = stored_run (f, playtest_runner_get_result (f->runner, 0)->conversation_id);
  g_assert_cmpuint (stored->n_errors, ==, 1);
  g_assert_cmpuint (stored->n_skipped, ==, 2);
}

static void
test_network_failure (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* Nobody listens there any more. */
  playtest_demo_server_disconnect (f->demo);

  make_runner (f, "{\"name\": \"Offline\", \"character\": \"demo-mira\", \"steps\": ["
                  " {\"say\": \"Hello there!\"}, {\"say\": \"Anyone?\"}]}",
               NULL);

  g_assert_false (run (f, &error));
  g_assert_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_NETWORK);
  g_assert_cmpstr (f->events->str, ==, "started 1;error 1;skipped 2;");
  g_assert_error (playtest_runner_get_result (f->runner, 0)->error, PLAYTEST_CLIENT_ERROR,
                  PLAYTEST_CLIENT_ERROR_NETWORK);
}

/* Stopping is at once, even while the character takes its time. */
static void
test_demo_cancel (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(PlaytestConversation) conversation = NULL;
  g_autoptr(GError) error = NULL;
  PlaytestTurn *turn;

  make_runner (f, "{\"name\": \"Slow\", \"character\": \"demo-mira\", \"steps\": ["
                  " {\"say\": \"Hello [demo:delay=30000]\"},"
                  " {\"say\": \"Hello there!\"}]}",
               f->history);
  f->cancel_on_start = TRUE;

  g_assert_false (run (f, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (f->events->str, ==, "started 1;skipped 1;skipped 2;");
  g_assert_false (playtest_runner_get_passed (f->runner));

  /* The turn on its way was cancelled too: the conversation lets go of it soon after. */
  conversation = g_object_ref (playtest_runner_get_conversation (f->runner));
  while (playtest_conversation_get_busy (conversation))
    g_main_context_iteration (NULL, TRUE);
  turn = playtest_conversation_get_last_turn (conversation);
  g_assert_error (playtest_turn_get_error (turn), PLAYTEST_CLIENT_ERROR,
                  PLAYTEST_CLIENT_ERROR_CANCELLED);
  /* Its save is the last thing on its way. */
  while (playtest_turn_get_id (turn) <= 0)
    g_main_context_iteration (NULL, TRUE);
}

/* Fixed replies ---------------------------------------------------------------------------- */

#define FIXED_REPLY \
  "{\"charID\": \"char-fixed\", \"sessionID\": \"s-1\", \"text\": \"Good evening, friend.\"," \
  " \"emotion\": \"sadness\", \"action\": \"Wave\", \"actionSequence\": \"Wave\\nBow\"," \
  " \"narrativeSectionId\": \"sec-quest\"}"

static void
test_fixed_expectations (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const PlaytestStepResult *result;

  queue_reply (f, 200, -1, FIXED_REPLY);
  make_runner (f, "{\"name\": \"Exact\", \"character\": \"char-fixed\", \"steps\": ["
                  " {\"say\": \"Good evening\", \"expect\": {"
                  "   \"text_contains\": \"EVENING\", \"text_not_contains\": \"goodbye\","
                  "   \"text_matches\": \"^Good \\\\w+,\", \"emotion\": \"joy\","
                  "   \"emotion_in\": [\"sadness\", \"fear\"], \"action\": \"Wave\","
                  "   \"actions_include\": [\"Bow\"], \"section\": \"The Quest\"}}]}",
               NULL);

  g_assert_true (run (f, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->events->str, ==, "started 1;failed 1;");
  g_assert_cmpstr (g_ptr_array_index (f->user_texts, 0), ==, "Good evening");

  /* Every key of the step, in the script's order, the one that broke in words. */
  result = playtest_runner_get_result (f->runner, 0);
  g_assert_cmpuint (result->checks->len, ==, 8);
  assert_check (result, "text_contains", TRUE, NULL, NULL);
  assert_check (result, "text_not_contains", TRUE, NULL, NULL);
  assert_check (result, "text_matches", TRUE, NULL, NULL);
  assert_check (result, "emotion", FALSE, "“joy”", "“sadness”");
  assert_check (result, "emotion_in", TRUE, NULL, NULL);
  assert_check (result, "action", TRUE, NULL, NULL);
  assert_check (result, "actions_include", TRUE, NULL, NULL);
  assert_check (result, "section", TRUE, NULL, NULL);
  g_assert_cmpstr (g_hash_table_lookup (playtest_runner_get_section_names (f->runner),
                                        "sec-quest"), ==, "The Quest");
}

/* The service says "wait 1 s" once, then answers: the step passes, the wait counted. */
static void
test_fixed_rate_limit_waited_out (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const PlaytestStepResult *result;

  queue_reply (f, 429, 1, "{\"ERROR\": \"Rate limit exceeded\"}");
  queue_reply (f, 429, -1, "{\"ERROR\": \"Rate limit exceeded\"}");
  queue_reply (f, 200, -1, FIXED_REPLY);
  make_runner (f, "{\"name\": \"Patient\", \"character\": \"char-fixed\", \"steps\": ["
                  " {\"say\": \"Good evening\", \"expect\": {\"emotion\": \"sadness\"}}]}",
               f->history);

  g_assert_true (run (f, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->events->str, ==,
                   "started 1;rate-limited 1 1s;rate-limited 1 1s;passed 1;");
  g_assert_cmpuint (f->user_texts->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (f->user_texts, 2), ==, "Good evening");

  result = playtest_runner_get_result (f->runner, 0);
  g_assert_cmpuint (result->n_rate_limited, ==, 2);
  g_assert_cmpuint (playtest_runner_get_n_rate_limited (f->runner), ==, 2);
  g_assert_true (playtest_runner_get_passed (f->runner));
  g_assert_cmpint (playtest_turn_get_state (result->turn), ==, PLAYTEST_TURN_COMPLETE);
  /* Retried in place: one turn in the conversation, not three. */
  g_assert_cmpuint (g_list_model_get_n_items (
                      G_LIST_MODEL (playtest_runner_get_conversation (f->runner))), ==, 1);
}

static void
test_fixed_key_rejected (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  queue_reply (f, 401, -1, "{\"ERROR\": \"Invalid API key provided.\"}");
  make_runner (f, "{\"name\": \"Key\", \"character\": \"char-fixed\", \"steps\": ["
                  " {\"say\": \"Good evening\"}, {\"say\": \"Still there?\"}]}",
               NULL);

  g_assert_false (run (f, &error));
  g_assert_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_BAD_KEY);
  g_assert_cmpstr (f->events->str, ==, "started 1;error 1;skipped 2;");
  g_assert_cmpuint (f->user_texts->len, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD_DEMO(path, func) \
  g_test_add ("/runner/demo/" path, Fixture, NULL, fixture_set_up_demo, func, fixture_tear_down)
#define ADD_FIXED(path, func) \
  g_test_add ("/runner/fixed/" path, Fixture, NULL, fixture_set_up_fixed, func, \
              fixture_tear_down)

  ADD_DEMO ("pass", test_demo_pass);
  ADD_DEMO ("fail", test_demo_fail);
  ADD_DEMO ("new-session", test_demo_new_session);
  ADD_DEMO ("voice", test_demo_voice);
  ADD_DEMO ("bad-recording", test_demo_bad_recording);
  ADD_DEMO ("no-character", test_demo_no_character);
  ADD_DEMO ("rate-limit-gives-up", test_demo_rate_limit_gives_up);
  ADD_DEMO ("rate-limit-retry-after", test_demo_rate_limit_retry_after);
  ADD_DEMO ("server-error", test_demo_server_error);
  ADD_DEMO ("network-failure", test_network_failure);
  ADD_DEMO ("cancel", test_demo_cancel);
  ADD_FIXED ("expectations", test_fixed_expectations);
  ADD_FIXED ("rate-limit-waited-out", test_fixed_rate_limit_waited_out);
  ADD_FIXED ("key-rejected", test_fixed_key_rejected);

#undef ADD_DEMO
#undef ADD_FIXED

  return g_test_run ();
}
