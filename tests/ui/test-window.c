/* test-window.c: the main window in demo mode, end to end over loopback HTTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "playtest-application.h"
#include "playtest-chat-row.h"
#include "playtest-composer.h"
#include "playtest-window.h"
#include "ui-test-util.h"

typedef struct _Fixture Fixture;
typedef void (*FixtureFunc) (Fixture *fixture);

struct _Fixture
{
  PlaytestApplication *app;
  PlaytestWindow      *window;
  FixtureFunc          func;
};

/* The test body runs inside g_application_run(), as the app itself would: startup, the
 * key lookup, activation, and on the way out shutdown and unregistering from the bus. */
static gboolean
run_body_cb (gpointer user_data)
{
  Fixture *fixture = user_data;
  GtkApplication *app = GTK_APPLICATION (fixture->app);

  ui_test_wait_for (gtk_application_get_active_window (app) != NULL);
  fixture->window = PLAYTEST_WINDOW (gtk_application_get_active_window (app));
  g_assert_true (playtest_application_get_demo_mode (fixture->app));
  ui_test_wait_for (playtest_window_get_conversation (fixture->window) != NULL);

  fixture->func (fixture);

  gtk_window_close (GTK_WINDOW (fixture->window));
  fixture->window = NULL;
  g_application_release (G_APPLICATION (fixture->app));

  return G_SOURCE_REMOVE;
}

static void
activate_cb (GApplication *app,
             Fixture      *fixture)
{
  g_application_hold (app);
  g_idle_add (run_body_cb, fixture);
}

/* Runs @func with a new app in demo mode and its window showing a conversation; then
 * checks that everything was let go: requests in flight ended, window and app finalized. */
static void
with_window_in (const char  *history_directory,
                FixtureFunc  func)
{
  Fixture fixture = { .func = func };
  PlaytestApplication *app;

  fixture.app = app = playtest_application_new ();
  g_object_set (app, "history-directory", history_directory, NULL);
  /* Tests run in parallel: no single-instance negotiation on the session bus. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_object_set (app, "demo", TRUE, NULL);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &fixture);

  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  g_object_add_weak_pointer (G_OBJECT (app), (gpointer *) &app);
  g_clear_object (&fixture.app);
  ui_test_wait_for (app == NULL);
}

/* Each test has a history store of its own, so that none reopens another's conversation. */
static char *
make_history_directory (void)
{
  g_autoptr(GError) error = NULL;
  char *directory = g_dir_make_tmp ("test-window-XXXXXX", &error);

  g_assert_no_error (error);
  return directory;
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;
  GFile *child;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && g_file_enumerator_iterate (children, &info, &child, NULL, NULL)
         && info != NULL)
    remove_tree (child);
  g_file_delete (file, NULL, NULL);
}

static void
remove_history_directory (char *directory)
{
  g_autoptr(GFile) file = g_file_new_for_path (directory);

  remove_tree (file);
  g_free (directory);
}

static void
with_window (FixtureFunc func)
{
  char *directory = make_history_directory ();

  with_window_in (directory, func);
  remove_history_directory (directory);
}

/* Types a line and sends it; returns the turn (held by the conversation) once complete. */
static PlaytestTurn *
send_line (Fixture    *fixture,
           const char *text)
{
  PlaytestConversation *conversation = playtest_window_get_conversation (fixture->window);
  GtkWidget *composer = ui_test_find_by_type (GTK_WIDGET (fixture->window),
                                              PLAYTEST_TYPE_COMPOSER);
  guint before = g_list_model_get_n_items (G_LIST_MODEL (conversation));
  g_autoptr(PlaytestTurn) turn = NULL;
  g_autofree char *left = NULL;

  g_assert_nonnull (composer);
  playtest_composer_set_text (PLAYTEST_COMPOSER (composer), text);
  g_assert_true (gtk_widget_activate_action (composer, "composer.send", NULL));

  /* The pending turn is there at once: the request does not block. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, before + 1);
  left = playtest_composer_dup_text (PLAYTEST_COMPOSER (composer));
  g_assert_cmpstr (left, ==, "");

  turn = g_list_model_get_item (G_LIST_MODEL (conversation), before);
  g_assert_cmpstr (playtest_turn_get_user_text (turn), ==, text);
  ui_test_wait_for (playtest_turn_get_state (turn) == PLAYTEST_TURN_COMPLETE
                    || playtest_turn_get_state (turn) == PLAYTEST_TURN_FAILED);
  g_assert_null (playtest_turn_get_error (turn));
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);

  return turn;  /* the conversation holds it */
}

static GtkLabel *
session_label (Fixture *fixture)
{
  GtkWidget *label = ui_test_find_by_id (GTK_WIDGET (fixture->window), "session_label");

  g_assert_true (GTK_IS_LABEL (label));
  return GTK_LABEL (label);
}

static void
builds_in_demo_mode (Fixture *fixture)
{
  PlaytestCharacterList *characters = playtest_window_get_character_list (fixture->window);
  PlaytestConversation *conversation = playtest_window_get_conversation (fixture->window);
  g_autoptr(PlaytestCharacterItem) first = NULL;
  GtkWidget *bar;
  GtkWidget *bar_label;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (characters)), >=, 3);
  first = g_list_model_get_item (G_LIST_MODEL (characters), 0);
  g_assert_cmpstr (playtest_character_item_get_origin (first), ==, "demo");
  g_assert_cmpuint (playtest_character_list_find (characters, "demo-mira"), !=, G_MAXUINT);

  /* A new user sees a conversation with a demo character, ready to type. */
  g_assert_nonnull (playtest_character_list_lookup (
    characters, playtest_conversation_get_character_id (conversation)));
  g_assert_cmpstr (gtk_label_get_label (session_label (fixture)), ==, "New session");

  /* The demo bar is out, with its words and its way forward. */
  bar = ui_test_find_by_id (GTK_WIDGET (fixture->window), "bar_revealer");
  g_assert_true (GTK_IS_REVEALER (bar));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (bar)));
  bar_label = ui_test_find_by_id (GTK_WIDGET (fixture->window), "bar_label");
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (bar_label)), "demo characters"));
}

static void
test_window_builds_in_demo_mode (void)
{
  with_window (builds_in_demo_mode);
}

/* Characters added by id come after the listed ones, once each, and are saved. */
static void
custom_characters (Fixture *fixture)
{
  PlaytestCharacterList *characters = playtest_window_get_character_list (fixture->window);
  GListModel *model = G_LIST_MODEL (characters);
  guint n = g_list_model_get_n_items (model);
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(GVariant) saved = NULL;
  g_autoptr(PlaytestCharacterItem) last = NULL;
  PlaytestCharacterItem *mira;

  playtest_character_list_add_custom (characters, " my-character ", "My Character");
  playtest_character_list_add_custom (characters, "demo-mira", "Another Mira");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n + 1);

  last = g_list_model_get_item (model, n);
  g_assert_cmpstr (playtest_character_item_get_id (last), ==, "my-character");
  g_assert_cmpstr (playtest_character_item_get_name (last), ==, "My Character");
  g_assert_cmpstr (playtest_character_item_get_origin (last), ==, "custom");
  mira = playtest_character_list_lookup (characters, "demo-mira");
  g_assert_cmpstr (playtest_character_item_get_origin (mira), ==, "demo");

  saved = g_settings_get_value (settings, "custom-characters");
  g_assert_cmpuint (g_variant_n_children (saved), ==, 2);

  /* Choosing it in the selector starts a conversation with it. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (ui_test_find_by_label (
                                GTK_WIDGET (fixture->window), "Character")), n);
  g_assert_cmpstr (playtest_conversation_get_character_id (
                     playtest_window_get_conversation (fixture->window)), ==, "my-character");
  g_settings_reset (settings, "custom-characters");
}

static void
test_window_custom_characters (void)
{
  with_window (custom_characters);
}

static void
accessible_labels (Fixture *fixture)
{
  static const char *labels[] = {
    "Message", "Send", "Character", "New Session", "Conversation", "Emotion", "Action",
    "Narrative timeline",
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      GtkWidget *widget = ui_test_find_by_label (GTK_WIDGET (fixture->window), labels[i]);

      if (widget == NULL)
        g_error ("No widget has the accessible label “%s”", labels[i]);
    }
}

static void
test_window_accessible_labels (void)
{
  with_window (accessible_labels);
}

static gboolean
list_shows_turn (GtkWidget    *list,
                 PlaytestTurn *turn)
{
  for (GtkWidget *row = gtk_widget_get_first_child (list);
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *chat_row = ui_test_find_by_type (row, PLAYTEST_TYPE_CHAT_ROW);

      if (chat_row != NULL && playtest_chat_row_get_turn (PLAYTEST_CHAT_ROW (chat_row)) == turn)
        return TRUE;
    }

  return FALSE;
}

static void
send_a_line (Fixture *fixture)
{
  PlaytestConversation *conversation = playtest_window_get_conversation (fixture->window);
  PlaytestTurn *turn = send_line (fixture, "Hello there!");
  const char *reply = playtest_turn_get_reply_text (turn);
  GtkWidget *list;

  g_assert_nonnull (reply);
  g_assert_cmpstr (reply, !=, "");

  /* The header shows the session the reply started. */
  g_assert_nonnull (playtest_conversation_get_session_id (conversation));
  g_assert_cmpstr (gtk_label_get_label (session_label (fixture)), ==,
                   playtest_conversation_get_session_id (conversation));

  /* The chat list has a row for the turn: the user's line and the character's answer. */
  list = ui_test_find_by_label (GTK_WIDGET (fixture->window), "Conversation");
  g_assert_true (GTK_IS_WIDGET (list));
  ui_test_wait_for (list_shows_turn (list, turn));
}

static void
test_window_send_line (void)
{
  with_window (send_a_line);
}

/* A few turns with each kind of chip, for a person to look at (PLAYTEST_SCREENSHOT_DIR). */
static void
a_few_turns (Fixture *fixture)
{
  static const char *lines[] = {
    "Hello there!", "Where is the ring?", "Can I have a drink?", "Tell me about the cellar.",
  };
  GtkWidget *list = ui_test_find_by_label (GTK_WIDGET (fixture->window), "Conversation");
  PlaytestTurn *turn = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    turn = send_line (fixture, lines[i]);

  ui_test_wait_for (list_shows_turn (list, turn));
  ui_test_spin_idle ();
  ui_test_save_screenshot (GTK_WIDGET (fixture->window), "window-demo");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.presentation",
                                             NULL));
  ui_test_spin_idle ();
  ui_test_save_screenshot (GTK_WIDGET (fixture->window), "window-presentation");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.presentation",
                                             NULL));
}

static void
test_window_a_few_turns (void)
{
  with_window (a_few_turns);
}

static void
new_session (Fixture *fixture)
{
  PlaytestConversation *before;
  PlaytestConversation *after;
  g_autofree char *character_id = NULL;
  g_autofree char *old_session = NULL;

  send_line (fixture, "Hello there!");
  before = playtest_window_get_conversation (fixture->window);
  character_id = g_strdup (playtest_conversation_get_character_id (before));
  old_session = g_strdup (playtest_conversation_get_session_id (before));
  g_assert_nonnull (old_session);
  g_assert_cmpstr (gtk_label_get_label (session_label (fixture)), ==, old_session);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-session",
                                             NULL));

  after = playtest_window_get_conversation (fixture->window);
  g_assert_true (after != before);
  g_assert_cmpstr (playtest_conversation_get_character_id (after), ==, character_id);
  g_assert_null (playtest_conversation_get_session_id (after));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (after)), ==, 0);
  g_assert_cmpstr (gtk_label_get_label (session_label (fixture)), ==, "New session");

  /* The next line starts a new session (sessionID=-1): another id comes back. */
  send_line (fixture, "Hello there!");
  g_assert_nonnull (playtest_conversation_get_session_id (after));
  g_assert_cmpstr (playtest_conversation_get_session_id (after), !=, old_session);
  g_assert_cmpstr (gtk_label_get_label (session_label (fixture)), ==,
                   playtest_conversation_get_session_id (after));
}

static void
test_window_new_session (void)
{
  with_window (new_session);
}

/* What the first run of the app left, for the second to find. */
static struct
{
  char *conversation_id;
  char *session_id;
  char *reply;
} last_run;

static void
talk_then_close (Fixture *fixture)
{
  PlaytestConversation *conversation = playtest_window_get_conversation (fixture->window);

  send_line (fixture, "Hello there!");
  last_run.reply = g_strdup (playtest_turn_get_reply_text (send_line (fixture,
                                                                      "Where is the ring?")));
  last_run.conversation_id = g_strdup (playtest_conversation_get_id (conversation));
  last_run.session_id = g_strdup (playtest_conversation_get_session_id (conversation));
}

static void
find_it_reopened (Fixture *fixture)
{
  PlaytestConversation *conversation = playtest_window_get_conversation (fixture->window);
  g_autoptr(PlaytestTurn) turn = NULL;

  g_assert_cmpstr (playtest_conversation_get_id (conversation), ==, last_run.conversation_id);
  g_assert_cmpstr (playtest_conversation_get_session_id (conversation), ==,
                   last_run.session_id);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 2);
  turn = g_list_model_get_item (G_LIST_MODEL (conversation), 1);
  g_assert_cmpstr (playtest_turn_get_user_text (turn), ==, "Where is the ring?");
  g_assert_cmpstr (playtest_turn_get_reply_text (turn), ==, last_run.reply);
  g_assert_cmpstr (gtk_label_get_label (session_label (fixture)), ==, last_run.session_id);

  /* And it goes on in the same session. */
  send_line (fixture, "Thank you.");
  g_assert_cmpstr (playtest_conversation_get_session_id (conversation), ==,
                   last_run.session_id);
}

static void
test_window_reopens_last_conversation (void)
{
  /* Two runs of the app on the same history store. */
  char *directory = make_history_directory ();

  with_window_in (directory, talk_then_close);
  with_window_in (directory, find_it_reopened);
  remove_history_directory (directory);

  g_clear_pointer (&last_run.conversation_id, g_free);
  g_clear_pointer (&last_run.session_id, g_free);
  g_clear_pointer (&last_run.reply, g_free);
}

static void
presentation_mode (Fixture *fixture)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *flap = ui_test_find_by_id (window, "flap");
  GtkWidget *title_stack = ui_test_find_by_id (window, "title_stack");

  g_assert_true (ADW_IS_FLAP (flap));
  adw_flap_set_reveal_flap (ADW_FLAP (flap), TRUE);

  g_assert_true (gtk_widget_activate_action (window, "win.presentation", NULL));
  g_assert_true (playtest_window_get_presentation (fixture->window));
  g_assert_true (gtk_widget_has_css_class (window, "presentation"));
  g_assert_false (adw_flap_get_reveal_flap (ADW_FLAP (flap)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (title_stack)), ==,
                   "presentation");

  /* F11 again leaves it, and the side panel comes back as it was. */
  g_assert_true (gtk_widget_activate_action (window, "win.presentation", NULL));
  g_assert_false (playtest_window_get_presentation (fixture->window));
  g_assert_false (gtk_widget_has_css_class (window, "presentation"));
  g_assert_true (adw_flap_get_reveal_flap (ADW_FLAP (flap)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (title_stack)), ==, "title");
}

static void
test_window_presentation_mode (void)
{
  with_window (presentation_mode);
}

static void
side_panel_toggle (Fixture *fixture)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  GtkWidget *flap = ui_test_find_by_id (window, "flap");
  gboolean shown = adw_flap_get_reveal_flap (ADW_FLAP (flap));

  g_assert_true (gtk_widget_activate_action (window, "win.toggle-side-panel", NULL));
  g_assert_cmpint (adw_flap_get_reveal_flap (ADW_FLAP (flap)), ==, !shown);
  g_assert_cmpint (g_settings_get_boolean (settings, "show-side-panel"), ==, !shown);

  g_assert_true (gtk_widget_activate_action (window, "win.toggle-side-panel", NULL));
  g_assert_cmpint (adw_flap_get_reveal_flap (ADW_FLAP (flap)), ==, shown);
  g_assert_cmpint (g_settings_get_boolean (settings, "show-side-panel"), ==, shown);
}

static void
test_window_side_panel_toggle (void)
{
  with_window (side_panel_toggle);
}

static void
count_send_cb (PlaytestComposer *composer,
               const char       *text,
               guint            *sent)
{
  g_assert_cmpstr (text, ==, "Hello\nthere");
  (*sent)++;
}

static void
test_composer_ignores_blank_lines (void)
{
  GtkWidget *composer = g_object_ref_sink (playtest_composer_new ());
  GtkWidget *send_button = ui_test_find_by_label (composer, "Send");
  guint sent = 0;
  g_autofree char *text = NULL;

  g_signal_connect (composer, "send", G_CALLBACK (count_send_cb), &sent);
  g_assert_true (GTK_IS_BUTTON (send_button));
  g_assert_false (gtk_widget_get_sensitive (send_button));

  /* Nothing but blanks: Send is off and nothing goes out. */
  playtest_composer_set_text (PLAYTEST_COMPOSER (composer), "  \n\t ");
  g_assert_false (gtk_widget_get_sensitive (send_button));
  gtk_widget_activate_action (composer, "composer.send", NULL);
  g_assert_cmpuint (sent, ==, 0);
  text = playtest_composer_dup_text (PLAYTEST_COMPOSER (composer));
  g_assert_cmpstr (text, ==, "  \n\t ");

  /* A line goes out trimmed, and the box is empty again. */
  playtest_composer_set_text (PLAYTEST_COMPOSER (composer), "  Hello\nthere \n");
  g_assert_true (gtk_widget_get_sensitive (send_button));
  g_assert_true (gtk_widget_activate_action (composer, "composer.send", NULL));
  g_assert_cmpuint (sent, ==, 1);
  g_clear_pointer (&text, g_free);
  text = playtest_composer_dup_text (PLAYTEST_COMPOSER (composer));
  g_assert_cmpstr (text, ==, "");
  g_assert_false (gtk_widget_get_sensitive (send_button));
  gtk_widget_activate_action (composer, "composer.send", NULL);
  g_assert_cmpuint (sent, ==, 1);

  g_object_unref (composer);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/window/builds-in-demo-mode", test_window_builds_in_demo_mode);
  g_test_add_func ("/window/accessible-labels", test_window_accessible_labels);
  g_test_add_func ("/window/custom-characters", test_window_custom_characters);
  g_test_add_func ("/window/send-line", test_window_send_line);
  g_test_add_func ("/window/a-few-turns", test_window_a_few_turns);
  g_test_add_func ("/window/new-session", test_window_new_session);
  g_test_add_func ("/window/reopens-last-conversation", test_window_reopens_last_conversation);
  g_test_add_func ("/window/presentation-mode", test_window_presentation_mode);
  g_test_add_func ("/window/side-panel-toggle", test_window_side_panel_toggle);
  g_test_add_func ("/composer/ignores-blank-lines", test_composer_ignores_blank_lines);

  return g_test_run ();
}
