/* playtest-cli-report.c: what `run` writes for CI: JUnit XML, JSON results, transcripts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "playtest-cli-private.h"

/**
 * playtest_cli_run_free:
 * @run: (nullable): a run of `run`
 */
void
playtest_cli_run_free (PlaytestCliRun *run)
{
  if (run == NULL)
    return;

  g_clear_object (&run->script);
  g_clear_object (&run->runner);
  g_clear_error (&run->error);
  g_clear_pointer (&run->started_at, g_date_time_unref);
  g_free (run);
}

/**
 * playtest_cli_run_title:
 * @run: a run of `run`
 *
 * Names the run in reports: the script's file, and which repeat it is when there are
 * several ("smoke.json #2").
 *
 * Returns: (transfer full): the title
 */
char *
playtest_cli_run_title (PlaytestCliRun *run)
{
  const char *name = playtest_script_get_display_name (run->script);

  if (!run->repeating)
    return g_strdup (name);

  return g_strdup_printf ("%s #%u", name, run->repeat);
}

/**
 * playtest_cli_run_name:
 * @run: a run of `run`
 *
 * Names the run for people: the script's own name, and which repeat it is when there are
 * several ("Innkeeper smoke (run 2)"), as in JUnit suites and transcripts.
 *
 * Returns: (transfer full): the name
 */
char *
playtest_cli_run_name (PlaytestCliRun *run)
{
  const char *name = playtest_script_get_name (run->script);

  if (!run->repeating)
    return g_strdup (name);

  /* Translators: a JUnit test suite: the script's name and which of its repeats it is */
  return g_strdup_printf (_("%s (run %u)"), name, run->repeat);
}

static gboolean
write_atomically (const char  *path,
                  const char  *contents,
                  GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) local_error = NULL;

  if (!g_file_replace_contents (file, contents, strlen (contents), NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &local_error))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not write the report “%s”: %s"), display, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* JUnit ------------------------------------------------------------------------------------ */

/* Seconds with a dot whatever the locale: CI tools parse the attribute as a number. */
static const char *
format_seconds (char   buffer[G_ASCII_DTOSTR_BUF_SIZE],
                double seconds)
{
  return g_ascii_formatd (buffer, G_ASCII_DTOSTR_BUF_SIZE, "%.3f", seconds);
}

typedef struct
{
  guint tests;
  guint failures;
  guint errors;
  guint skipped;
} JunitCounts;

static void
count_steps (PlaytestCliRun *run,
             JunitCounts    *counts)
{
  guint n_steps = playtest_script_get_n_steps (run->script);

  counts->tests += n_steps;
  for (guint i = 0; i < n_steps; i++)
    {
      PlaytestStepStatus status = run->runner != NULL
                                    ? playtest_runner_get_result (run->runner, i)->status
                                    : PLAYTEST_STEP_STATUS_SKIPPED;

      counts->failures += status == PLAYTEST_STEP_STATUS_FAILED;
      counts->errors += status == PLAYTEST_STEP_STATUS_ERROR;
      counts->skipped += status == PLAYTEST_STEP_STATUS_SKIPPED
                         || status == PLAYTEST_STEP_STATUS_WAITING;
    }
}

/**
 * playtest_cli_describe_failed_checks:
 * @result: a step's result
 * @separator: what goes between two checks
 *
 * Returns: (transfer full): every check of the step that did not hold, in words
 *   ("emotion: expected “joy”, got “sadness”"), empty when all held
 */
char *
playtest_cli_describe_failed_checks (const PlaytestStepResult *result,
                                     const char               *separator)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < result->checks->len; i++)
    {
      PlaytestCheck *check = g_ptr_array_index (result->checks, i);
      g_autofree char *description = NULL;

      if (check->passed)
        continue;

      description = playtest_check_describe (check);
      if (text->len > 0)
        g_string_append (text, separator);
      g_string_append (text, description);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Every failed check, a line each; all of them also go in the message attribute, which is
 * what most CI pages show. */
static void
append_failure (GString                  *xml,
                const PlaytestStepResult *result)
{
  g_autofree char *message = playtest_cli_describe_failed_checks (result, "; ");
  g_autofree char *body = playtest_cli_describe_failed_checks (result, "\n");
  g_autofree char *escaped_message = g_markup_escape_text (message, -1);
  g_autofree char *escaped_body = g_markup_escape_text (body, -1);

  g_string_append_printf (xml, "      <failure message=\"%s\" type=\"expectation\">%s</failure>\n",
                          escaped_message, escaped_body);
}

static void
append_testcase (GString        *xml,
                 PlaytestCliRun *run,
                 guint           index)
{
  const PlaytestStepResult *result = run->runner != NULL
                                       ? playtest_runner_get_result (run->runner, index) : NULL;
  g_autofree char *description = playtest_script_describe_step (run->script, index);
  g_autofree char *name = g_strdup_printf (_("step %u: %s"), index + 1, description);
  g_autofree char *classname = g_markup_escape_text (playtest_script_get_name (run->script), -1);
  g_autofree char *escaped_name = g_markup_escape_text (name, -1);
  PlaytestStepStatus status = result != NULL ? result->status : PLAYTEST_STEP_STATUS_SKIPPED;
  char seconds[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (xml, "    <testcase name=\"%s\" classname=\"%s\" time=\"%s\">\n",
                          escaped_name, classname,
                          format_seconds (seconds, result != NULL ? result->duration_ms / 1000.0
                                                                  : 0.0));

  if (status == PLAYTEST_STEP_STATUS_FAILED)
    {
      append_failure (xml, result);
    }
  else if (status == PLAYTEST_STEP_STATUS_ERROR)
    {
      g_autofree char *message = g_markup_escape_text (result->error != NULL
                                                         ? result->error->message : "", -1);

      g_string_append_printf (xml, "      <error message=\"%s\" type=\"%s\">%s</error>\n",
                              message,
                              result->error != NULL
                                && result->error->domain == PLAYTEST_CLIENT_ERROR
                                ? playtest_client_error_code_to_string (result->error->code)
                                : "script",
                              message);
    }
  else if (status != PLAYTEST_STEP_STATUS_PASSED)
    {
      g_string_append (xml, "      <skipped/>\n");
    }

  g_string_append (xml, "    </testcase>\n");
}

static void
append_testsuite (GString        *xml,
                  PlaytestCliRun *run)
{
  JunitCounts counts = { 0 };
  g_autofree char *name = playtest_cli_run_name (run);
  g_autofree char *escaped_name = g_markup_escape_text (name, -1);
  g_autofree char *timestamp = run->started_at != NULL
                                 ? g_date_time_format (run->started_at, "%Y-%m-%dT%H:%M:%S")
                                 : NULL;
  char seconds[G_ASCII_DTOSTR_BUF_SIZE];

  count_steps (run, &counts);
  g_string_append_printf (xml, "  <testsuite name=\"%s\" tests=\"%u\" failures=\"%u\" "
                          "errors=\"%u\" skipped=\"%u\" time=\"%s\"",
                          escaped_name, counts.tests, counts.failures, counts.errors,
                          counts.skipped,
                          format_seconds (seconds, run->duration_us / (double) G_USEC_PER_SEC));
  if (timestamp != NULL)
    g_string_append_printf (xml, " timestamp=\"%s\"", timestamp);
  g_string_append (xml, ">\n");

  /* Where to look the conversations up: the app's history, or the transcript. */
  if (run->runner != NULL && playtest_runner_get_conversation_ids (run->runner) != NULL)
    {
      GPtrArray *ids = playtest_runner_get_conversation_ids (run->runner);

      g_string_append (xml, "    <properties>\n");
      for (guint i = 0; i < ids->len; i++)
        g_string_append_printf (xml, "      <property name=\"conversation\" value=\"%s\"/>\n",
                                (const char *) g_ptr_array_index (ids, i));
      g_string_append (xml, "    </properties>\n");
    }

  for (guint i = 0; i < playtest_script_get_n_steps (run->script); i++)
    append_testcase (xml, run, i);

  g_string_append (xml, "  </testsuite>\n");
}

/**
 * playtest_cli_write_junit:
 * @runs: (element-type PlaytestCliRun): the runs, in order
 * @path: the report's file
 * @error: return location for an error
 *
 * Writes a JUnit XML report: a `testsuite` per run, a `testcase` per step; a `failure`
 * names what was expected and what came, an `error` why no answer came, `skipped` the steps
 * never reached.
 *
 * Returns: whether the file was written (atomically)
 */
gboolean
playtest_cli_write_junit (GPtrArray   *runs,
                          const char  *path,
                          GError     **error)
{
  g_autoptr(GString) xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  JunitCounts counts = { 0 };
  gint64 duration_us = 0;
  char seconds[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < runs->len; i++)
    {
      PlaytestCliRun *run = g_ptr_array_index (runs, i);

      count_steps (run, &counts);
      duration_us += run->duration_us;
    }

  g_string_append_printf (xml, "<testsuites name=\"convai-playtest\" tests=\"%u\" "
                          "failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"%s\">\n",
                          counts.tests, counts.failures, counts.errors, counts.skipped,
                          format_seconds (seconds, duration_us / (double) G_USEC_PER_SEC));
  for (guint i = 0; i < runs->len; i++)
    append_testsuite (xml, g_ptr_array_index (runs, i));
  g_string_append (xml, "</testsuites>\n");

  return write_atomically (path, xml->str, error);
}

/* JSON ------------------------------------------------------------------------------------- */

static JsonNode *
run_to_json (PlaytestCliRun *run)
{
  JsonNode *node;
  JsonObject *object;

  if (run->runner != NULL)
    {
      node = playtest_runner_results_to_json (run->runner);
    }
  else
    {
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, json_object_new ());
      json_object_set_string_member (json_node_get_object (node), "script",
                                     playtest_script_get_name (run->script));
      json_object_set_string_member (json_node_get_object (node), "file",
                                     playtest_script_get_display_name (run->script));
    }

  object = json_node_get_object (node);
  json_object_set_int_member (object, "run", run->number);
  json_object_set_int_member (object, "repeat", run->repeat);
  json_object_set_int_member (object, "duration_ms", run->duration_us / 1000);
  if (run->error != NULL)
    json_object_set_string_member (object, "error", run->error->message);
  else
    json_object_set_null_member (object, "error");

  return node;
}

/**
 * playtest_cli_write_results_json:
 * @runs: (element-type PlaytestCliRun): the runs, in order
 * @path: the file
 * @error: return location for an error
 *
 * Writes the results for machines: `runs`, each with its script, conversations, counts and
 * steps (status, checks with expected and actual, error, turn id, what was answered), and
 * the totals.
 *
 * Returns: whether the file was written (atomically)
 */
gboolean
playtest_cli_write_results_json (GPtrArray   *runs,
                                 const char  *path,
                                 GError     **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  JsonArray *array = json_array_new ();
  g_autofree char *text = NULL;
  JunitCounts counts = { 0 };
  gboolean passed = TRUE;

  for (guint i = 0; i < runs->len; i++)
    {
      PlaytestCliRun *run = g_ptr_array_index (runs, i);

      count_steps (run, &counts);
      passed = passed && run->error == NULL && run->runner != NULL
               && playtest_runner_get_passed (run->runner);
      json_array_add_element (array, run_to_json (run));
    }

  json_object_set_boolean_member (object, "passed", passed);
  json_object_set_int_member (object, "steps_total", counts.tests);
  json_object_set_int_member (object, "failed_steps", counts.failures);
  json_object_set_int_member (object, "error_steps", counts.errors);
  json_object_set_int_member (object, "skipped_steps", counts.skipped);
  json_object_set_array_member (object, "runs", array);
  json_node_take_object (root, object);

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);

  return write_atomically (path, text, error);
}

/* Transcripts ------------------------------------------------------------------------------ */

static gboolean
add_run_sessions (GPtrArray       *sessions,
                  GHashTable      *section_names,
                  PlaytestCliRun  *run,
                  PlaytestHistory *history,
                  GError         **error)
{
  GPtrArray *ids = playtest_runner_get_conversation_ids (run->runner);
  GHashTable *names = playtest_runner_get_section_names (run->runner);
  g_autofree char *title = playtest_cli_run_name (run);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      PlaytestExportSession *session;

      session = playtest_export_session_load (history, g_ptr_array_index (ids, i), error);
      if (session == NULL)
        return FALSE;

      g_free (session->title);
      session->title = ids->len > 1
                         /* Translators: a transcript's heading: a run and one of its sessions */
                         ? g_strdup_printf (_("%s, session %u"), title, i + 1)
                         : g_strdup (title);
      g_ptr_array_add (sessions, session);
    }

  if (names == NULL)
    return TRUE;

  g_hash_table_iter_init (&iter, names);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_replace (section_names, g_strdup (key), g_strdup (value));

  return TRUE;
}

/**
 * playtest_cli_write_transcript:
 * @runs: (element-type PlaytestCliRun): the runs, in order
 * @history: the store the runs recorded their conversations in
 * @format: Markdown or JSON
 * @path: the file
 * @error: return location for an error
 *
 * Writes every conversation of every run: each line, reply, emotion, action and section.
 *
 * Returns: whether the file was written
 */
gboolean
playtest_cli_write_transcript (GPtrArray             *runs,
                               PlaytestHistory       *history,
                               PlaytestExportFormat   format,
                               const char            *path,
                               GError               **error)
{
  g_autoptr(GPtrArray) sessions =
    g_ptr_array_new_with_free_func ((GDestroyNotify) playtest_export_session_free);
  g_autoptr(GHashTable) section_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                               g_free);
  g_autoptr(GFile) output = g_file_new_for_path (path);

  for (guint i = 0; i < runs->len; i++)
    {
      PlaytestCliRun *run = g_ptr_array_index (runs, i);

      if (run->runner != NULL
          && !add_run_sessions (sessions, section_names, run, history, error))
        return FALSE;
    }

  return playtest_export_write (sessions, format, section_names, output, error);
}
