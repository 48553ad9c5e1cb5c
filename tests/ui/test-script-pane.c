/* test-script-pane.c: scripted runs in the app window, against the demo backend in-process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "playtest-script-pane.h"
#include "playtest-window.h"
#include "ui-test-util.h"

/* Mira answers "Hello there!" with joy in Arrival and the ring question with sadness in The
 * Lost Ring; step 4 expects sadness where she pours an ale with joy: one red step. */
static const char mixed_script[] =
  "{\"name\": \"Innkeeper smoke\", \"character\": \"demo-mira\", \"steps\": ["
  " {\"say\": \"Hello there!\", \"expect\": {\"emotion\": \"joy\", \"section\": \"Arrival\"}},"
  " {\"say\": \"What is wrong? Is it the ring?\","
  "  \"expect\": {\"section\": \"The Lost Ring\", \"section_changed\": true}},"
  " {\"new_session\": true},"
  " {\"say\": \"Can I get a drink?\", \"expect\": {\"emotion\": \"sadness\"}},"
  " {\"say\": \"Goodbye!\", \"expect\": {\"max_latency_ms\": 60000}}"
  "]}";

typedef struct
{
  char *directory;
} Files;

static GFile *
write_script (Files      *files,
              const char *name,
              const char *contents)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (files->directory == NULL)
    files->directory = ui_test_make_temp_dir ("test-script-pane-XXXXXX");
  path = g_build_filename (files->directory, name, NULL);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);

  return g_file_new_for_path (path);
}

static void
files_clear (Files *files)
{
  if (files->directory != NULL)
    ui_test_remove_tree (files->directory);
  g_clear_pointer (&files->directory, g_free);
}

static PlaytestScriptPane *
pane_of (GtkWidget *window)
{
  return playtest_window_get_script_pane (PLAYTEST_WINDOW (window));
}

static GtkListBoxRow *
step_row (GtkWidget *window,
          guint      index)
{
  GtkWidget *list = ui_test_find_by_label (GTK_WIDGET (pane_of (window)), "Script Steps");

  g_assert_true (GTK_IS_LIST_BOX (list));
  return gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), index);
}

static guint
n_step_rows (GtkWidget *window)
{
  guint n = 0;

  while (step_row (window, n) != NULL)
    n++;
  return n;
}

/* What a screen reader says of the step: "Passed", "Failed"… */
static void
assert_step_status (GtkWidget  *window,
                    guint       index,
                    const char *status)
{
  GtkAccessible *row = GTK_ACCESSIBLE (step_row (window, index));
  g_autofree char *wrong = NULL;

  g_assert_nonnull (row);
  wrong = gtk_test_accessible_check_property (row, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, status);
  if (wrong != NULL)
    g_error ("step %u: %s", index + 1, wrong);
}

static const char *
summary_text (GtkWidget *window)
{
  GtkWidget *label = ui_test_find_by_id (GTK_WIDGET (pane_of (window)), "summary_label");

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_label (GTK_LABEL (label));
}

static void
activate (GtkWidget  *window,
          const char *action)
{
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), action));
  g_action_group_activate_action (G_ACTION_GROUP (window), action, NULL);
}

static void
run_to_the_end (GtkWidget *window)
{
  PlaytestScriptPane *pane = pane_of (window);

  activate (window, "run-script");
  g_assert_true (playtest_script_pane_get_running (pane));
  ui_test_wait_for (!playtest_script_pane_get_running (pane));
}

static PlaytestApplication *
app_of (GtkWidget *window)
{
  return PLAYTEST_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));
}

static guint
n_turns (PlaytestConversation *conversation)
{
  return g_list_model_get_n_items (G_LIST_MODEL (conversation));
}

static void
assert_mixed_results (GtkWidget *window,
                      GtkWidget *pane)
{
  static const char *statuses[] = { "Passed", "Passed", "Passed", "Failed", "Passed" };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    assert_step_status (window, i, statuses[i]);
  g_assert_nonnull (ui_test_find_text (GTK_WIDGET (step_row (window, 3)),
                                       "emotion: expected “sadness”, got “joy”"));
  g_assert_null (ui_test_find_text (GTK_WIDGET (step_row (window, 0)), "expected"));
  g_assert_nonnull (ui_test_find_text (pane, "4 of 5 steps passed"));
}

/* A pane that knows only the history store shows the run too. */
static void
assert_run_in_history (GtkWidget  *window,
                       const char *conversation_id)
{
  PlaytestApplication *app = app_of (window);
  GtkWidget *pane = g_object_ref_sink (playtest_script_pane_new ());

  playtest_script_pane_set_backend (PLAYTEST_SCRIPT_PANE (pane),
                                    playtest_application_get_client (app),
                                    playtest_application_get_history (app));
  g_assert_true (playtest_script_pane_show_runs_of (PLAYTEST_SCRIPT_PANE (pane),
                                                    conversation_id));
  g_assert_nonnull (ui_test_find_text (pane, "Innkeeper smoke"));
  g_assert_nonnull (ui_test_find_text (pane, "emotion: expected “sadness”, got “joy”"));
  g_object_unref (pane);
}

static void
open_and_run (GtkWidget *window,
              gpointer   user_data)
{
  Files files = { 0 };
  g_autoptr(GFile) file = write_script (&files, "innkeeper.json", mixed_script);
  PlaytestScriptPane *pane = pane_of (window);
  GtkWidget *composer = ui_test_find_by_label (window, "Message");
  g_autofree char *first_session = NULL;
  PlaytestConversation *conversation;

  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "run-script"));
  g_assert_true (playtest_window_open_script (PLAYTEST_WINDOW (window), file));
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (pane)));
  g_assert_cmpuint (n_step_rows (window), ==, 5);
  g_assert_nonnull (ui_test_find_text (GTK_WIDGET (pane), "Say “Hello there!”"));
  g_assert_nonnull (ui_test_find_text (GTK_WIDGET (pane), "Mira the Innkeeper · 5 steps"));
  assert_step_status (window, 3, "Not run yet");

  /* While it runs the chat shows the run's conversation, and nobody else types in it. */
  activate (window, "run-script");
  g_assert_true (composer != NULL && !gtk_widget_is_sensitive (composer));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "new-session"));
  ui_test_wait_for (playtest_script_pane_get_conversation (pane) != NULL);
  g_assert_true (playtest_window_get_conversation (PLAYTEST_WINDOW (window))
                 == playtest_script_pane_get_conversation (pane));
  playtest_window_open_conversation (PLAYTEST_WINDOW (window), "another-session", -1);
  g_assert_true (playtest_window_get_conversation (PLAYTEST_WINDOW (window))
                 == playtest_script_pane_get_conversation (pane));
  ui_test_wait_for (!playtest_script_pane_get_running (pane));
  g_assert_true (gtk_widget_is_sensitive (composer));

  assert_mixed_results (window, GTK_WIDGET (pane));
  conversation = playtest_window_get_conversation (PLAYTEST_WINDOW (window));
  g_assert_true (conversation == playtest_script_pane_get_conversation (pane));
  g_assert_cmpuint (n_turns (conversation), ==, 2);  /* the run's second session */

  /* Results stay with the session: elsewhere, then back to the run's first session. */
  first_session = g_strdup (g_ptr_array_index (playtest_runner_get_conversation_ids (
                                                 playtest_script_pane_get_runner (pane)), 0));
  activate (window, "new-session");
  playtest_window_open_conversation (PLAYTEST_WINDOW (window), first_session, -1);
  g_assert_cmpuint (n_turns (playtest_window_get_conversation (PLAYTEST_WINDOW (window))), ==,
                    2);
  g_assert_nonnull (ui_test_find_text (GTK_WIDGET (pane), "Ran "));
  assert_mixed_results (window, GTK_WIDGET (pane));
  assert_run_in_history (window, first_session);

  /* Run again from the past run: its script is read from where it was. */
  run_to_the_end (window);
  g_assert_null (ui_test_find_text (GTK_WIDGET (pane), "Ran "));
  assert_mixed_results (window, GTK_WIDGET (pane));

  files_clear (&files);
}

static void
test_script_open_and_run (void)
{
  ui_test_with_demo_app ("test-script-pane-XXXXXX", open_and_run, NULL);
}

static gboolean
step_is_running (PlaytestScriptPane *pane,
                 guint               index)
{
  PlaytestRunner *runner = playtest_script_pane_get_runner (pane);
  const PlaytestStepResult *result = runner ? playtest_runner_get_result (runner, index) : NULL;

  return result != NULL && result->status == PLAYTEST_STEP_STATUS_RUNNING;
}

static void
set_true (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
stop_in_the_middle (GtkWidget *window,
                    gpointer   user_data)
{
  Files files = { 0 };
  g_autoptr(GFile) file = write_script (&files, "long.json",
    "{\"name\": \"Long\", \"character\": \"demo-mira\", \"steps\": ["
    " {\"say\": \"Hello there!\"}, {\"say\": \"Is it the ring?\"},"
    " {\"say\": \"Can I get a drink?\"}, {\"say\": \"Goodbye!\"}]}");
  PlaytestScriptPane *pane = pane_of (window);
  PlaytestConversation *conversation;
  gboolean waited = FALSE;

  g_assert_true (playtest_window_open_script (PLAYTEST_WINDOW (window), file));
  activate (window, "run-script");
  ui_test_wait_for (step_is_running (pane, 1));
  activate (window, "stop-script");
  ui_test_wait_for (!playtest_script_pane_get_running (pane));

  assert_step_status (window, 0, "Passed");
  for (guint i = 1; i < 4; i++)
    assert_step_status (window, i, "Skipped");
  g_assert_cmpstr (summary_text (window), ==, "Stopped · 1 of 4 steps passed");

  /* Nothing more is sent, now or later: the step on its way was the last. */
  conversation = playtest_script_pane_get_conversation (pane);
  g_timeout_add_once (500, set_true, &waited);
  ui_test_wait_for (waited);
  g_assert_cmpuint (n_turns (conversation), ==, 2);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "run-script"));

  files_clear (&files);
}

static void
test_script_stop (void)
{
  ui_test_with_demo_app ("test-script-pane-XXXXXX", stop_in_the_middle, NULL);
}

/* The file choosers are GTK's own dialogs here (no portal): a test can fill them in. */
/* GTK 4.8's own file chooser (the fallback without a portal) scrolls its list to the file
 * it is given, and warns when the list is not laid out yet (its folder still loading): a
 * warning of GTK's about its own dialog, which the test harness would make fatal. Once a
 * test has opened a chooser, and until that test ends (a hidden chooser still loads its
 * folder), that one message is printed and not fatal. (GTK logs structured, which
 * g_test_log_set_fatal_handler() does not see.) */
static gboolean chooser_open;

static GLogWriterOutput
chooser_scroll_warning_writer_cb (GLogLevelFlags   log_level,
                                  const GLogField *fields,
                                  gsize            n_fields,
                                  gpointer         user_data)
{
  for (gsize i = 0; chooser_open && i < n_fields; i++)
    {
      if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0 &&
          g_str_has_suffix (fields[i].value, "failed to scroll to given position. Ignoring..."))
        return g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static GtkFileChooser *
wait_for_chooser (GtkWidget  *window,
                  const char *action)
{
  GtkWindow *dialog;

  chooser_open = TRUE;
  activate (window, action);
  ui_test_wait_for ((dialog = ui_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG)) != NULL);
  return GTK_FILE_CHOOSER (dialog);
}

static gboolean
chooser_has_file (GtkFileChooser *chooser,
                  GFile          *file)
{
  g_autoptr(GFile) chosen = gtk_file_chooser_get_file (chooser);

  return chosen != NULL && g_file_equal (chosen, file);
}

/* Save Session as Script… suggests a name from the character; the file chosen is saved as
 * playtest_window_save_session_as_script() does. (GTK 4.8's own save dialog, the fallback
 * without a portal, resolves a name typed into it against a folder it loads later, which
 * a test cannot wait for.) */
static GFile *
save_as_script (GtkWidget  *window,
                const char *folder)
{
  GtkFileChooser *chooser = wait_for_chooser (window, "save-session-as-script");
  g_autofree char *name = gtk_file_chooser_get_current_name (chooser);
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (name, ==, "Mira the Innkeeper-session.json");
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);

  g_assert_true (playtest_window_save_session_as_script (PLAYTEST_WINDOW (window), file,
                                                         &error));
  g_assert_no_error (error);
  g_assert_true (g_file_query_exists (file, NULL));

  return g_steal_pointer (&file);
}

static void
open_through_chooser (GtkWidget *window,
                      GFile     *file)
{
  GtkFileChooser *chooser = wait_for_chooser (window, "open-script");

  g_assert_true (gtk_file_chooser_set_file (chooser, file, NULL));
  ui_test_wait_for (chooser_has_file (chooser, file));
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  ui_test_wait_for (n_step_rows (window) > 0);
}

/* The done-criterion: a session saved as a script replays green. */
static void
save_session_then_run (GtkWidget *window,
                       gpointer   user_data)
{
  Files files = { 0 };
  g_autoptr(GFile) nowhere = write_script (&files, "nothing.json", "");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  PlaytestScriptPane *pane = pane_of (window);

  g_assert_false (playtest_window_save_session_as_script (PLAYTEST_WINDOW (window), nowhere,
                                                          &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);

  ui_test_window_send_line (window, "Hello there!");
  ui_test_window_send_line (window, "What is wrong? Is it the ring?");
  ui_test_window_send_line (window, "Can I get a drink?");
  file = save_as_script (window, files.directory);

  open_through_chooser (window, file);
  g_assert_cmpuint (n_step_rows (window), ==, 3);
  g_assert_nonnull (ui_test_find_text (GTK_WIDGET (pane), "Mira the Innkeeper"));
  run_to_the_end (window);

  for (guint i = 0; i < 3; i++)
    assert_step_status (window, i, "Passed");
  g_assert_cmpstr (summary_text (window), ==, "3 of 3 steps passed");
  g_assert_true (playtest_runner_get_passed (playtest_script_pane_get_runner (pane)));

  files_clear (&files);
}

static void
test_script_save_session (void)
{
  ui_test_with_demo_app ("test-script-pane-XXXXXX", save_session_then_run, NULL);
  chooser_open = FALSE;
}

static void
script_error (GtkWidget *window,
              gpointer   user_data)
{
  Files files = { 0 };
  g_autoptr(GFile) file = write_script (&files, "broken.json",
    "{\"name\": \"Broken\", \"steps\": [{\"say\": \"Hi\"},"
    " {\"say\": \"Hello\", \"expect\": {\"emotoin\": \"joy\"}}]}");
  PlaytestConversation *conversation = playtest_window_get_conversation (PLAYTEST_WINDOW (window));
  guint before = n_turns (conversation);
  GtkWidget *page;
  const char *words;

  g_assert_false (playtest_window_open_script (PLAYTEST_WINDOW (window), file));
  page = ui_test_find_by_label (GTK_WIDGET (pane_of (window)), "Script Error");
  g_assert_true (ADW_IS_STATUS_PAGE (page) && gtk_widget_is_drawable (page));
  words = adw_status_page_get_description (ADW_STATUS_PAGE (page));
  g_assert_nonnull (strstr (words, "broken.json"));
  g_assert_nonnull (strstr (words, "step 2"));
  g_assert_nonnull (strstr (words, "emotoin"));

  /* Nothing to run, nothing sent. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "run-script"));
  playtest_script_pane_run (pane_of (window));
  g_assert_false (playtest_script_pane_get_running (pane_of (window)));
  ui_test_spin_idle ();
  g_assert_true (playtest_window_get_conversation (PLAYTEST_WINDOW (window)) == conversation);
  g_assert_cmpuint (n_turns (conversation), ==, before);

  files_clear (&files);
}

static void
test_script_error (void)
{
  ui_test_with_demo_app ("test-script-pane-XXXXXX", script_error, NULL);
}

/* A busy service: the pane says the run waits, and counts the wait. */
static void
rate_limited (GtkWidget *window,
              gpointer   user_data)
{
  Files files = { 0 };
  g_autoptr(GFile) file = write_script (&files, "busy.json",
    "{\"name\": \"Busy\", \"character\": \"demo-mira\", \"steps\": ["
    " {\"say\": \"Hello [demo:fail=429,retry-after=1]\"}, {\"say\": \"Goodbye!\"}]}");
  PlaytestScriptPane *pane = pane_of (window);

  g_assert_true (playtest_window_open_script (PLAYTEST_WINDOW (window), file));
  activate (window, "run-script");
  ui_test_wait_for (g_strcmp0 (summary_text (window), "Rate limited, waiting 1 s") == 0);
  activate (window, "stop-script");
  ui_test_wait_for (!playtest_script_pane_get_running (pane));

  assert_step_status (window, 0, "Skipped");
  g_assert_nonnull (ui_test_find_text (GTK_WIDGET (step_row (window, 0)),
                                       "Waited out 1 rate limit"));
  g_assert_cmpstr (summary_text (window), ==,
                   "Stopped · 0 of 2 steps passed · 1 rate-limited wait");

  files_clear (&files);
}

static void
test_script_rate_limited (void)
{
  ui_test_with_demo_app ("test-script-pane-XXXXXX", rate_limited, NULL);
}

/* No answer is not a failed expectation: the step says why, and the run stops there. */
static void
service_error (GtkWidget *window,
               gpointer   user_data)
{
  Files files = { 0 };
  g_autoptr(GFile) file = write_script (&files, "down.json",
    "{\"name\": \"Down\", \"character\": \"demo-mira\", \"steps\": ["
    " {\"say\": \"Hello [demo:fail=500]\", \"expect\": {\"emotion\": \"joy\"}},"
    " {\"say\": \"Goodbye!\"}]}");
  GtkWidget *row;

  g_assert_true (playtest_window_open_script (PLAYTEST_WINDOW (window), file));
  run_to_the_end (window);

  assert_step_status (window, 0, "No answer");
  assert_step_status (window, 1, "Skipped");
  row = GTK_WIDGET (step_row (window, 0));
  g_assert_null (ui_test_find_text (row, "expected"));
  g_assert_nonnull (strstr (summary_text (window), "0 of 2 steps passed · the run stopped: "));

  files_clear (&files);
}

static void
test_script_service_error (void)
{
  ui_test_with_demo_app ("test-script-pane-XXXXXX", service_error, NULL);
}

/* Closing the window mid-run stops it: the harness then checks that the app is let go. */
static void
close_while_running (GtkWidget *window,
                     gpointer   user_data)
{
  Files files = { 0 };
  g_autoptr(GFile) file = write_script (&files, "mixed.json", mixed_script);
  PlaytestScriptPane *pane = pane_of (window);

  g_assert_true (playtest_window_open_script (PLAYTEST_WINDOW (window), file));
  activate (window, "run-script");
  ui_test_wait_for (step_is_running (pane, 0));
  files_clear (&files);
}

static void
test_script_close_while_running (void)
{
  ui_test_with_demo_app ("test-script-pane-XXXXXX", close_while_running, NULL);
}

static void
controls_labelled (GtkWidget *window,
                   gpointer   user_data)
{
  static const char *labels[] = { "Open Script", "Run Script", "Stop Script", "Script Steps" };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (ui_test_find_by_label (window, labels[i]) == NULL)
      g_error ("no widget labelled “%s”", labels[i]);
}

static void
test_script_controls_labelled (void)
{
  ui_test_with_demo_app ("test-script-pane-XXXXXX", controls_labelled, NULL);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_log_set_writer_func (chooser_scroll_warning_writer_cb, NULL, NULL);

  g_test_add_func ("/script-pane/controls-labelled", test_script_controls_labelled);
  g_test_add_func ("/script-pane/open-and-run", test_script_open_and_run);
  g_test_add_func ("/script-pane/stop", test_script_stop);
  g_test_add_func ("/script-pane/save-session-as-script", test_script_save_session);
  g_test_add_func ("/script-pane/script-error", test_script_error);
  g_test_add_func ("/script-pane/rate-limited", test_script_rate_limited);
  g_test_add_func ("/script-pane/service-error", test_script_service_error);
  g_test_add_func ("/script-pane/close-while-running", test_script_close_while_running);

  return g_test_run ();
}
