/* test-window.c: the main window in demo mode, end to end over loopback HTTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "playtest-application.h"
#include "playtest-chat-row.h"
#include "playtest-composer.h"
#include "playtest-conversation-view.h"
#include "playtest-preferences-window.h"
#include "playtest-search-window.h"
#include "playtest-window.h"
#include "ui-test-util.h"

typedef struct _Fixture Fixture;
typedef void (*FixtureFunc) (Fixture *fixture);

/* How the app is started: what --base-url, --character, --demo would say. */
typedef struct
{
  const char *base_url;
  const char *character_id;
  gboolean    demo;
} AppOptions;

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

/* Runs @func with a new app started as @options say and its window showing a conversation;
 * then checks that everything was let go: requests in flight ended, window and app
 * finalized. */
static void
with_app (const char       *history_directory,
          const AppOptions *options,
          FixtureFunc       func)
{
  Fixture fixture = { .func = func };
  PlaytestApplication *app;

  fixture.app = app = playtest_application_new ();
  g_object_set (app,
                "history-directory", history_directory,
                "base-url", options->base_url,
                "character-id", options->character_id,
                "demo", options->demo,
                NULL);
  /* Tests run in parallel: no single-instance negotiation on the session bus. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &fixture);

  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  g_object_add_weak_pointer (G_OBJECT (app), (gpointer *) &app);
  g_clear_object (&fixture.app);
  ui_test_wait_for (app == NULL);
}

/* As with_app(), in demo mode (--demo). */
static void
with_window_in (const char  *history_directory,
                FixtureFunc  func)
{
  static const AppOptions demo = { .demo = TRUE };

  with_app (history_directory, &demo, func);
}

/* Each test has a history store of its own, so that none reopens another's conversation. */
static char *
make_history_directory (void)
{
  return ui_test_make_temp_dir ("test-window-XXXXXX");
}

static void
remove_history_directory (char *directory)
{
  ui_test_remove_tree (directory);
  g_free (directory);
}

static void
with_window (FixtureFunc func)
{
  char *directory = make_history_directory ();

  with_window_in (directory, func);
  remove_history_directory (directory);
}

/* Types a line and sends it; returns the turn (held by the conversation) once it came back
 * or failed. */
static PlaytestTurn *
send_line_to_the_end (Fixture    *fixture,
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
  ui_test_wait_for (ui_test_turn_is_done (turn));

  return turn;  /* the conversation holds it */
}

/* As send_line_to_the_end(), for a line that must get a reply. */
static PlaytestTurn *
send_line (Fixture    *fixture,
           const char *text)
{
  PlaytestTurn *turn = send_line_to_the_end (fixture, text);

  g_assert_no_error (playtest_turn_get_error (turn));
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);

  return turn;
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

  g_assert_true (playtest_application_get_demo_mode (fixture->app));
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

static GtkWidget *
find_chat_row (GtkWidget    *list,
               PlaytestTurn *turn)
{
  for (GtkWidget *row = gtk_widget_get_first_child (list);
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *chat_row = ui_test_find_by_type (row, PLAYTEST_TYPE_CHAT_ROW);

      if (chat_row != NULL && playtest_chat_row_get_turn (PLAYTEST_CHAT_ROW (chat_row)) == turn)
        return chat_row;
    }

  return NULL;
}

static gboolean
list_shows_turn (GtkWidget    *list,
                 PlaytestTurn *turn)
{
  return find_chat_row (list, turn) != NULL;
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

/* Errors and ways forward ------------------------------------------------------------------ */

static void
with_options (const AppOptions *options,
              FixtureFunc       func)
{
  char *directory = make_history_directory ();

  with_app (directory, options, func);
  remove_history_directory (directory);
}

static GtkWidget *
bar_revealer (Fixture *fixture)
{
  return ui_test_find_by_id (GTK_WIDGET (fixture->window), "bar_revealer");
}

static GtkWidget *
bar_button (Fixture *fixture)
{
  return ui_test_find_by_id (GTK_WIDGET (fixture->window), "bar_button");
}

static gboolean
bar_shown (Fixture *fixture)
{
  return gtk_revealer_get_reveal_child (GTK_REVEALER (bar_revealer (fixture)));
}

/* The focus is in the API key row of @preferences. */
static gboolean
focus_in_key_row (GtkWindow *preferences)
{
  GtkWidget *focus = gtk_window_get_focus (preferences);

  return focus != NULL && (ADW_IS_PASSWORD_ENTRY_ROW (focus)
                           || gtk_widget_get_ancestor (focus, ADW_TYPE_PASSWORD_ENTRY_ROW));
}

static PlaytestDemoServer *service;

static gboolean
keyring_runs (Fixture *fixture)
{
  if (!playtest_secret_get_keyring_available (playtest_application_get_secret (fixture->app)))
    return FALSE;

  g_test_skip ("A keyring service runs on this bus: the test would store a key in it");
  return TRUE;
}

static void store_key (Fixture    *fixture,
                       const char *key);

static void
count_cb (guint *count)
{
  (*count)++;
}

static void
key_rejected (Fixture *fixture)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *list = ui_test_find_by_label (window, "Conversation");
  GtkWidget *row;
  GtkWindow *preferences;
  PlaytestTurn *turn;
  guint listed = 0;

  if (keyring_runs (fixture))
    return;

  /* The service took any key and listed the characters; now it wants another key. */
  g_signal_connect_swapped (playtest_window_get_character_list (fixture->window),
                            "items-changed", G_CALLBACK (count_cb), &listed);
  store_key (fixture, "a-wrong-key");
  ui_test_wait_for (listed > 0);
  g_assert_false (playtest_application_get_demo_mode (fixture->app));
  g_assert_false (bar_shown (fixture));
  playtest_demo_server_set_api_key (service, "the-right-key");

  turn = send_line_to_the_end (fixture, "Hello there!");
  g_assert_error (playtest_turn_get_error (turn), PLAYTEST_CLIENT_ERROR,
                  PLAYTEST_CLIENT_ERROR_BAD_KEY);
  g_assert_true (bar_shown (fixture));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (ui_test_find_by_id (window, "bar_label"))),
                   ==, "Convai rejected the API key.");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (bar_button (fixture))), ==, "Change Key…");

  /* The line is not lost: its row failed, with Retry. */
  ui_test_wait_for ((row = find_chat_row (list, turn)) != NULL);
  g_assert_true (GTK_IS_BUTTON (ui_test_find_by_label (row, "Retry")));
  g_assert_true (gtk_widget_get_visible (ui_test_find_by_label (row, "Retry")));
  ui_test_save_screenshot (window, "window-key-rejected");

  /* The way forward: the preferences, at the key. */
  g_signal_emit_by_name (bar_button (fixture), "clicked");
  preferences = ui_test_find_toplevel (PLAYTEST_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  ui_test_wait_for (focus_in_key_row (preferences));
  gtk_window_destroy (preferences);
}

static void
test_window_key_rejected (void)
{
  g_autofree char *url = NULL;
  AppOptions options = { .character_id = "demo-mira" };

  /* Another demo backend plays the service, at --base-url. */
  service = ui_test_start_demo_server (&url);
  options.base_url = url;
  with_options (&options, key_rejected);
  playtest_demo_server_disconnect (service);
  g_clear_object (&service);
}

static void
busy_service (Fixture *fixture)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  PlaytestTurn *turn = send_line_to_the_end (fixture, "[demo:fail=429,retry-after=3] Hello");

  g_assert_error (playtest_turn_get_error (turn), PLAYTEST_CLIENT_ERROR,
                  PLAYTEST_CLIENT_ERROR_RATE_LIMITED);
  ui_test_wait_for (ui_test_find_text (window, "The service is busy. Try again in 3 s.") != NULL);
  ui_test_save_screenshot (window, "window-busy");

  /* Nothing to do with the key: no bar about it. */
  g_assert_null (ui_test_find_text (window, "rejected"));
}

static void
test_window_busy_service (void)
{
  with_window (busy_service);
}

static void
no_keyring (Fixture *fixture)
{
  PlaytestSecret *secret = playtest_application_get_secret (fixture->app);
  GtkWindow *preferences;

  if (playtest_secret_get_keyring_available (secret))
    {
      g_test_skip ("A keyring service runs on this bus");
      return;
    }

  /* In demo mode there is no key to lose: nothing said at start. */
  ui_test_spin_idle ();
  g_assert_null (ui_test_find_text (GTK_WIDGET (fixture->window), "keyring"));

  /* Where a key is typed, it is. */
  g_signal_emit_by_name (bar_button (fixture), "clicked");
  preferences = ui_test_find_toplevel (PLAYTEST_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  g_assert_nonnull (ui_test_find_text (GTK_WIDGET (preferences), "No keyring is available"));
  gtk_window_destroy (preferences);
}

static void
test_window_no_keyring (void)
{
  with_window (no_keyring);
}

static void
store_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (playtest_secret_store_finish (PLAYTEST_SECRET (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
store_key (Fixture    *fixture,
           const char *key)
{
  gboolean done = FALSE;

  playtest_secret_store_async (playtest_application_get_secret (fixture->app), key, NULL,
                               store_done_cb, &done);
  ui_test_wait_for (done);
}

static gboolean
characters_from (Fixture    *fixture,
                 const char *origin)
{
  GListModel *characters = G_LIST_MODEL (playtest_window_get_character_list (fixture->window));
  g_autoptr(PlaytestCharacterItem) first = g_list_model_get_item (characters, 0);

  return first != NULL && g_strcmp0 (playtest_character_item_get_origin (first), origin) == 0;
}

static void
key_set_while_running (Fixture *fixture)
{
  PlaytestClient *client = playtest_application_get_client (fixture->app);
  g_autofree char *service_url = playtest_demo_server_dup_base_url (service);
  PlaytestConversation *demo_conversation;
  PlaytestConversation *conversation;

  if (keyring_runs (fixture))
    return;

  g_assert_true (playtest_application_get_demo_mode (fixture->app));
  send_line (fixture, "Hello there!");
  demo_conversation = playtest_window_get_conversation (fixture->window);

  /* A key: the service at the configured address, its characters, a new session there. */
  store_key (fixture, "the-right-key");
  g_assert_false (playtest_application_get_demo_mode (fixture->app));
  g_assert_cmpstr (playtest_client_get_base_url (client), ==, service_url);
  g_assert_false (bar_shown (fixture));
  ui_test_wait_for (characters_from (fixture, "account"));
  ui_test_wait_for (playtest_window_get_conversation (fixture->window) != demo_conversation);
  conversation = playtest_window_get_conversation (fixture->window);
  g_assert_null (playtest_conversation_get_session_id (conversation));
  send_line (fixture, "Hello there!");  /* the service wants the key: it went along */

  /* No key: back to the demo. */
  store_key (fixture, NULL);
  g_assert_true (playtest_application_get_demo_mode (fixture->app));
  g_assert_cmpstr (playtest_client_get_base_url (client), !=, service_url);
  g_assert_true (bar_shown (fixture));
  ui_test_wait_for (characters_from (fixture, "demo"));
  ui_test_wait_for (playtest_window_get_conversation (fixture->window) != conversation);
  send_line (fixture, "Hello there!");
}

static void
test_window_key_set_while_running (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autofree char *url = NULL;
  AppOptions options = { 0 };

  /* Another demo backend plays the real service, at the address the preferences set. */
  service = ui_test_start_demo_server (&url);
  playtest_demo_server_set_api_key (service, "the-right-key");
  g_settings_set_string (settings, "base-url", url);
  with_options (&options, key_set_while_running);
  g_settings_reset (settings, "base-url");
  playtest_demo_server_disconnect (service);
  g_clear_object (&service);
}

/* Past sessions, search, characters by id ---------------------------------------------- */

/* Collects the targets of @action in @menu, sections and submenus included. */
static void
collect_targets (GMenuModel *menu,
                 const char *action,
                 GPtrArray  *targets)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *item_action = NULL;
      g_autofree char *target = NULL;
      g_autoptr(GMenuLinkIter) links = g_menu_model_iterate_item_links (menu, i);
      GMenuModel *link;

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &item_action)
          && g_str_equal (item_action, action)
          && g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_TARGET, "s", &target))
        g_ptr_array_add (targets, g_steal_pointer (&target));

      while (g_menu_link_iter_get_next (links, NULL, &link))
        {
          collect_targets (link, action, targets);
          g_object_unref (link);
        }
    }
}

static GPtrArray *
open_menu_for_past_sessions (Fixture *fixture)
{
  GtkWidget *button = ui_test_find_by_label (GTK_WIDGET (fixture->window), "Main Menu");
  GPtrArray *targets = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (GTK_IS_MENU_BUTTON (button));
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  collect_targets (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button)),
                   "win.open-session", targets);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));

  return targets;
}

static gboolean
has_string (GPtrArray  *strings,
            const char *string)
{
  return g_ptr_array_find_with_equal_func (strings, string, g_str_equal, NULL);
}

static void
past_sessions (Fixture *fixture)
{
  PlaytestConversation *conversation = playtest_window_get_conversation (fixture->window);
  g_autofree char *first_id = NULL;
  g_autofree char *first_session = NULL;
  g_autoptr(GPtrArray) targets = NULL;

  send_line (fixture, "Where is the ring?");
  first_id = g_strdup (playtest_conversation_get_id (conversation));
  first_session = g_strdup (playtest_conversation_get_session_id (conversation));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-session",
                                             NULL));
  conversation = playtest_window_get_conversation (fixture->window);
  send_line (fixture, "Hello there!");

  targets = open_menu_for_past_sessions (fixture);
  g_assert_cmpuint (targets->len, ==, 2);
  g_assert_true (has_string (targets, first_id));
  g_assert_true (has_string (targets, playtest_conversation_get_id (conversation)));

  /* Choosing the first one reopens it, turns and session id, and it goes on there. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.open-session",
                                             "s", first_id));
  conversation = playtest_window_get_conversation (fixture->window);
  g_assert_cmpstr (playtest_conversation_get_id (conversation), ==, first_id);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conversation)), ==, 1);
  g_assert_cmpstr (playtest_conversation_get_session_id (conversation), ==, first_session);
  send_line (fixture, "Thank you.");
  g_assert_cmpstr (playtest_conversation_get_session_id (conversation), ==, first_session);
}

static void
test_window_past_sessions (void)
{
  with_window (past_sessions);
}

static gboolean
search_has_rows (GtkWindow *search)
{
  return ui_test_find_by_type (GTK_WIDGET (search), GTK_TYPE_LIST_BOX_ROW) != NULL;
}

static void
search_and_open (Fixture *fixture)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  PlaytestConversation *conversation = playtest_window_get_conversation (fixture->window);
  PlaytestCharacterItem *character;
  g_autofree char *first_id = g_strdup (playtest_conversation_get_id (conversation));
  g_auto(GStrv) accels = NULL;
  GtkWidget *view = ui_test_find_by_type (window, PLAYTEST_TYPE_CONVERSATION_VIEW);
  GtkWidget *entry;
  GtkWidget *row;
  GtkWindow *search;
  PlaytestTurn *selected;

  send_line (fixture, "Where is the ring?");
  send_line (fixture, "Hello there!");
  character = playtest_character_list_lookup (playtest_window_get_character_list (
                                                fixture->window),
                                              playtest_conversation_get_character_id (
                                                conversation));
  g_assert_cmpstr (playtest_character_item_get_name (character), !=,
                   playtest_character_item_get_id (character));
  g_assert_true (gtk_widget_activate_action (window, "win.new-session", NULL));
  send_line (fixture, "Good evening.");

  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture->app), "win.search");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>f"));
  g_assert_true (gtk_widget_activate_action (window, "win.search", NULL));
  search = ui_test_find_toplevel (PLAYTEST_TYPE_SEARCH_WINDOW);
  g_assert_nonnull (search);

  entry = ui_test_find_by_type (GTK_WIDGET (search), GTK_TYPE_SEARCH_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (entry), "ring");
  ui_test_wait_for (search_has_rows (search));
  row = ui_test_find_by_type (GTK_WIDGET (search), GTK_TYPE_LIST_BOX_ROW);
  /* The hit names the character as the selector does. */
  g_assert_nonnull (ui_test_find_text (row, playtest_character_item_get_name (character)));

  g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
  conversation = playtest_window_get_conversation (fixture->window);
  g_assert_cmpstr (playtest_conversation_get_id (conversation), ==, first_id);
  selected = playtest_conversation_view_get_selected_turn (PLAYTEST_CONVERSATION_VIEW (view));
  g_assert_nonnull (selected);
  g_assert_cmpstr (playtest_turn_get_user_text (selected), ==, "Where is the ring?");
}

static void
test_window_search_and_open (void)
{
  with_window (search_and_open);
}

static void
add_character_by_id (Fixture *fixture)
{
  PlaytestCharacterList *characters = playtest_window_get_character_list (fixture->window);
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(GVariant) saved = NULL;
  GtkDropDown *selector;
  GtkWindow *dialog;
  PlaytestCharacterItem *item;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-character",
                                             NULL));
  dialog = ui_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));

  gtk_editable_set_text (GTK_EDITABLE (ui_test_find_by_label (GTK_WIDGET (dialog),
                                                              "Character ID")),
                         " 1234-abcd ");
  gtk_editable_set_text (GTK_EDITABLE (ui_test_find_by_label (GTK_WIDGET (dialog), "Name")),
                         "Barkeep");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "add");

  /* In the selector, chosen, and saved. */
  item = playtest_character_list_lookup (characters, "1234-abcd");
  g_assert_nonnull (item);
  g_assert_cmpstr (playtest_character_item_get_name (item), ==, "Barkeep");
  selector = GTK_DROP_DOWN (ui_test_find_by_label (GTK_WIDGET (fixture->window), "Character"));
  g_assert_true (gtk_drop_down_get_selected_item (selector) == (gpointer) item);
  g_assert_cmpstr (playtest_conversation_get_character_id (
                     playtest_window_get_conversation (fixture->window)), ==, "1234-abcd");
  saved = g_settings_get_value (settings, "custom-characters");
  g_assert_cmpuint (g_variant_n_children (saved), ==, 1);
  g_settings_reset (settings, "custom-characters");
}

static void
test_window_add_character_by_id (void)
{
  with_window (add_character_by_id);
}

static void
without_history (Fixture *fixture)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  g_autoptr(GPtrArray) targets = NULL;
  PlaytestWindow *second;

  g_assert_null (playtest_application_get_history (fixture->app));
  ui_test_wait_for (ui_test_find_text (window, "History is off") != NULL);

  /* Everything else works. */
  send_line (fixture, "Hello there!");
  targets = open_menu_for_past_sessions (fixture);
  g_assert_cmpuint (targets->len, ==, 0);

  /* Said once: another window does not say it again. */
  second = playtest_window_new (fixture->app);
  gtk_window_present (GTK_WINDOW (second));
  ui_test_wait_for (playtest_window_get_conversation (second) != NULL);
  ui_test_spin_idle ();
  g_assert_null (ui_test_find_text (GTK_WIDGET (second), "History is off"));
  gtk_window_destroy (GTK_WINDOW (second));
}

static void
test_window_without_history (void)
{
  g_autofree char *directory = make_history_directory ();
  g_autofree char *file = g_build_filename (directory, "not-a-folder", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (file, "", 0, &error));
  with_window_in (file, without_history);
  remove_history_directory (g_steal_pointer (&directory));
}

/* Keyboard --------------------------------------------------------------------------------- */

static void
collect_overlay_shortcuts (GPtrArray *actions,
                           GPtrArray *accels)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_PATH
                                                                 "/gtk/help-overlay.ui");
  GSList *objects = gtk_builder_get_objects (builder);

  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *action = NULL;
      g_autofree char *accel = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "action-name", &action, "accelerator", &accel, NULL);
      if (action != NULL)
        g_ptr_array_add (actions, g_steal_pointer (&action));
      if (accel != NULL)
        g_ptr_array_add (accels, g_steal_pointer (&accel));
    }
  g_slist_free (objects);
}

static void
shortcuts_listed (Fixture *fixture)
{
  GtkApplication *app = GTK_APPLICATION (fixture->app);
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) actions = gtk_application_list_action_descriptions (app);

  collect_overlay_shortcuts (listed, keys);

  /* Every action with a shortcut is in the shortcuts window, and everything it lists by
   * action has a shortcut. */
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (app, actions[i]);

      if (accels[0] != NULL && !has_string (listed, actions[i]))
        g_error ("%s (%s) is not in the shortcuts window", actions[i], accels[0]);
    }
  for (guint i = 0; i < listed->len; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (app, listed->pdata[i]);

      if (accels[0] == NULL)
        g_error ("The shortcuts window lists %s, which has no shortcut", (char *) listed->pdata[i]);
    }

  /* The keys of widgets: the composer's, Esc, and F10 for the main menu. */
  g_assert_true (has_string (keys, "Return"));
  g_assert_true (has_string (keys, "<Shift>Return"));
  g_assert_true (has_string (keys, "Escape"));
  g_assert_true (has_string (keys, "F10"));
}

static void
test_window_shortcuts_listed (void)
{
  with_window (shortcuts_listed);
}

static gboolean
focus_within (GtkWidget *focus,
              GtkWidget *widget)
{
  return focus == widget || (focus != NULL && gtk_widget_is_ancestor (focus, widget));
}

/* Tab goes round the window through every main control. */
static void
tab_order (Fixture *fixture)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *composer = ui_test_find_by_type (window, PLAYTEST_TYPE_COMPOSER);
  static const char *labels[] = { "Message", "Send", "Character", "New Session" };
  gboolean reached[G_N_ELEMENTS (labels)] = { FALSE };

  playtest_composer_set_text (PLAYTEST_COMPOSER (composer), "Hello");
  ui_test_wait_for (gtk_widget_get_mapped (window));

  for (guint step = 0; step < 200; step++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (window, GTK_DIR_TAB_FORWARD))
        gtk_widget_child_focus (window, GTK_DIR_TAB_FORWARD);  /* wrapped around */
      focus = gtk_window_get_focus (GTK_WINDOW (window));
      for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
        reached[i] |= focus_within (focus, ui_test_find_by_label (window, labels[i]));
    }

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (!reached[i])
      g_error ("Tab never reaches “%s”", labels[i]);
}

static void
test_window_tab_order (void)
{
  with_window (tab_order);
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

/* Export Session…: off until the session has a turn; the file chosen gets the session, the
 * JSON its audio beside it, and a toast says where. */

static gboolean
export_enabled (Fixture *fixture)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "export-session");
}

static char *
export_and_read (Fixture              *fixture,
                 const char           *directory,
                 const char           *name,
                 PlaytestExportFormat  format)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GFile) output = g_file_new_for_path (path);
  g_autofree char *toast = g_strdup_printf ("Exported to “%s”", name);
  char *contents = NULL;

  playtest_window_export_session (fixture->window, output, format);
  ui_test_wait_for (ui_test_find_text (GTK_WIDGET (fixture->window), toast) != NULL);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));

  return contents;
}

static void
export_session (Fixture *fixture)
{
  PlaytestTurn *turn;
  g_autofree char *directory = ui_test_make_temp_dir ("test-export-XXXXXX");
  g_autofree char *markdown = NULL;
  g_autofree char *json = NULL;
  g_autofree char *audio = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *session;
  JsonArray *turns;

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fixture->window), "export-session"));
  g_assert_false (export_enabled (fixture));
  turn = send_line (fixture, "Good evening");
  g_assert_true (export_enabled (fixture));

  markdown = export_and_read (fixture, directory, "evening.md", PLAYTEST_EXPORT_MARKDOWN);
  g_assert_nonnull (strstr (markdown, "**You:** Good evening"));
  g_assert_nonnull (strstr (markdown, playtest_turn_get_emotion (turn)));
  g_assert_nonnull (strstr (markdown, "Mira the Innkeeper:** "));

  json = export_and_read (fixture, directory, "evening.json", PLAYTEST_EXPORT_JSON);
  node = json_from_string (json, NULL);
  g_assert_nonnull (node);
  session = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (node), "sessions"), 0);
  g_assert_cmpstr (json_object_get_string_member (session, "character_name"), ==,
                   "Mira the Innkeeper");
  turns = json_object_get_array_member (session, "turns");
  g_assert_cmpuint (json_array_get_length (turns), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (turns, 0),
                                                  "reply_text"), ==,
                   playtest_turn_get_reply_text (turn));

  /* A file that cannot be written: the toast says which and why. */
  audio = g_build_filename (directory, "evening.md", "inside.md", NULL);
  {
    g_autoptr(GFile) bad = g_file_new_for_path (audio);

    playtest_window_export_session (fixture->window, bad, PLAYTEST_EXPORT_MARKDOWN);
    ui_test_wait_for (ui_test_find_text (GTK_WIDGET (fixture->window), "inside.md") != NULL);
  }

  /* A new session has nothing to export yet. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-session",
                                             NULL));
  ui_test_wait_for (!export_enabled (fixture));

  ui_test_remove_tree (directory);
}

static void
test_window_export_session (void)
{
  with_window (export_session);
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
  g_test_add_func ("/window/key-rejected", test_window_key_rejected);
  g_test_add_func ("/window/busy-service", test_window_busy_service);
  g_test_add_func ("/window/no-keyring", test_window_no_keyring);
  g_test_add_func ("/window/key-set-while-running", test_window_key_set_while_running);
  g_test_add_func ("/window/past-sessions", test_window_past_sessions);
  g_test_add_func ("/window/search-and-open", test_window_search_and_open);
  g_test_add_func ("/window/add-character-by-id", test_window_add_character_by_id);
  g_test_add_func ("/window/without-history", test_window_without_history);
  g_test_add_func ("/window/shortcuts-listed", test_window_shortcuts_listed);
  g_test_add_func ("/window/tab-order", test_window_tab_order);
  g_test_add_func ("/window/export-session", test_window_export_session);
  g_test_add_func ("/composer/ignores-blank-lines", test_composer_ignores_blank_lines);

  return g_test_run ();
}
