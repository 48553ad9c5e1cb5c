/* test-state-panel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The character state panel against the in-process demo backend: the "Emotion" and
 * "Action" widgets and the narrative section follow each reply, a fired action is
 * highlighted and the highlight ends, the section shows its name when names are known and
 * its id when not, an emotion's intensity and an action sequence restored from the history
 * store show without a highlight, and the inspector shows the selected turn's request and
 * reply JSON (without the key), a failure in words, and copies the JSON. With
 * PLAYTEST_SCREENSHOT_DIR set, it saves pictures of the panel and the timeline after a few
 * turns, in light and dark style.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "playtest-app-resources.h"
#include "playtest-emotion-style.h"
#include "playtest-state-panel.h"
#include "playtest-timeline.h"
#include "playtest-turn-private.h"
#include "ui-test-util.h"

#define DEMO_CHARACTER UI_TEST_CHARACTER
#define DEMO_KEY       "state-panel-secret-key"

/* What POST /character/narrative/list-sections answers for Mira. */
static const char *mira_sections[][2] = {
  { "mira-arrival", "Arrival" },
  { "mira-lost-ring", "The Lost Ring" },
  { "mira-cellar-search", "The Cellar Search" },
};

typedef struct
{
  UiTestBackend     backend;
  GHashTable       *section_names;
  GtkWidget        *panel;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->section_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (mira_sections); i++)
    g_hash_table_insert (fixture->section_names, g_strdup (mira_sections[i][0]),
                         g_strdup (mira_sections[i][1]));

  fixture->panel = playtest_state_panel_new ();
  ui_test_backend_init (&fixture->backend, DEMO_KEY, fixture->panel, 360, 900);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  ui_test_backend_clear (&fixture->backend);
  g_clear_pointer (&fixture->section_names, g_hash_table_unref);
}

static PlaytestStatePanel *
panel (Fixture *fixture)
{
  return PLAYTEST_STATE_PANEL (fixture->panel);
}

static PlaytestTurn *
say (Fixture    *fixture,
     const char *text)
{
  return ui_test_say (&fixture->backend, text);
}

/* The text of the label a screen reader knows as @name. */
static const char *
label_text (Fixture    *fixture,
            const char *name)
{
  GtkWidget *label = ui_test_find_by_label (fixture->panel, name);

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

static guint
count_children (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;

  return n;
}

static GtkWidget *
find_card (Fixture    *fixture,
           const char *name)
{
  GtkWidget *label = ui_test_find_by_label (fixture->panel, name);
  GtkWidget *card = label;

  while (card != NULL && !gtk_widget_has_css_class (card, "state-card"))
    card = gtk_widget_get_parent (card);
  g_assert_nonnull (card);
  return card;
}

/* Emotion, action, section ------------------------------------------------------------------ */

static void
test_empty_shows_placeholders (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_assert_cmpstr (label_text (fixture, "Emotion"), ==, "No emotion yet");
  g_assert_cmpstr (label_text (fixture, "Action"), ==, "none yet");
  g_assert_cmpstr (label_text (fixture, "Narrative section"), ==, "Unknown section");

  playtest_state_panel_set_conversation (panel (fixture), fixture->backend.conversation);
  g_assert_cmpstr (label_text (fixture, "Emotion"), ==, "No emotion yet");
  g_assert_false (gtk_widget_get_visible (ui_test_find_by_label (fixture->panel,
                                                                 "Emotion history")));
}

typedef struct
{
  GtkWidget *action_card;
  gboolean   highlighted;
} FiredWatch;

/* Connected after the panel's own handler, so it sees what the panel did on completion. */
static void
fired_state_cb (PlaytestTurn *turn,
                GParamSpec   *pspec,
                FiredWatch   *watch)
{
  if (playtest_turn_get_state (turn) == PLAYTEST_TURN_COMPLETE)
    watch->highlighted = gtk_widget_has_css_class (watch->action_card, "action-fired");
}

static void
test_follows_replies (Fixture       *fixture,
                      gconstpointer  user_data)
{
  PlaytestTurn *turn;
  FiredWatch watch = { NULL, FALSE };
  GtkWidget *history;

  playtest_state_panel_set_section_names (panel (fixture), fixture->section_names);
  playtest_state_panel_set_conversation (panel (fixture), fixture->backend.conversation);
  watch.action_card = find_card (fixture, "Action");

  turn = say (fixture, "Good evening");
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);
  g_assert_nonnull (playtest_turn_get_emotion (turn));
  g_assert_cmpstr (label_text (fixture, "Emotion"), ==, playtest_turn_get_emotion (turn));
  g_assert_cmpstr (label_text (fixture, "Action"), ==, playtest_turn_get_actions (turn)[0]);
  g_assert_cmpstr (label_text (fixture, "Narrative section"), ==, "Arrival");
  g_assert_cmpstr (label_text (fixture, "Narrative section id"), ==, "mira-arrival");

  turn = playtest_conversation_send_text (fixture->backend.conversation, "Have you seen a ring?");
  g_signal_connect (turn, "notify::state", G_CALLBACK (fired_state_cb), &watch);
  ui_test_wait_for (ui_test_turn_is_done (turn));
  g_signal_handlers_disconnect_by_data (turn, &watch);

  g_assert_cmpstr (playtest_turn_get_narrative_section_id (turn), ==, "mira-lost-ring");
  g_assert_cmpstr (label_text (fixture, "Emotion"), ==, "sadness");
  g_assert_true (gtk_widget_has_css_class (find_card (fixture, "Emotion"), "emotion-sadness"));
  g_assert_cmpstr (label_text (fixture, "Action"), ==, "Sigh");
  g_assert_cmpstr (label_text (fixture, "Narrative section"), ==, "The Lost Ring");

  /* The action lit up the moment the turn completed, and the highlight goes again. */
  g_assert_true (watch.highlighted);
  ui_test_wait_for (!gtk_widget_has_css_class (watch.action_card, "action-fired"));

  /* One history chip per reply, oldest first, the newest telling its words. */
  history = ui_test_find_by_label (fixture->panel, "Emotion history");
  g_assert_true (gtk_widget_get_visible (history));
  g_assert_cmpuint (count_children (history), ==, 2);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (
                              gtk_widget_get_first_child (gtk_widget_get_last_child (history))),
                            playtest_turn_get_reply_text (turn)));
}

static void
test_section_id_without_names (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(GHashTable) partial = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                         g_free, g_free);

  playtest_state_panel_set_conversation (panel (fixture), fixture->backend.conversation);
  say (fixture, "Good evening");
  g_assert_cmpstr (label_text (fixture, "Narrative section"), ==, "mira-arrival");
  g_assert_false (gtk_widget_get_visible (ui_test_find_by_label (fixture->panel,
                                                                 "Narrative section id")));

  /* Names arriving later (list-sections answered) rename it at once. */
  playtest_state_panel_set_section_names (panel (fixture), fixture->section_names);
  g_assert_cmpstr (label_text (fixture, "Narrative section"), ==, "Arrival");

  g_hash_table_insert (partial, g_strdup ("mira-arrival"), g_strdup (""));
  playtest_state_panel_set_section_names (panel (fixture), partial);
  g_assert_cmpstr (label_text (fixture, "Narrative section"), ==, "mira-arrival");
}

/* A conversation reopened from the store: an intensity and an action sequence, shown without
 * a highlight (nothing fired now). */
static void
test_intensity_and_sequence_from_history (Fixture       *fixture,
                                          gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = g_build_filename (g_get_user_data_dir (),
                                                 "test-state-panel-XXXXXX", NULL);
  g_autoptr(PlaytestHistory) history = NULL;
  g_autoptr(PlaytestConversation) reopened = NULL;
  g_autoptr(PlaytestTurn) turn = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *id = NULL;
  const char *actions[] = { "Wave", "Offer Drink", NULL };
  PlaytestTurnRecord record = {
    .character_id = DEMO_CHARACTER, .session_id = "0123456789abcdef0123456789abcdef",
    .sent_at = now, .state = PLAYTEST_TURN_COMPLETE, .user_text = "Hello",
    .reply_text = "Welcome back!", .emotion = "happy 2", .action = "Wave",
    .actions = actions, .narrative_section_id = "mira-lost-ring",
    .reply_json = "{\"text\": \"Welcome back!\", \"emotion\": \"happy 2\"}",
    .first_byte_ms = 120, .first_audio_ms = 400, .total_ms = 1500, .error_code = -1,
  };
  GtkWidget *bar;
  GtkWidget *sequence;

  g_assert_no_errno (g_mkdir_with_parents (g_get_user_data_dir (), 0700));
  g_assert_nonnull (g_mkdtemp (directory));
  history = playtest_history_new (directory, &error);
  g_assert_no_error (error);
  id = playtest_history_new_conversation (history, DEMO_CHARACTER, &error);
  g_assert_no_error (error);
  record.conversation_id = id;
  turn = playtest_turn_new_from_record (&record);
  g_assert_true (playtest_history_save_turn (history, id, turn, &error));
  g_assert_no_error (error);
  reopened = playtest_conversation_new_from_history (fixture->backend.client, history, id, &error);
  g_assert_no_error (error);

  playtest_state_panel_set_conversation (panel (fixture), reopened);
  g_assert_cmpstr (label_text (fixture, "Emotion"), ==, "happy");
  g_assert_true (gtk_widget_has_css_class (find_card (fixture, "Emotion"), "emotion-joy"));
  bar = ui_test_find_by_label (fixture->panel, "Intensity");
  g_assert_true (gtk_widget_get_visible (bar));
  g_assert_cmpfloat (gtk_level_bar_get_value (GTK_LEVEL_BAR (bar)), ==, 2);

  g_assert_cmpstr (label_text (fixture, "Action"), ==, "Wave");
  sequence = ui_test_find_by_label (fixture->panel, "Action sequence");
  g_assert_true (gtk_widget_get_visible (sequence));
  g_assert_cmpuint (count_children (sequence), ==, 3);  /* Wave → Offer Drink */
  g_assert_false (gtk_widget_has_css_class (find_card (fixture, "Action"), "action-fired"));
  g_assert_cmpstr (label_text (fixture, "Timings"), ==,
                   "First byte 120 ms · first audio 400 ms · total 1.5 s");

  playtest_state_panel_set_conversation (panel (fixture), NULL);
  g_assert_cmpstr (label_text (fixture, "Emotion"), ==, "No emotion yet");
  g_assert_cmpstr (label_text (fixture, "Action"), ==, "none yet");
  g_assert_false (gtk_widget_get_visible (bar));
  g_assert_null (ui_test_find_by_label (fixture->panel, "Wave"));
}

/* The words themselves are the core's (tests/unit/test-emotion.c); here, their colours. */
static void
test_emotion_colours (void)
{
  g_assert_cmpstr (playtest_emotion_get_css_class ("Happy 2"), ==, "emotion-joy");
  g_assert_cmpstr (playtest_emotion_get_css_class ("anticipation"), ==, "emotion-anticipation");
  g_assert_cmpstr (playtest_emotion_get_css_class ("???"), ==, "emotion-neutral");
  g_assert_cmpstr (playtest_emotion_get_css_class (NULL), ==, "emotion-neutral");
}

/* Inspector --------------------------------------------------------------------------------- */

static char *
reply_view_text (Fixture *fixture)
{
  GtkWidget *view = ui_test_find_by_label (fixture->panel, "Reply JSON");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
read_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static void
test_inspector (Fixture       *fixture,
                gconstpointer  user_data)
{
  PlaytestTurn *first, *second, *failed;
  g_autofree char *json = NULL;
  g_autofree char *copied = NULL;
  const char *request;

  playtest_state_panel_set_conversation (panel (fixture), fixture->backend.conversation);
  g_assert_cmpstr (label_text (fixture, "Emotion"), ==, "No emotion yet");

  first = say (fixture, "Good evening");
  second = say (fixture, "Have you seen a ring?");

  /* By default the newest turn: its reply as it came, without the key anywhere. */
  json = reply_view_text (fixture);
  g_assert_cmpstr (json, ==, playtest_turn_get_reply_json (second));
  g_assert_nonnull (strstr (json, "\"text\""));
  g_assert_null (strstr (json, DEMO_KEY));
  request = label_text (fixture, "Request fields");
  g_assert_nonnull (strstr (request, DEMO_CHARACTER));
  g_assert_null (strstr (request, DEMO_KEY));
  g_assert_false (gtk_widget_get_visible (ui_test_find_by_label (fixture->panel, "Error")));

  playtest_state_panel_set_selected_turn (panel (fixture), first);
  g_clear_pointer (&json, g_free);
  json = reply_view_text (fixture);
  g_assert_cmpstr (json, ==, playtest_turn_get_reply_json (first));

  g_assert_true (gtk_widget_is_sensitive (ui_test_find_by_id (fixture->panel, "copy_button")));
  g_assert_true (gtk_widget_activate_action (fixture->panel, "state-panel.copy-json", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (fixture->panel), NULL, read_text_cb,
                                 &copied);
  ui_test_wait_for (copied != NULL);
  g_assert_cmpstr (copied, ==, playtest_turn_get_reply_json (first));

  /* Back to following: a failed turn shows its failure in words. */
  playtest_state_panel_set_selected_turn (panel (fixture), NULL);
  failed = say (fixture, "[demo:fail=429,retry-after=3] Another?");
  g_assert_cmpint (playtest_turn_get_state (failed), ==, PLAYTEST_TURN_FAILED);
  g_assert_true (gtk_widget_get_visible (ui_test_find_by_label (fixture->panel, "Error")));
  g_assert_nonnull (strstr (label_text (fixture, "Error"), "429"));
  /* The character's state is still the last reply's. */
  g_assert_cmpstr (label_text (fixture, "Emotion"), ==, "sadness");
}

/* Screenshots ------------------------------------------------------------------------------ */

static gboolean
done_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets the highlight's fade (style.css) end, for a picture of the resting state. */
static void
settle_transitions (void)
{
  gboolean done = FALSE;

  g_timeout_add (1500, done_cb, &done);
  ui_test_wait_for (done);
}

/* The panel beside an empty pane, the timeline under both: the window's arrangement. */
static GtkWidget *
arrange (Fixture   *fixture,
         GtkWidget *timeline)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *chat = gtk_label_new ("(conversation)");

  /* Moved, as a window may move it (which once cost the Copy JSON button its state). */
  g_object_ref (fixture->panel);
  gtk_window_set_child (GTK_WINDOW (fixture->backend.window), NULL);
  gtk_widget_set_hexpand (chat, TRUE);
  gtk_widget_add_css_class (chat, "dim-label");
  gtk_box_append (GTK_BOX (row), chat);
  gtk_box_append (GTK_BOX (row), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_box_append (GTK_BOX (row), fixture->panel);
  g_object_unref (fixture->panel);
  gtk_widget_set_vexpand (row, TRUE);
  gtk_box_append (GTK_BOX (box), row);
  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (box), timeline);
  gtk_window_set_child (GTK_WINDOW (fixture->backend.window), box);
  gtk_window_set_default_size (GTK_WINDOW (fixture->backend.window), 900, 1000);
  return box;
}

static void
shoot (Fixture        *fixture,
       AdwColorScheme  scheme,
       const char     *name)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
  ui_test_save_screenshot (fixture->backend.window, name);
}

static void
test_screenshots (Fixture       *fixture,
                  gconstpointer  user_data)
{
  const char *lines[] = {
    "Good evening", "Can I get a drink?", "Have you seen a ring?",
    "What does it look like?", "I will search the cellar for it",
  };
  g_autoptr(GtkCssProvider) provider = NULL;
  GtkWidget *timeline = playtest_timeline_new ();

  if (g_getenv ("PLAYTEST_SCREENSHOT_DIR") == NULL)
    {
      g_test_skip ("PLAYTEST_SCREENSHOT_DIR is not set");
      return;
    }

  provider = ui_test_load_app_style ();
  arrange (fixture, timeline);
  playtest_state_panel_set_section_names (panel (fixture), fixture->section_names);
  playtest_state_panel_set_conversation (panel (fixture), fixture->backend.conversation);
  playtest_timeline_set_section_names (PLAYTEST_TIMELINE (timeline), fixture->section_names);
  playtest_timeline_set_conversation (PLAYTEST_TIMELINE (timeline), fixture->backend.conversation);
  shoot (fixture, ADW_COLOR_SCHEME_FORCE_LIGHT, "state-panel-empty");

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    say (fixture, lines[i]);
  ui_test_wait_for (!gtk_widget_has_css_class (find_card (fixture, "Action"), "action-fired"));
  settle_transitions ();

  g_assert_true (gtk_widget_is_sensitive (ui_test_find_by_id (fixture->panel, "copy_button")));
  shoot (fixture, ADW_COLOR_SCHEME_FORCE_LIGHT, "state-panel-light");
  shoot (fixture, ADW_COLOR_SCHEME_FORCE_DARK, "state-panel-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);
  gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                 GTK_STYLE_PROVIDER (provider));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Referencing the bundle links it (and its registering constructor) out of the static
   * library; the panel's template lives there. */
  g_assert_nonnull (playtest_app_get_resource ());

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/state-panel/empty", test_empty_shows_placeholders);
  ADD ("/state-panel/follows-replies", test_follows_replies);
  ADD ("/state-panel/section-id-without-names", test_section_id_without_names);
  ADD ("/state-panel/intensity-and-sequence-from-history",
       test_intensity_and_sequence_from_history);
  ADD ("/state-panel/inspector", test_inspector);
  ADD ("/state-panel/screenshots", test_screenshots);
#undef ADD
  g_test_add_func ("/state-panel/emotion-colours", test_emotion_colours);

  return g_test_run ();
}
