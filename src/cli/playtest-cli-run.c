/* playtest-cli-run.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "playtest-audio-convert.h"
#include "playtest-cli-private.h"
#include "playtest-export.h"

#define MAX_JOBS    64
#define MAX_REPEAT  1000

/* `run` parses every script before anything is sent, then runs them (each repeat its own
 * run, in its own session) with up to --jobs runners at once, all on the one main loop. */

typedef struct
{
  PlaytestCliCommon common;
  char      *character;
  char      *junit;
  char      *json;
  char      *transcript;
  char      *history;
  int        jobs;
  int        repeat;
  char      *shard;
  char     **remaining;

  /* Worked out from the options. */
  guint                shard_index;   /* from 0 */
  guint                n_shards;
  PlaytestExportFormat transcript_format;
} RunOptions;

typedef struct
{
  RunOptions       *options;
  GPtrArray        *clients;        /* PlaytestClient, one per job */
  GQueue            idle_clients;   /* those no run uses now */
  PlaytestHistory  *history;
  GPtrArray        *runs;           /* PlaytestCliRun, in order */
  GMainLoop        *loop;
  GCancellable     *cancellable;
  guint             next;           /* the next run to start */
  guint             n_running;
  guint             n_done;
  gboolean          interrupted;
  gboolean          progress;       /* a live line on a terminal, else plain lines */
  gboolean          repeating;
  gboolean          progress_shown;
} RunState;

static void
run_options_clear (RunOptions *options)
{
  playtest_cli_common_clear (&options->common);
  g_clear_pointer (&options->character, g_free);
  g_clear_pointer (&options->junit, g_free);
  g_clear_pointer (&options->json, g_free);
  g_clear_pointer (&options->transcript, g_free);
  g_clear_pointer (&options->history, g_free);
  g_clear_pointer (&options->shard, g_free);
  g_clear_pointer (&options->remaining, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RunOptions, run_options_clear)

static void
run_state_clear (RunState *state)
{
  g_queue_clear (&state->idle_clients);
  g_clear_pointer (&state->clients, g_ptr_array_unref);
  g_clear_object (&state->history);
  g_clear_pointer (&state->runs, g_ptr_array_unref);
  g_clear_pointer (&state->loop, g_main_loop_unref);
  g_clear_object (&state->cancellable);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RunState, run_state_clear)

static GOptionContext *
run_context_new (RunOptions *options)
{
  GOptionContext *context;
  const GOptionEntry entries[] = {
    { "character", 'c', 0, G_OPTION_ARG_STRING, &options->character,
      N_("Talk to this character instead of the one each script names"), N_("ID") },
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &options->junit,
      N_("Write a JUnit XML report: a test suite per script run, a test case per step"),
      N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &options->json,
      N_("Write every run's results as JSON: steps, checks, conversations, counts"), N_("FILE") },
    { "transcript", 0, 0, G_OPTION_ARG_FILENAME, &options->transcript,
      N_("Write every conversation of the runs, as Markdown (.md) or JSON (.json)"),
      N_("FILE") },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &options->jobs,
      N_("Run up to N scripts at once, each in its own session (default: 1)"), N_("N") },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &options->repeat,
      N_("Run each script N times (default: 1)"), N_("N") },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &options->shard,
      N_("Run only shard I of N: the scripts whose position among the SCRIPT arguments, "
         "counted from 0, leaves I - 1 when divided by N"), N_("I/N") },
    { "history", 0, 0, G_OPTION_ARG_FILENAME, &options->history,
      N_("Record the conversations and results in the history store in DIR (default: the "
         "app's, where the app shows them)"), N_("DIR") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options->remaining, NULL,
      N_("SCRIPT…") },
    { NULL }
  };

  context = playtest_cli_context_new ("run", NULL,
                                      _("Run playthrough scripts: send each step, check what "
                                        "the character answers against the script's "
                                        "expectations."),
                                      _("Prints a line per step (PASS, FAIL with what was "
                                        "expected and what came instead, ERROR, SKIP) and a "
                                        "summary; on a terminal, a progress line instead of the "
                                        "passing steps. A rate limit (HTTP 429) is waited out "
                                        "as the service asks, and counted.\n\n"
                                        "Exit status: 0 every expectation held; 1 an "
                                        "expectation failed; 2 a script or usage error (nothing "
                                        "is sent then); 3 a network or service failure (also "
                                        "when expectations failed too); 130 interrupted."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  playtest_cli_add_service_options (context, &options->common);

  return context;
}

/* Options ---------------------------------------------------------------------------------- */

static gboolean check_report_folders (RunOptions *options,
                                      int        *exit_status);

static gboolean
parse_shard (RunOptions *options,
             int        *exit_status)
{
  g_auto(GStrv) parts = NULL;
  guint64 index, count;

  options->shard_index = 0;
  options->n_shards = 1;
  if (options->shard == NULL)
    return TRUE;

  parts = g_strsplit (options->shard, "/", -1);
  if (g_strv_length (parts) != 2
      || !g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXUINT, &count, NULL)
      || !g_ascii_string_to_unsigned (parts[0], 10, 1, count, &index, NULL))
    {
      *exit_status = playtest_cli_usage_error ("run",
                                               _("--shard needs I/N with 1 ≤ I ≤ N, such as "
                                                 "“2/3”, not “%s”"), options->shard);
      return FALSE;
    }

  options->shard_index = index - 1;
  options->n_shards = count;
  return TRUE;
}

static gboolean
run_check_options (RunOptions *options,
                   int        *exit_status)
{
  if (options->remaining == NULL || options->remaining[0] == NULL)
    {
      *exit_status = playtest_cli_usage_error ("run", _("Which scripts? Give one or more "
                                                        "SCRIPT files"));
      return FALSE;
    }

  if (options->jobs == 0)
    options->jobs = 1;
  if (options->jobs < 1 || options->jobs > MAX_JOBS)
    {
      *exit_status = playtest_cli_usage_error ("run", _("--jobs needs a number from 1 to %d"),
                                               MAX_JOBS);
      return FALSE;
    }

  if (options->repeat == 0)
    options->repeat = 1;
  if (options->repeat < 1 || options->repeat > MAX_REPEAT)
    {
      *exit_status = playtest_cli_usage_error ("run", _("--repeat needs a number from 1 to %d"),
                                               MAX_REPEAT);
      return FALSE;
    }

  if (options->transcript != NULL
      && !playtest_export_format_from_path (options->transcript, &options->transcript_format))
    {
      g_autofree char *display = g_filename_display_name (options->transcript);

      *exit_status = playtest_cli_usage_error ("run", _("--transcript: “%s” must end in .md "
                                                        "(Markdown) or .json"), display);
      return FALSE;
    }

  return parse_shard (options, exit_status) && check_report_folders (options, exit_status);
}

/* Every script, parsed before anything is sent: one broken script stops the whole run. The
 * shard is taken after, so that every shard finds a broken script. */
static GPtrArray *
load_scripts (RunOptions *options,
              int        *exit_status)
{
  g_autoptr(GPtrArray) scripts = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean ok = TRUE;

  for (guint i = 0; options->remaining[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (options->remaining[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(PlaytestScript) script = playtest_script_new_from_file (file, &error);

      if (script == NULL)
        {
          g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, error->message);
          ok = FALSE;
          continue;
        }

      if (options->character == NULL && playtest_script_get_character_id (script) == NULL)
        {
          g_printerr (_("%s: %s: no character to talk to: give “character” in the script, or "
                        "--character ID\n"), PLAYTEST_CLI_NAME,
                      playtest_script_get_display_name (script));
          ok = FALSE;
          continue;
        }

      if (i % options->n_shards == options->shard_index)
        g_ptr_array_add (scripts, g_steal_pointer (&script));
    }

  if (!ok)
    {
      *exit_status = PLAYTEST_CLI_EXIT_USAGE;
      return NULL;
    }

  return g_steal_pointer (&scripts);
}

/* Output ----------------------------------------------------------------------------------- */

static void
clear_progress (RunState *state)
{
  if (!state->progress_shown)
    return;

  /* Back to the start of the line, and wipe it. */
  fputs ("\r\033[K", stdout);
  state->progress_shown = FALSE;
}

static void
show_progress (RunState       *state,
               PlaytestCliRun *run,
               const char     *what)
{
  g_autofree char *title = playtest_cli_run_name (run);

  if (!state->progress)
    return;

  clear_progress (state);
  g_print ("[%u/%u] %s · %s", MIN (state->n_done + 1, state->runs->len), state->runs->len,
           title, what);
  fflush (stdout);
  state->progress_shown = TRUE;
}

/* A line that stays: plain output, and failures on a terminal. */
static void
print_line (RunState   *state,
            const char *line)
{
  clear_progress (state);
  g_print ("%s\n", line);
  fflush (stdout);
}

static const char *
status_word (PlaytestStepStatus status)
{
  switch (status)
    {
    case PLAYTEST_STEP_STATUS_PASSED:  return "PASS";
    case PLAYTEST_STEP_STATUS_FAILED:  return "FAIL";
    case PLAYTEST_STEP_STATUS_ERROR:   return "ERROR";
    case PLAYTEST_STEP_STATUS_SKIPPED: return "SKIP";
    case PLAYTEST_STEP_STATUS_WAITING:
    case PLAYTEST_STEP_STATUS_RUNNING:
    default:                           return "…";
    }
}

static void
step_finished_cb (PlaytestRunner *runner,
                  guint           index,
                  PlaytestCliRun *run)
{
  RunState *state = g_object_get_data (G_OBJECT (runner), "playtest-cli-run-state");
  const PlaytestStepResult *result = playtest_runner_get_result (runner, index);
  g_autofree char *title = playtest_cli_run_title (run);
  g_autofree char *description = playtest_script_describe_step (run->script, index);
  g_autofree char *why = NULL;
  g_autofree char *line = NULL;

  if (result->status == PLAYTEST_STEP_STATUS_FAILED)
    why = playtest_cli_describe_failed_checks (result, "; ");
  else if (result->status == PLAYTEST_STEP_STATUS_ERROR && result->error != NULL)
    why = g_strdup (result->error->message);

  /* On a terminal, the progress line stands for the steps that went as they should. */
  if (state->progress && (result->status == PLAYTEST_STEP_STATUS_PASSED
                          || result->status == PLAYTEST_STEP_STATUS_SKIPPED))
    return;

  if (why != NULL)
    /* Translators: a step's result line: PASS, FAIL, ERROR or SKIP (kept in English, CI logs
     * are searched for them), the script, the step's number, what it does and why it failed */
    line = g_strdup_printf (_("%s %s step %u %s — %s"), status_word (result->status), title,
                            index + 1, description, why);
  else
    /* Translators: as above, for a step that passed or was skipped */
    line = g_strdup_printf (_("%s %s step %u %s"), status_word (result->status), title,
                            index + 1, description);
  print_line (state, line);
}

static void
step_started_cb (PlaytestRunner *runner,
                 guint           index,
                 PlaytestCliRun *run)
{
  RunState *state = g_object_get_data (G_OBJECT (runner), "playtest-cli-run-state");
  g_autofree char *what = g_strdup_printf (_("step %u/%u …"), index + 1,
                                           playtest_script_get_n_steps (run->script));

  show_progress (state, run, what);
}

static void
rate_limited_cb (PlaytestRunner *runner,
                 guint           index,
                 guint           seconds,
                 PlaytestCliRun *run)
{
  RunState *state = g_object_get_data (G_OBJECT (runner), "playtest-cli-run-state");
  g_autofree char *title = playtest_cli_run_title (run);
  g_autofree char *what = NULL;

  what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "step %u: rate limited, waiting %u second",
                                       "step %u: rate limited, waiting %u seconds", seconds),
                          index + 1, seconds);
  if (state->progress)
    {
      show_progress (state, run, what);
    }
  else
    {
      g_autofree char *line = g_strdup_printf ("WAIT %s %s", title, what);

      print_line (state, line);
    }
}

/* Running ---------------------------------------------------------------------------------- */

static void start_next (RunState *state);

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  PlaytestCliRun *run = user_data;
  PlaytestRunner *runner = PLAYTEST_RUNNER (source);
  RunState *state = g_object_get_data (G_OBJECT (runner), "playtest-cli-run-state");

  if (!playtest_runner_run_finish (runner, result, &run->error)
      && !g_error_matches (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && run->error->domain == PLAYTEST_SCRIPT_ERROR)
    {
      clear_progress (state);
      g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, run->error->message);
    }

  run->duration_us = g_get_monotonic_time () - run->duration_us;
  g_queue_push_tail (&state->idle_clients,
                     g_object_get_data (G_OBJECT (runner), "playtest-cli-run-client"));
  state->n_running--;
  state->n_done++;
  start_next (state);
}

static void
start_run (RunState       *state,
           PlaytestCliRun *run)
{
  PlaytestClient *client = g_queue_pop_head (&state->idle_clients);

  run->runner = playtest_runner_new (client, state->history, run->script);
  g_object_set_data (G_OBJECT (run->runner), "playtest-cli-run-client", client);
  playtest_runner_set_character_id (run->runner, state->options->character);
  playtest_runner_set_audio_loader (run->runner, playtest_audio_convert_file_async,
                                    playtest_audio_convert_file_finish);
  g_object_set_data (G_OBJECT (run->runner), "playtest-cli-run-state", state);
  g_signal_connect (run->runner, "step-started", G_CALLBACK (step_started_cb), run);
  g_signal_connect (run->runner, "step-finished", G_CALLBACK (step_finished_cb), run);
  g_signal_connect (run->runner, "rate-limited", G_CALLBACK (rate_limited_cb), run);

  run->started_at = g_date_time_new_now_utc ();
  run->duration_us = g_get_monotonic_time ();
  state->n_running++;
  playtest_runner_run_async (run->runner, state->cancellable, run_done_cb, run);
}

static void
start_next (RunState *state)
{
  while (!g_cancellable_is_cancelled (state->cancellable)
         && state->n_running < (guint) state->options->jobs
         && state->next < state->runs->len)
    start_run (state, g_ptr_array_index (state->runs, state->next++));

  if (state->n_running == 0)
    g_main_loop_quit (state->loop);
}

static gboolean
interrupt_cb (gpointer user_data)
{
  RunState *state = user_data;

  state->interrupted = TRUE;
  g_cancellable_cancel (state->cancellable);

  return G_SOURCE_CONTINUE;
}

static void
run_all (RunState *state)
{
  guint sigint_id = g_unix_signal_add (SIGINT, interrupt_cb, state);
  guint sigterm_id = g_unix_signal_add (SIGTERM, interrupt_cb, state);

  start_next (state);
  if (state->n_running > 0)
    g_main_loop_run (state->loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  clear_progress (state);
}

static GPtrArray *
plan_runs (GPtrArray *scripts,
           guint      repeat)
{
  GPtrArray *runs = g_ptr_array_new_with_free_func ((GDestroyNotify) playtest_cli_run_free);

  for (guint i = 0; i < scripts->len; i++)
    {
      for (guint r = 0; r < repeat; r++)
        {
          PlaytestCliRun *run = g_new0 (PlaytestCliRun, 1);

          run->script = g_object_ref (g_ptr_array_index (scripts, i));
          run->repeat = r + 1;
          run->repeating = repeat > 1;
          run->number = runs->len + 1;
          g_ptr_array_add (runs, run);
        }
    }

  return runs;
}

/* Summary and exit status ------------------------------------------------------------------ */

typedef struct
{
  guint n_steps;
  guint n_passed;
  guint n_failed;
  guint n_errors;
  guint n_skipped;
  guint n_waits;
} RunCounts;

static void
count_runs (GPtrArray *runs,
            RunCounts *counts)
{
  for (guint i = 0; i < runs->len; i++)
    {
      PlaytestCliRun *run = g_ptr_array_index (runs, i);
      guint n_steps = playtest_script_get_n_steps (run->script);

      counts->n_steps += n_steps;
      if (run->runner == NULL)
        {
          counts->n_skipped += n_steps;
          continue;
        }

      counts->n_waits += playtest_runner_get_n_rate_limited (run->runner);
      for (guint s = 0; s < n_steps; s++)
        {
          switch (playtest_runner_get_result (run->runner, s)->status)
            {
            case PLAYTEST_STEP_STATUS_PASSED:  counts->n_passed++; break;
            case PLAYTEST_STEP_STATUS_FAILED:  counts->n_failed++; break;
            case PLAYTEST_STEP_STATUS_ERROR:   counts->n_errors++; break;
            case PLAYTEST_STEP_STATUS_WAITING:
            case PLAYTEST_STEP_STATUS_RUNNING:
            case PLAYTEST_STEP_STATUS_SKIPPED:
            default:                           counts->n_skipped++; break;
            }
        }
    }
}

/* "2 scripts, 9 steps: 8 passed, 1 failed (1 rate-limited wait)" */
static void
print_summary (RunState *state)
{
  RunCounts counts = { 0 };
  g_autoptr(GString) line = g_string_new (NULL);

  count_runs (state->runs, &counts);

  if (state->repeating)
    g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, "%u script run", "%u script runs",
                                               state->runs->len), state->runs->len);
  else
    g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, "%u script", "%u scripts",
                                               state->runs->len), state->runs->len);
  g_string_append (line, ", ");
  g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, "%u step", "%u steps",
                                             counts.n_steps), counts.n_steps);
  g_string_append_printf (line, _(": %u passed, %u failed"), counts.n_passed, counts.n_failed);
  if (counts.n_errors > 0)
    g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, ", %u error", ", %u errors",
                                               counts.n_errors), counts.n_errors);
  if (counts.n_skipped > 0)
    g_string_append_printf (line, _(", %u skipped"), counts.n_skipped);
  if (counts.n_waits > 0)
    g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, " (%u rate-limited wait)",
                                               " (%u rate-limited waits)", counts.n_waits),
                            counts.n_waits);

  print_line (state, line->str);
}

static int
exit_status_for_runs (RunState *state)
{
  int status = PLAYTEST_CLI_EXIT_OK;

  if (state->interrupted)
    return PLAYTEST_CLI_EXIT_INTERRUPTED;

  for (guint i = 0; i < state->runs->len; i++)
    {
      PlaytestCliRun *run = g_ptr_array_index (state->runs, i);

      if (run->error != NULL && run->error->domain == PLAYTEST_SCRIPT_ERROR)
        status = MAX (status, PLAYTEST_CLI_EXIT_USAGE);
      else if (run->error != NULL)
        return PLAYTEST_CLI_EXIT_NETWORK;
      else if (run->runner != NULL && playtest_runner_get_n_failed (run->runner) > 0)
        status = MAX (status, PLAYTEST_CLI_EXIT_SERVICE);
    }

  return status;
}

/* Reports ---------------------------------------------------------------------------------- */

static gboolean
write_reports (RunState *state)
{
  RunOptions *options = state->options;
  g_autoptr(GError) error = NULL;

  if ((options->junit != NULL && !playtest_cli_write_junit (state->runs, options->junit, &error))
      || (options->json != NULL
          && !playtest_cli_write_results_json (state->runs, options->json, &error))
      || (options->transcript != NULL
          && !playtest_cli_write_transcript (state->runs, state->history,
                                             options->transcript_format, options->transcript,
                                             &error)))
    {
      g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, error->message);
      return FALSE;
    }

  return TRUE;
}

/* Better to refuse now than to find out after the whole run that a report has nowhere to go. */
static gboolean
check_report_folders (RunOptions *options,
                      int        *exit_status)
{
  const char *reports[] = { options->junit, options->json, options->transcript };

  for (guint i = 0; i < G_N_ELEMENTS (reports); i++)
    {
      g_autofree char *folder = NULL;

      if (reports[i] == NULL)
        continue;

      folder = g_path_get_dirname (reports[i]);
      if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
        {
          g_autofree char *display = g_filename_display_name (folder);

          *exit_status = playtest_cli_usage_error ("run", _("There is no folder “%s” to write "
                                                            "the report in"), display);
          return FALSE;
        }
    }

  return TRUE;
}

/* A client per job: a client's connections to one host are few, and jobs must not wait for
 * each other's replies. */
static gboolean
make_clients (RunState   *state,
              RunOptions *options,
              int        *exit_status)
{
  state->clients = g_ptr_array_new_with_free_func (g_object_unref);
  g_queue_init (&state->idle_clients);

  for (int i = 0; i < options->jobs; i++)
    {
      PlaytestClient *client = playtest_cli_client_new (&options->common, "run", exit_status);

      if (client == NULL)
        return FALSE;

      g_ptr_array_add (state->clients, client);
      g_queue_push_tail (&state->idle_clients, client);
    }

  return TRUE;
}

static PlaytestHistory *
open_history (RunOptions *options,
              int        *exit_status)
{
  g_autoptr(GError) error = NULL;
  PlaytestHistory *history;

  if (options->history != NULL)
    history = playtest_history_new (options->history, &error);
  else
    history = playtest_history_new_default (&error);

  /* A transcript is written from the history: without one, there is nothing to write. */
  if (history == NULL && options->transcript != NULL)
    {
      g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, error->message);
      *exit_status = PLAYTEST_CLI_EXIT_USAGE;
    }
  else if (history == NULL)
    {
      playtest_cli_warning (_("the runs are not recorded: %s"), error->message);
    }

  return history;
}

/**
 * playtest_cli_run:
 * @argc: the number of arguments
 * @argv: (array length=argc): the arguments, "run" first
 *
 * `convai-playtest-cli run`: playthrough scripts, checked, with reports for CI.
 *
 * Returns: the exit status, a #PlaytestCliExit
 */
int
playtest_cli_run (int    argc,
                  char **argv)
{
  g_auto(RunOptions) options = { 0 };
  g_autoptr(GOptionContext) context = run_context_new (&options);
  g_auto(RunState) state = { 0 };
  g_autoptr(GPtrArray) scripts = NULL;
  int exit_status = PLAYTEST_CLI_EXIT_OK;

  if (!playtest_cli_parse (context, "run", &argc, &argv, &options.common.help, &exit_status)
      || !run_check_options (&options, &exit_status))
    return exit_status;

  scripts = load_scripts (&options, &exit_status);
  if (scripts == NULL)
    return exit_status;

  if (!make_clients (&state, &options, &exit_status))
    return exit_status;

  state.history = open_history (&options, &exit_status);
  if (exit_status != PLAYTEST_CLI_EXIT_OK)
    return exit_status;

  state.options = &options;
  state.runs = plan_runs (scripts, options.repeat);
  state.repeating = options.repeat > 1;
  state.loop = g_main_loop_new (NULL, FALSE);
  state.cancellable = g_cancellable_new ();
  state.progress = isatty (STDOUT_FILENO);

  run_all (&state);
  print_summary (&state);

  if (!write_reports (&state))
    return PLAYTEST_CLI_EXIT_USAGE;

  return exit_status_for_runs (&state);
}
