/* test-voice-input.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Voice input in the composer against the in-process demo backend, recording from
 * audiotestsrc (PLAYTEST_AUDIO=fake): "Record voice" clicked twice sends a voice turn that
 * the demo answers with a transcript, shown in the row; a click-click is refused as too short;
 * Esc cancels; push-to-talk (Ctrl+Space held) records and sends on release; without a
 * microphone (PLAYTEST_AUDIO=none) the toggle goes back off with a message. In the app's
 * window, the voice turn is answered and its recording saved with it and played back from its
 * row ("Play recording"), a too-short take shows a toast, and "Send Audio File…" sends a WAV
 * file (and names a file it cannot decode). With PLAYTEST_SCREENSHOT_DIR set, it saves a
 * picture of the composer while recording.
 */

#include "config.h"

#include <adwaita.h>

#include "playtest-app-resources.h"
#include "playtest-application.h"
#include "playtest-chat-row.h"
#include "playtest-composer.h"
#include "playtest-conversation-view.h"
#include "playtest-recorder.h"
#include "playtest-window.h"
#include "ui-test-util.h"

#define DEMO_KEY "test-key-right"

typedef struct
{
  UiTestBackend     backend;
  PlaytestComposer *composer;
  GtkWidget        *view;
  GtkWidget        *record_button;
  GError           *error;
  guint             n_sent;
} Fixture;

static void
composer_send_audio_cb (PlaytestComposer *composer,
                        GBytes           *wav,
                        Fixture          *fixture)
{
  fixture->n_sent++;
  playtest_conversation_send_audio (fixture->backend.conversation, wav);
}

static void
composer_error_cb (PlaytestComposer *composer,
                   GError           *error,
                   Fixture          *fixture)
{
  g_clear_error (&fixture->error);
  fixture->error = g_error_copy (error);
}

static void
count_cb (GtkWidget *widget,
          guint     *count)
{
  (*count)++;
}

static void
count_sent_text_cb (GtkWidget  *widget,
                    const char *text,
                    guint      *count)
{
  (*count)++;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  g_setenv ("PLAYTEST_AUDIO", data != NULL ? data : "fake", TRUE);

  fixture->view = playtest_conversation_view_new ();
  gtk_widget_set_vexpand (fixture->view, TRUE);
  gtk_box_append (GTK_BOX (box), fixture->view);
  fixture->composer = PLAYTEST_COMPOSER (playtest_composer_new ());
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->composer));

  ui_test_backend_init (&fixture->backend, DEMO_KEY, box, 640, 480);
  playtest_conversation_view_set_conversation (PLAYTEST_CONVERSATION_VIEW (fixture->view),
                                               fixture->backend.conversation);
  g_signal_connect (fixture->composer, "send-audio", G_CALLBACK (composer_send_audio_cb),
                    fixture);
  g_signal_connect (fixture->composer, "error", G_CALLBACK (composer_error_cb), fixture);

  fixture->record_button = ui_test_find_by_label (GTK_WIDGET (fixture->composer),
                                                  "Record voice");
  g_assert_true (GTK_IS_TOGGLE_BUTTON (fixture->record_button));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  ui_test_backend_clear (&fixture->backend);
  g_clear_error (&fixture->error);
  g_setenv ("PLAYTEST_AUDIO", "fake", TRUE);
}

static gboolean
record_active (Fixture *fixture)
{
  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (fixture->record_button));
}

/* "clicked" rather than gtk_widget_activate(), which clicks only after a 250 ms press. */
static void
click (Fixture *fixture)
{
  g_signal_emit_by_name (fixture->record_button, "clicked");
}

static guint
n_turns (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (fixture->backend.conversation));
}

/* Sends a key event to the key controllers of @widget, as GTK would in the capture phase. */
static gboolean
send_key (GtkWidget       *widget,
          const char      *signal,
          guint            keyval,
          GdkModifierType  state)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_EVENT_CONTROLLER_KEY (controller))
        continue;
      if (g_str_equal (signal, "key-pressed"))
        g_signal_emit_by_name (controller, signal, keyval, 0, state, &handled);
      else
        g_signal_emit_by_name (controller, signal, keyval, 0, state);
    }

  return handled;
}

static void
wait_for_recording_of_a_second (Fixture *fixture)
{
  PlaytestRecorder *recorder = playtest_composer_get_recorder (fixture->composer);
  GtkWidget *level = ui_test_find_by_label (GTK_WIDGET (fixture->composer), "Recording level");

  g_assert_nonnull (level);
  ui_test_wait_for (playtest_recorder_get_duration_ms (recorder) >= 1000);
  g_assert_true (playtest_recorder_get_recording (recorder));
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (level)));
  g_assert_true (gtk_widget_has_css_class (fixture->record_button, "destructive-action"));
  ui_test_wait_for (ui_test_find_text (GTK_WIDGET (fixture->composer), "0:01") != NULL);
}

/* Waits for the voice turn after the first @before to be answered, its transcript shown in
 * @shown_in. */
static PlaytestTurn *
wait_for_voice_reply (PlaytestConversation *conversation,
                      guint                 before,
                      GtkWidget            *shown_in)
{
  PlaytestTurn *turn;
  const char *query;

  ui_test_wait_for (g_list_model_get_n_items (G_LIST_MODEL (conversation)) == before + 1);
  turn = playtest_conversation_get_last_turn (conversation);
  g_assert_true (playtest_turn_is_voice (turn));
  ui_test_wait_for (ui_test_turn_is_done (turn));
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);
  query = playtest_turn_get_user_query (turn);
  g_assert_nonnull (query);
  g_assert_cmpstr (query, !=, "");
  ui_test_wait_for (ui_test_find_text (shown_in, query) != NULL);

  return turn;
}

static void
assert_voice_turn_answered (Fixture *fixture)
{
  PlaytestTurn *turn = wait_for_voice_reply (fixture->backend.conversation, 0, fixture->view);

  g_assert_cmpuint (playtest_turn_get_user_audio_duration_ms (turn), >=, 1000);
  g_assert_null (fixture->error);
}

static void
test_record_sends_voice_turn (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *voice_message = NULL;
  PlaytestTurn *turn;
  guint seconds;

  click (fixture);
  g_assert_true (record_active (fixture));
  wait_for_recording_of_a_second (fixture);
  ui_test_save_screenshot (fixture->backend.window, "voice-recording");

  /* A slow reply, so that the row is seen as a voice message before the transcript. */
  playtest_demo_server_set_latency_ms (fixture->backend.server, 1000);
  click (fixture);
  g_assert_false (record_active (fixture));
  g_assert_false (gtk_widget_has_css_class (fixture->record_button, "destructive-action"));
  ui_test_wait_for (n_turns (fixture) == 1);
  turn = playtest_conversation_get_last_turn (fixture->backend.conversation);
  seconds = playtest_turn_get_user_audio_duration_ms (turn) / 1000;
  voice_message = g_strdup_printf ("Voice message (%u:%02u)", seconds / 60, seconds % 60);
  ui_test_wait_for (ui_test_find_text (fixture->view, voice_message) != NULL);
  assert_voice_turn_answered (fixture);
  g_assert_cmpuint (fixture->n_sent, ==, 1);
  /* The toggle can record again once the WAV is handed over. */
  ui_test_wait_for (gtk_widget_get_sensitive (fixture->record_button));
}

static void
test_too_short_is_refused (Fixture       *fixture,
                           gconstpointer  data)
{
  click (fixture);
  g_assert_true (record_active (fixture));
  click (fixture);

  ui_test_wait_for (fixture->error != NULL);
  g_assert_error (fixture->error, PLAYTEST_RECORDER_ERROR, PLAYTEST_RECORDER_ERROR_TOO_SHORT);
  g_assert_cmpstr (fixture->error->message, ==, "The recording is too short to send.");
  g_assert_false (record_active (fixture));
  g_assert_cmpuint (fixture->n_sent, ==, 0);
  g_assert_cmpuint (n_turns (fixture), ==, 0);
  ui_test_wait_for (gtk_widget_get_sensitive (fixture->record_button));
}

static void
test_escape_cancels (Fixture       *fixture,
                     gconstpointer  data)
{
  PlaytestRecorder *recorder;
  guint n_cancels = 0;

  g_signal_connect (fixture->composer, "cancel", G_CALLBACK (count_cb), &n_cancels);
  click (fixture);
  recorder = playtest_composer_get_recorder (fixture->composer);
  ui_test_wait_for (playtest_recorder_get_duration_ms (recorder) >= 500);

  g_assert_true (send_key (GTK_WIDGET (fixture->composer), "key-pressed", GDK_KEY_Escape, 0));
  g_assert_false (playtest_recorder_get_recording (recorder));
  g_assert_false (record_active (fixture));
  /* Esc went to the recording, not to the turn in flight. */
  g_assert_cmpuint (n_cancels, ==, 0);

  ui_test_spin_idle ();
  g_assert_cmpuint (fixture->n_sent, ==, 0);
  g_assert_cmpuint (n_turns (fixture), ==, 0);
  g_assert_null (fixture->error);
}

static void
test_push_to_talk (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *composer = GTK_WIDGET (fixture->composer);

  g_assert_true (send_key (composer, "key-pressed", GDK_KEY_space, GDK_CONTROL_MASK));
  g_assert_true (record_active (fixture));
  /* A held key repeats its press: still one recording. */
  g_assert_true (send_key (composer, "key-pressed", GDK_KEY_space, GDK_CONTROL_MASK));
  wait_for_recording_of_a_second (fixture);

  send_key (composer, "key-released", GDK_KEY_space, 0);
  g_assert_false (record_active (fixture));
  assert_voice_turn_answered (fixture);
  g_assert_cmpuint (fixture->n_sent, ==, 1);
}

static void
test_no_microphone (Fixture       *fixture,
                    gconstpointer  data)
{
  guint n_texts = 0;

  g_signal_connect (fixture->composer, "send", G_CALLBACK (count_sent_text_cb), &n_texts);
  click (fixture);

  g_assert_nonnull (fixture->error);
  g_assert_cmpstr (fixture->error->message, ==, "No microphone was found.");
  g_assert_false (record_active (fixture));
  g_assert_false (gtk_widget_has_css_class (fixture->record_button, "destructive-action"));
  g_assert_cmpuint (n_turns (fixture), ==, 0);

  /* Again: the same error, the toggle off again (the window says it only once). */
  g_clear_error (&fixture->error);
  click (fixture);
  g_assert_nonnull (fixture->error);
  g_assert_false (record_active (fixture));

  /* Typing still works: the text box is there and sends. */
  playtest_composer_set_text (fixture->composer, "Hello");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->composer), "composer.send",
                                             NULL));
  g_assert_cmpuint (n_texts, ==, 1);
}

/* The whole app ------------------------------------------------------------------------------ */

static gboolean
history_has_audio (PlaytestTurn *turn)
{
  return playtest_turn_get_user_audio_path (turn) != NULL;
}

static GtkWidget *
find_chat_row (GtkWidget    *root,
               PlaytestTurn *turn)
{
  if (PLAYTEST_IS_CHAT_ROW (root) &&
      playtest_chat_row_get_turn (PLAYTEST_CHAT_ROW (root)) == turn)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = find_chat_row (child, turn);

      if (row != NULL)
        return row;
    }
  return NULL;
}

static void
count_finished_cb (PlaytestPlayer *player,
                   guint          *count)
{
  (*count)++;
}

/* The user's own take plays back through the window's player, from the history's file. */
static void
window_plays_recording (PlaytestWindow *window,
                        PlaytestTurn   *turn)
{
  PlaytestPlayer *player = playtest_window_get_player (window);
  GtkWidget *row = NULL;
  GtkWidget *button;
  guint finished = 0;

  ui_test_wait_for ((row = find_chat_row (GTK_WIDGET (window), turn)) != NULL);
  button = ui_test_find_by_label (row, "Play recording");
  g_assert_nonnull (button);
  ui_test_wait_for (gtk_widget_get_visible (button));
  /* The reply may be auto-playing: let it end, so that what plays next is the recording. */
  ui_test_wait_for (!playtest_player_get_playing (player));

  g_signal_connect (player, "finished", G_CALLBACK (count_finished_cb), &finished);
  g_signal_emit_by_name (button, "clicked");
  ui_test_wait_for (playtest_player_get_playing (player));
  ui_test_wait_for (finished == 1);
  g_assert_false (playtest_player_get_playing (player));
  g_signal_handlers_disconnect_by_data (player, &finished);
}

static void
window_records_and_sends (PlaytestWindow *window)
{
  PlaytestConversation *conversation = playtest_window_get_conversation (window);
  GtkWidget *composer = ui_test_find_by_type (GTK_WIDGET (window), PLAYTEST_TYPE_COMPOSER);
  GtkWidget *button = ui_test_find_by_label (GTK_WIDGET (window), "Record voice");
  PlaytestRecorder *recorder = playtest_composer_get_recorder (PLAYTEST_COMPOSER (composer));
  guint before = g_list_model_get_n_items (G_LIST_MODEL (conversation));
  PlaytestTurn *turn;

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "send-audio-file"));

  /* Too short: a toast, nothing sent. */
  g_signal_emit_by_name (button, "clicked");
  g_signal_emit_by_name (button, "clicked");
  ui_test_wait_for (ui_test_find_text (GTK_WIDGET (window),
                                       "The recording is too short to send.") != NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, before);
  ui_test_wait_for (gtk_widget_get_sensitive (button));

  /* A second and more: sent, answered with a transcript, kept with the turn. */
  g_signal_emit_by_name (button, "clicked");
  ui_test_wait_for (playtest_recorder_get_duration_ms (recorder) >= 1000);
  ui_test_save_screenshot (GTK_WIDGET (window), "voice-recording-window");
  g_signal_emit_by_name (button, "clicked");

  turn = wait_for_voice_reply (conversation, before, GTK_WIDGET (window));
  ui_test_wait_for (history_has_audio (turn));
  ui_test_save_screenshot (GTK_WIDGET (window), "voice-answered-window");
  window_plays_recording (window, turn);
}

static gboolean
chooser_has_file (GtkFileChooser *chooser,
                  GFile          *file)
{
  g_autoptr(GFile) chosen = gtk_file_chooser_get_file (chooser);

  return chosen != NULL && g_file_equal (chosen, file);
}

/* Send Audio File…: the chooser (GTK's own dialog, there is no portal here) takes a file. */
static void
choose_audio_file (PlaytestWindow *window,
                   GFile          *file)
{
  GtkWindow *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.send-audio-file", NULL);
  ui_test_wait_for ((dialog = ui_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG)) != NULL);
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), file, NULL));
  /* The chooser selects it once it has read the folder. */
  ui_test_wait_for (chooser_has_file (GTK_FILE_CHOOSER (dialog), file));
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
}

static void
window_sends_audio_file (PlaytestWindow *window,
                         const char     *directory)
{
  PlaytestConversation *conversation = playtest_window_get_conversation (window);
  PlaytestTurn *turn = playtest_conversation_get_last_turn (conversation);
  guint before = g_list_model_get_n_items (G_LIST_MODEL (conversation));
  g_autofree char *bad_path = g_build_filename (directory, "notes.txt", NULL);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad_path);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  /* The last take, as the history store kept it. */
  g_assert_nonnull (playtest_turn_get_user_audio_path (turn));
  file = g_file_new_for_path (playtest_turn_get_user_audio_path (turn));
  g_file_set_contents (bad_path, "not sound at all\n", -1, &error);
  g_assert_no_error (error);

  choose_audio_file (window, bad_file);
  ui_test_wait_for (ui_test_find_text (GTK_WIDGET (window), "Could not send “notes.txt”") != NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, before);

  choose_audio_file (window, file);
  wait_for_voice_reply (conversation, before, GTK_WIDGET (window));
}

static gboolean
run_window_body_cb (gpointer user_data)
{
  GtkApplication *app = user_data;
  PlaytestWindow *window;

  ui_test_wait_for (gtk_application_get_active_window (app) != NULL);
  window = PLAYTEST_WINDOW (gtk_application_get_active_window (app));
  ui_test_wait_for (playtest_window_get_conversation (window) != NULL);

  window_records_and_sends (window);
  window_sends_audio_file (window, g_object_get_data (G_OBJECT (app), "test-directory"));

  gtk_window_close (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  return G_SOURCE_REMOVE;
}

static void
app_activate_cb (GApplication *app)
{
  g_application_hold (app);
  g_idle_add (run_window_body_cb, app);
}

static void
test_window_voice (void)
{
  g_autofree char *directory = ui_test_make_temp_dir ("test-voice-input-XXXXXX");
  PlaytestApplication *app = playtest_application_new ();

  g_object_set (app, "history-directory", directory, "demo", TRUE, NULL);
  g_object_set_data (G_OBJECT (app), "test-directory", directory);
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (app_activate_cb), NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  g_object_add_weak_pointer (G_OBJECT (app), (gpointer *) &app);
  g_object_unref (app);
  ui_test_wait_for (app == NULL);
  ui_test_remove_tree (directory);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_nonnull (playtest_app_get_resource ());
  g_object_unref (ui_test_load_app_style ());

#define ADD(path, mode, func) \
  g_test_add (path, Fixture, mode, fixture_set_up, func, fixture_tear_down)
  ADD ("/voice-input/record-sends", NULL, test_record_sends_voice_turn);
  ADD ("/voice-input/too-short", NULL, test_too_short_is_refused);
  ADD ("/voice-input/escape-cancels", NULL, test_escape_cancels);
  ADD ("/voice-input/push-to-talk", NULL, test_push_to_talk);
  ADD ("/voice-input/no-microphone", "none", test_no_microphone);
#undef ADD
  g_test_add_func ("/voice-input/window", test_window_voice);

  return g_test_run ();
}
