/* test-conversation-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The chat pane against the in-process demo backend: a sent line shows as a row with the
 * user's words and then the reply, a pending turn shows the typing indicator, a failed turn
 * shows the failure in words and a Retry button that sends it again, rows are recycled over
 * a long session, the view follows new turns unless the user scrolled up, and the search
 * window finds a saved turn. With PLAYTEST_SCREENSHOT_DIR set, it also saves pictures of a
 * conversation in light and dark style.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "playtest-app-resources.h"
#include "playtest-chat-row.h"
#include "playtest-conversation-view.h"
#include "playtest-demo-server.h"
#include "playtest-search-window.h"
#include "playtest-turn-private.h"
#include "ui-test-util.h"

#define DEMO_CHARACTER           UI_TEST_CHARACTER
#define DEMO_CHARACTER_NAME      "Mira the Innkeeper"
#define DEMO_KEY                 "test-key-right"
#define MAX_ROWS                 300

/* Waiting ---------------------------------------------------------------------------------- */

static void
spin_until (UiTestCondition  condition,
            gpointer         data,
            const char      *what)
{
  if (!ui_test_wait_until (condition, data))
    g_error ("Waited %d s for: %s", UI_TEST_TIMEOUT_SECONDS, what);
}

static gboolean
window_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* Finding widgets -------------------------------------------------------------------------- */

static void
collect_type (GtkWidget *widget,
              GType      type,
              GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_type (child, type, found);
}

static GPtrArray *
find_all (GtkWidget *root,
          GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  collect_type (root, type, found);
  return found;
}

/* The widget labelled @label for a screen reader that is on screen now: recycled rows keep
 * hidden Retry buttons. */
static GtkWidget *
find_shown_by_accessible_label (GtkWidget  *root,
                                const char *label)
{
  if (ui_test_has_label (root, label) && gtk_widget_get_mapped (root))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *match = find_shown_by_accessible_label (child, label);

      if (match != NULL)
        return match;
    }

  return NULL;
}

/* Whether @widget and its ancestors up to @root are set visible: a row out of view shows
 * nothing on screen but still shows its turn. */
static gboolean
visible_within (GtkWidget *widget,
                GtkWidget *root)
{
  for (; widget != NULL && widget != root; widget = gtk_widget_get_parent (widget))
    if (!gtk_widget_get_visible (widget))
      return FALSE;

  return widget == root;
}

/* A label under @root showing exactly @text: on screen now, or with @in_view FALSE, set to
 * show it in a row that may be out of view. */
static GtkWidget *
find_label_showing (GtkWidget  *root,
                    const char *text,
                    gboolean    in_view)
{
  g_autoptr(GPtrArray) labels = find_all (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);

      if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), text) == 0 &&
          (in_view ? gtk_widget_get_mapped (label) : visible_within (label, root)))
        return label;
    }

  return NULL;
}

static GtkWidget *
find_visible_label (GtkWidget  *root,
                    const char *text)
{
  return find_label_showing (root, text, TRUE);
}

static GtkWidget *
find_row_for_turn (GtkWidget    *root,
                   PlaytestTurn *turn)
{
  g_autoptr(GPtrArray) rows = find_all (root, PLAYTEST_TYPE_CHAT_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (playtest_chat_row_get_turn (g_ptr_array_index (rows, i)) == turn)
      return g_ptr_array_index (rows, i);

  return NULL;
}

/* Fixture ---------------------------------------------------------------------------------- */

typedef struct
{
  UiTestBackend  backend;
  GtkWidget     *view;
  GPtrArray     *retried;
  GPtrArray     *selected;
} Fixture;

static void
view_retry_cb (PlaytestConversationView *view,
               PlaytestTurn             *turn,
               Fixture                  *fixture)
{
  g_ptr_array_add (fixture->retried, g_object_ref (turn));
  /* The owner of the conversation resends; here, with the key put right first. */
  playtest_client_set_api_key (fixture->backend.client, DEMO_KEY);
  playtest_conversation_retry (fixture->backend.conversation, turn);
}

static void
view_turn_selected_cb (PlaytestConversationView *view,
                       PlaytestTurn             *turn,
                       Fixture                  *fixture)
{
  if (turn != NULL)
    g_ptr_array_add (fixture->selected, g_object_ref (turn));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->retried = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->selected = g_ptr_array_new_with_free_func (g_object_unref);

  fixture->view = playtest_conversation_view_new ();
  playtest_conversation_view_set_character_name (PLAYTEST_CONVERSATION_VIEW (fixture->view),
                                                 DEMO_CHARACTER_NAME);
  g_signal_connect (fixture->view, "retry", G_CALLBACK (view_retry_cb), fixture);
  g_signal_connect (fixture->view, "turn-selected", G_CALLBACK (view_turn_selected_cb), fixture);
  ui_test_backend_init (&fixture->backend, DEMO_KEY, fixture->view, 640, 480);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  ui_test_backend_clear (&fixture->backend);
  g_clear_pointer (&fixture->retried, g_ptr_array_unref);
  g_clear_pointer (&fixture->selected, g_ptr_array_unref);
}

static void
show_conversation (Fixture *fixture)
{
  playtest_conversation_view_set_conversation (PLAYTEST_CONVERSATION_VIEW (fixture->view),
                                               fixture->backend.conversation);
}

typedef struct
{
  GtkWidget    *root;
  PlaytestTurn *turn;
  const char   *text;
} RowWait;

static gboolean
row_shows_text (gpointer data)
{
  RowWait *wait = data;
  GtkWidget *row = find_row_for_turn (wait->root, wait->turn);

  return row != NULL && gtk_widget_get_mapped (row) && find_visible_label (row, wait->text);
}

static void
wait_for_row_text (GtkWidget    *root,
                   PlaytestTurn *turn,
                   const char   *text)
{
  RowWait wait = { root, turn, text };
  g_autofree char *what = g_strdup_printf ("a row showing \"%s\"", text);

  spin_until (row_shows_text, &wait, what);
}

static gboolean
turn_is_done (gpointer data)
{
  return ui_test_turn_is_done (data);
}

/* Sending ---------------------------------------------------------------------------------- */

static void
test_send_shows_user_line_then_reply (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  GtkWidget *list;
  PlaytestTurn *turn;

  show_conversation (fixture);
  /* An empty conversation greets, instead of showing an empty list. */
  g_assert_nonnull (find_visible_label (fixture->view, "Say hello to " DEMO_CHARACTER_NAME));

  list = ui_test_find_by_label (fixture->view, "Conversation");
  g_assert_true (GTK_IS_LIST_VIEW (list));
  g_assert_false (gtk_widget_get_mapped (list));

  turn = playtest_conversation_send_text (fixture->backend.conversation, "Hello there!");
  wait_for_row_text (fixture->view, turn, "Hello there!");
  g_assert_true (gtk_widget_get_mapped (list));
  g_assert_null (find_visible_label (fixture->view, "Say hello to " DEMO_CHARACTER_NAME));

  spin_until (turn_is_done, turn, "the reply");
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);
  g_assert_cmpstr (playtest_turn_get_reply_text (turn), !=, "");
  wait_for_row_text (fixture->view, turn, playtest_turn_get_reply_text (turn));

  /* The character's name is over the reply, and there is no typing indicator left. */
  g_assert_nonnull (find_visible_label (find_row_for_turn (fixture->view, turn),
                                        DEMO_CHARACTER_NAME));
  g_assert_null (find_visible_label (fixture->view, DEMO_CHARACTER_NAME " is typing…"));
  g_assert_null (find_shown_by_accessible_label (fixture->view, "Retry"));
}

static void
test_pending_turn_shows_typing (Fixture       *fixture,
                                gconstpointer  user_data)
{
  PlaytestTurn *turn;
  GtkWidget *row;
  GtkWidget *retry;
  GtkWidget *spinner;

  show_conversation (fixture);
  /* The demo holds this reply for a minute: long enough to look at, cancelled below. */
  turn = playtest_conversation_send_text (fixture->backend.conversation,
                                          "[demo:delay=60000] Are you there?");
  wait_for_row_text (fixture->view, turn, DEMO_CHARACTER_NAME " is typing…");
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_PENDING);
  row = find_row_for_turn (fixture->view, turn);
  spinner = ui_test_find_by_type (row, GTK_TYPE_SPINNER);
  g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (spinner)));
  g_assert_null (find_shown_by_accessible_label (row, "Retry"));

  /* Cancelled is failed too: the line stays, with a way to send it again. */
  playtest_conversation_cancel (fixture->backend.conversation);
  spin_until (turn_is_done, turn, "the cancelled turn to end");
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_FAILED);
  wait_for_row_text (fixture->view, turn, playtest_turn_get_error (turn)->message);
  row = find_row_for_turn (fixture->view, turn);
  retry = find_shown_by_accessible_label (row, "Retry");
  g_assert_true (GTK_IS_BUTTON (retry));
  g_assert_true (gtk_widget_get_mapped (retry));
  g_assert_null (find_visible_label (row, DEMO_CHARACTER_NAME " is typing…"));
}

static gboolean
label_contains_503 (gpointer data)
{
  GtkWidget *row = data;
  g_autoptr(GPtrArray) labels = find_all (row, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);

      if (gtk_widget_get_mapped (label) &&
          strstr (gtk_label_get_text (GTK_LABEL (label)), "503") != NULL &&
          gtk_widget_has_css_class (label, "error"))
        return TRUE;
    }

  return FALSE;
}

static void
test_failed_turn_shows_status_in_words (Fixture       *fixture,
                                        gconstpointer  user_data)
{
  PlaytestTurn *turn;
  GtkWidget *row;

  show_conversation (fixture);
  turn = playtest_conversation_send_text (fixture->backend.conversation, "[demo:fail=503] Hello?");
  spin_until (turn_is_done, turn, "the failure");
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_FAILED);

  wait_for_row_text (fixture->view, turn, "[demo:fail=503] Hello?");
  row = find_row_for_turn (fixture->view, turn);
  spin_until (label_contains_503, row, "the status shown in an error label");
  g_assert_nonnull (find_visible_label (row, playtest_turn_get_error (turn)->message));
  g_assert_true (GTK_IS_BUTTON (find_shown_by_accessible_label (row, "Retry")));
}

static void
test_retry_sends_again (Fixture       *fixture,
                        gconstpointer  user_data)
{
  PlaytestTurn *turn;
  GtkWidget *retry;

  /* A wrong key fails the turn with 401; Retry (after the key is fixed) succeeds. */
  playtest_client_set_api_key (fixture->backend.client, "test-key-wrong");
  show_conversation (fixture);
  turn = playtest_conversation_send_text (fixture->backend.conversation, "Hello there!");
  spin_until (turn_is_done, turn, "the 401");
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_FAILED);
  wait_for_row_text (fixture->view, turn, playtest_turn_get_error (turn)->message);
  g_assert_nonnull (strstr (playtest_turn_get_error (turn)->message, "401"));

  retry = find_shown_by_accessible_label (find_row_for_turn (fixture->view, turn), "Retry");
  g_assert_true (GTK_IS_BUTTON (retry));
  g_signal_emit_by_name (retry, "clicked");

  g_assert_cmpuint (fixture->retried->len, ==, 1);
  g_assert_true (g_ptr_array_index (fixture->retried, 0) == turn);
  spin_until (turn_is_done, turn, "the retried turn");
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);
  wait_for_row_text (fixture->view, turn, playtest_turn_get_reply_text (turn));
  g_assert_null (find_shown_by_accessible_label (fixture->view, "Retry"));
  /* Nothing was lost or doubled: still one turn, the user's line as typed. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->backend.conversation)), ==, 1);
  g_assert_cmpstr (playtest_turn_get_user_text (turn), ==, "Hello there!");
}

/* A spoken line reads as its length until the service's transcript replaces it. */
static void
test_voice_turn_shows_transcript (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autoptr(GListStore) store = g_list_store_new (PLAYTEST_TYPE_TURN);
  g_autoptr(GDateTime) sent_at = g_date_time_new_now_utc ();
  g_autoptr(PlaytestTurn) turn = NULL;
  g_autoptr(PlaytestReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  PlaytestTurnRecord record = {
    .conversation_id = "conversation-voice",
    .character_id = DEMO_CHARACTER,
    .sent_at = sent_at,
    .state = PLAYTEST_TURN_PENDING,
    .user_audio_path = "/nonexistent/user.wav",
    .user_audio_duration_ms = 2000,
    .first_byte_ms = -1,
    .first_audio_ms = -1,
    .total_ms = -1,
    .error_code = -1,
    .retry_after = -1,
  };

  turn = playtest_turn_new_from_record (&record);
  g_assert_true (playtest_turn_is_voice (turn));
  g_list_store_append (store, turn);
  playtest_conversation_view_set_model (PLAYTEST_CONVERSATION_VIEW (fixture->view),
                                        G_LIST_MODEL (store));
  wait_for_row_text (fixture->view, turn, "Voice message (0:02)");
  wait_for_row_text (fixture->view, turn, DEMO_CHARACTER_NAME " is typing…");

  reply = playtest_reply_new_from_json ("{\"text\": \"In the cellar, I think.\", "
                                        "\"UserQuery\": \"Where is the ring?\", "
                                        "\"sessionID\": \"session-voice\"}", -1, &error);
  g_assert_no_error (error);
  playtest_turn_complete (turn, reply);
  wait_for_row_text (fixture->view, turn, "Where is the ring?");
  wait_for_row_text (fixture->view, turn, "In the cellar, I think.");
  g_assert_null (find_visible_label (fixture->view, "Voice message (0:02)"));
}

/* Long sessions ---------------------------------------------------------------------------- */

static PlaytestTurn *
make_restored_turn_in_state (guint             i,
                             PlaytestTurnState state)
{
  g_autofree char *user_text = g_strdup_printf ("Line %u from the user", i);
  g_autofree char *reply_text = g_strdup_printf ("Reply %u from the character", i);
  g_autoptr(GDateTime) sent_at = g_date_time_new_now_utc ();
  const char * const actions[] = { "Wave", NULL };
  PlaytestTurnRecord record = {
    .id = i + 1,
    .conversation_id = "conversation-test",
    .character_id = DEMO_CHARACTER,
    .session_id = "session-test",
    .sent_at = sent_at,
    .state = state,
    .user_text = user_text,
    .reply_text = reply_text,
    .emotion = "joy",
    .action = "Wave",
    .actions = actions,
    .narrative_section_id = "sec-arrival",
    .reply_json = "{}",
    .first_byte_ms = 100,
    .first_audio_ms = -1,
    .total_ms = 1200,
    .error_code = -1,
    .retry_after = -1,
  };

  return playtest_turn_new_from_record (&record);
}

static PlaytestTurn *
make_restored_turn (guint i)
{
  return make_restored_turn_in_state (i, PLAYTEST_TURN_COMPLETE);
}

static GListStore *
make_session_in_state (guint             n_turns,
                       PlaytestTurnState state)
{
  GListStore *store = g_list_store_new (PLAYTEST_TYPE_TURN);

  for (guint i = 0; i < n_turns; i++)
    {
      g_autoptr(PlaytestTurn) turn = make_restored_turn_in_state (i, state);
      g_list_store_append (store, turn);
    }

  return store;
}

static GListStore *
make_long_session (guint n_turns)
{
  return make_session_in_state (n_turns, PLAYTEST_TURN_COMPLETE);
}

static GtkAdjustment *
get_vadjustment (Fixture *fixture)
{
  GtkWidget *list = ui_test_find_by_label (fixture->view, "Conversation");

  g_assert_true (GTK_IS_LIST_VIEW (list));
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
}

static gboolean
is_at_bottom (gpointer data)
{
  GtkAdjustment *adjustment = data;

  return gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment) &&
         gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - 1;
}

/* Every row the list made shows the turn it is bound to, and there are few of them: GTK
 * 4.8's list view keeps about 200 rows alive, however long the list. */
static void
assert_rows_recycled (Fixture *fixture,
                      guint    n_turns)
{
  g_autoptr(GPtrArray) rows = find_all (fixture->view, PLAYTEST_TYPE_CHAT_ROW);
  guint n_bound = 0;

  g_assert_cmpuint (rows->len, >, 0);
  g_assert_cmpuint (rows->len, <=, MAX_ROWS);
  g_assert_cmpuint (rows->len, <, n_turns);

  for (guint i = 0; i < rows->len; i++)
    {
      PlaytestChatRow *row = g_ptr_array_index (rows, i);
      PlaytestTurn *turn = playtest_chat_row_get_turn (row);

      if (turn == NULL)
        continue;
      n_bound++;
      g_assert_nonnull (find_label_showing (GTK_WIDGET (row), playtest_turn_get_user_text (turn),
                                            FALSE));
      g_assert_nonnull (find_label_showing (GTK_WIDGET (row), playtest_turn_get_reply_text (turn),
                                            FALSE));
    }
  g_assert_cmpuint (n_bound, >, 0);
}

typedef struct
{
  GtkWidget    *root;
  PlaytestTurn *turn;
} TurnWait;

static gboolean
row_for_turn_is_mapped (gpointer data)
{
  TurnWait *wait = data;
  GtkWidget *row = find_row_for_turn (wait->root, wait->turn);

  return row != NULL && gtk_widget_get_mapped (row);
}

static void
test_rows_are_recycled (Fixture       *fixture,
                        gconstpointer  user_data)
{
  const guint n_turns = 2000;
  g_autoptr(GListStore) store = make_long_session (n_turns);
  g_autoptr(PlaytestTurn) first = g_list_model_get_item (G_LIST_MODEL (store), 0);
  g_autoptr(PlaytestTurn) last = g_list_model_get_item (G_LIST_MODEL (store), n_turns - 1);
  GtkAdjustment *adjustment;
  TurnWait wait = { fixture->view, last };

  playtest_conversation_view_set_model (PLAYTEST_CONVERSATION_VIEW (fixture->view),
                                        G_LIST_MODEL (store));
  adjustment = get_vadjustment (fixture);

  /* A reopened session opens at its end. */
  spin_until (row_for_turn_is_mapped, &wait, "the last turn's row");
  spin_until (is_at_bottom, adjustment, "the view to reach the end");
  assert_rows_recycled (fixture, n_turns);

  /* To the top and back to the middle: the same few rows now show other turns. */
  gtk_adjustment_set_value (adjustment, 0);
  wait.turn = first;
  spin_until (row_for_turn_is_mapped, &wait, "the first turn's row");
  assert_rows_recycled (fixture, n_turns);
  g_assert_null (find_row_for_turn (fixture->view, last));

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) / 2);
  ui_test_wait_for_frames (fixture->view, 3);
  assert_rows_recycled (fixture, n_turns);
}

/* Turns that change after their row was recycled must not reach the row's new turn (the
 * row asserts that every notification it gets is from the turn it shows). */
static void
test_recycled_rows_forget_old_turns (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  const guint n_turns = 1000;
  g_autoptr(GListStore) store = make_session_in_state (n_turns, PLAYTEST_TURN_STREAMING);
  g_autoptr(PlaytestTurn) first = g_list_model_get_item (G_LIST_MODEL (store), 0);
  g_autoptr(PlaytestTurn) last = g_list_model_get_item (G_LIST_MODEL (store), n_turns - 1);
  TurnWait wait = { fixture->view, last };
  GtkAdjustment *adjustment;

  playtest_conversation_view_set_model (PLAYTEST_CONVERSATION_VIEW (fixture->view),
                                        G_LIST_MODEL (store));
  adjustment = get_vadjustment (fixture);
  spin_until (row_for_turn_is_mapped, &wait, "the last turn's row");
  assert_rows_recycled (fixture, n_turns);

  gtk_adjustment_set_value (adjustment, 0);
  wait.turn = first;
  spin_until (row_for_turn_is_mapped, &wait, "the first turn's row");
  g_assert_null (find_row_for_turn (fixture->view, last));
  assert_rows_recycled (fixture, n_turns);

  for (guint i = 0; i < n_turns; i++)
    {
      g_autoptr(PlaytestTurn) turn = g_list_model_get_item (G_LIST_MODEL (store), i);
      playtest_turn_append_text (turn, " and more");
    }
  ui_test_wait_for_frames (fixture->view, 2);

  /* The rows on screen grew with their own turns. */
  g_assert_cmpstr (playtest_turn_get_reply_text (first), ==, "Reply 0 from the character and more");
  g_assert_nonnull (find_visible_label (find_row_for_turn (fixture->view, first),
                                        "Reply 0 from the character and more"));
  assert_rows_recycled (fixture, n_turns);
}

/* Jumping to a turn (a timeline click, a search hit) selects it and shows it, also on a
 * session opened a moment before, when the list has not been drawn yet (@user_data TRUE);
 * the view then stays there while the session goes on. */
static void
test_scroll_to_turn (Fixture       *fixture,
                     gconstpointer  user_data)
{
  gboolean right_after_opening = GPOINTER_TO_INT (user_data);
  g_autoptr(GListStore) store = make_long_session (300);
  g_autoptr(PlaytestTurn) target = g_list_model_get_item (G_LIST_MODEL (store), 10);
  g_autoptr(PlaytestTurn) more = make_restored_turn (300);
  PlaytestConversationView *view = PLAYTEST_CONVERSATION_VIEW (fixture->view);
  TurnWait wait = { fixture->view, target };
  GtkAdjustment *adjustment = get_vadjustment (fixture);

  playtest_conversation_view_set_model (view, G_LIST_MODEL (store));
  if (!right_after_opening)
    {
      spin_until (is_at_bottom, adjustment, "the view to reach the end");
      g_assert_null (find_row_for_turn (fixture->view, target));
    }

  playtest_conversation_view_scroll_to_turn (view, target);
  g_assert_true (playtest_conversation_view_get_selected_turn (view) == target);
  g_assert_cmpuint (fixture->selected->len, ==, 1);
  g_assert_true (g_ptr_array_index (fixture->selected, 0) == target);
  spin_until (row_for_turn_is_mapped, &wait, "the row of the turn scrolled to");

  g_list_store_append (store, more);
  ui_test_wait_for_frames (fixture->view, 3);
  g_assert_true (row_for_turn_is_mapped (&wait));
  g_assert_false (is_at_bottom (adjustment));
}

typedef struct
{
  GtkAdjustment *adjustment;
  double         upper;
} UpperWait;

static gboolean
upper_grew (gpointer data)
{
  UpperWait *wait = data;

  return gtk_adjustment_get_upper (wait->adjustment) > wait->upper;
}

static void
test_sticks_to_bottom_unless_scrolled_up (Fixture       *fixture,
                                          gconstpointer  user_data)
{
  GtkAdjustment *adjustment;
  UpperWait wait;

  show_conversation (fixture);
  adjustment = get_vadjustment (fixture);

  /* Real turns, one after the other, each reply growing the list past the window. */
  for (guint i = 0; i < 6; i++)
    {
      PlaytestTurn *turn = playtest_conversation_send_text (fixture->backend.conversation,
                                                            "Where is the ring?");
      spin_until (turn_is_done, turn, "a reply");
      wait_for_row_text (fixture->view, turn, playtest_turn_get_reply_text (turn));
    }
  spin_until (is_at_bottom, adjustment, "the view to follow the new turns");
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >,
                     gtk_adjustment_get_page_size (adjustment));

  /* The user scrolls up to read: new turns must not pull the view away. (Let the rows settle
   * first: the view deliberately ignores value changes in a frame where the list's own layout
   * moved, and a scroll in the very frame a reply's row re-wraps is not what this tests.) */
  ui_test_wait_for_frames (fixture->view, 5);
  gtk_adjustment_set_value (adjustment, 0);
  ui_test_wait_for_frames (fixture->view, 2);
  wait.adjustment = adjustment;
  wait.upper = gtk_adjustment_get_upper (adjustment);
  {
    PlaytestTurn *turn = playtest_conversation_send_text (fixture->backend.conversation, "And then?");
    spin_until (turn_is_done, turn, "a reply");
  }
  spin_until (upper_grew, &wait, "the list to grow");
  ui_test_wait_for_frames (fixture->view, 3);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);

  /* Back at the end, it follows again. */
  gtk_adjustment_set_value (adjustment,
                            gtk_adjustment_get_upper (adjustment) -
                            gtk_adjustment_get_page_size (adjustment));
  ui_test_wait_for_frames (fixture->view, 2);
  wait.upper = gtk_adjustment_get_upper (adjustment);
  {
    PlaytestTurn *turn = playtest_conversation_send_text (fixture->backend.conversation, "Thanks!");
    spin_until (turn_is_done, turn, "a reply");
  }
  spin_until (upper_grew, &wait, "the list to grow");
  spin_until (is_at_bottom, adjustment, "the view to follow again");
}

/* Search ----------------------------------------------------------------------------------- */

typedef struct
{
  char   *conversation_id;
  gint64  turn_id;
  guint   n_activated;
} HitResult;

static void
hit_activated_cb (PlaytestSearchWindow *window,
                  const char           *conversation_id,
                  gint64                turn_id,
                  HitResult            *result)
{
  g_free (result->conversation_id);
  result->conversation_id = g_strdup (conversation_id);
  result->turn_id = turn_id;
  result->n_activated++;
}

static gboolean
has_match_rows (gpointer data)
{
  GtkWidget *list = ui_test_find_by_label (data, "Matches");

  return list != NULL && gtk_widget_get_mapped (list) &&
         gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0) != NULL;
}

static gboolean
shows_no_matches (gpointer data)
{
  return find_visible_label (data, "No matches") != NULL &&
         gtk_widget_get_mapped (find_visible_label (data, "No matches"));
}

static PlaytestTurn *
save_turn (PlaytestHistory *history,
           const char      *conversation_id,
           const char      *user_text,
           const char      *reply_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) sent_at = g_date_time_new_now_utc ();
  PlaytestTurnRecord record = {
    .id = 0,
    .conversation_id = conversation_id,
    .character_id = DEMO_CHARACTER,
    .session_id = "session-search",
    .sent_at = sent_at,
    .state = PLAYTEST_TURN_COMPLETE,
    .user_text = user_text,
    .reply_text = reply_text,
    .reply_json = "{}",
    .first_byte_ms = 50,
    .first_audio_ms = -1,
    .total_ms = 300,
    .error_code = -1,
    .retry_after = -1,
  };
  PlaytestTurn *turn = playtest_turn_new_from_record (&record);

  playtest_history_save_turn (history, conversation_id, turn, &error);
  g_assert_no_error (error);
  return turn;
}

/* The label of a match row that shows @text. */
static GtkWidget *
find_snippet (GtkWidget  *list,
              const char *text)
{
  g_autoptr(GPtrArray) labels = find_all (list, GTK_TYPE_LABEL);
  GtkWidget *snippet = NULL;

  for (guint i = 0; i < labels->len; i++)
    if (strstr (gtk_label_get_text (g_ptr_array_index (labels, i)), text) != NULL)
      snippet = g_ptr_array_index (labels, i);

  return snippet;
}

static void
test_search_finds_saved_turn (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = ui_test_make_temp_dir ("playtest-search-XXXXXX");
  g_autoptr(PlaytestHistory) history = NULL;
  g_autofree char *conversation_id = NULL;
  g_autoptr(PlaytestTurn) other = NULL;
  g_autoptr(PlaytestTurn) ring = NULL;
  HitResult result = { NULL, 0, 0 };
  GtkWidget *window;
  GtkWidget *entry;
  GtkWidget *list;
  GtkWidget *snippet;

  history = playtest_history_new (directory, &error);
  g_assert_no_error (error);
  conversation_id = playtest_history_new_conversation (history, DEMO_CHARACTER, &error);
  g_assert_no_error (error);
  other = save_turn (history, conversation_id, "Good evening", "Evening, traveller.");
  ring = save_turn (history, conversation_id, "Where is the <silver> ring & the key?",
                    "The ring? Ah, lost in the cellar.");
  g_assert_cmpint (playtest_turn_get_id (ring), >, 0);

  window = playtest_search_window_new (NULL, history);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  g_signal_connect (window, "hit-activated", G_CALLBACK (hit_activated_cb), &result);
  gtk_window_present (GTK_WINDOW (window));
  spin_until (window_is_mapped, window, "the search window");

  entry = ui_test_find_by_label (window, "Search conversations");
  g_assert_true (GTK_IS_SEARCH_ENTRY (entry));

  gtk_editable_set_text (GTK_EDITABLE (entry), "zebra");
  spin_until (shows_no_matches, window, "\"No matches\"");

  gtk_editable_set_text (GTK_EDITABLE (entry), "silver");
  spin_until (has_match_rows, window, "a match");
  list = ui_test_find_by_label (window, "Matches");
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1));

  /* The match is bold; what the user typed shows as typed, markup characters and all. */
  snippet = find_snippet (list, "silver");
  g_assert_nonnull (snippet);
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (snippet)), "<b>silver</b>"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (snippet)), "<"));
  g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (snippet)), "«"));
  g_assert_nonnull (find_visible_label (list, DEMO_CHARACTER));
  ui_test_save_screenshot (window, "search");

  /* Enter takes the match and closes the window. */
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpuint (result.n_activated, ==, 1);
  g_assert_cmpstr (result.conversation_id, ==, conversation_id);
  g_assert_cmpint (result.turn_id, ==, playtest_turn_get_id (ring));
  g_assert_null (window);

  g_free (result.conversation_id);
  g_clear_object (&history);
  ui_test_remove_tree (directory);
}

static void
test_search_escape_closes (void)
{
  GtkWidget *window = playtest_search_window_new (NULL, NULL);
  GtkWidget *entry;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_present (GTK_WINDOW (window));
  spin_until (window_is_mapped, window, "the search window");

  entry = ui_test_find_by_label (window, "Search conversations");
  g_assert_true (GTK_IS_SEARCH_ENTRY (entry));
  g_signal_emit_by_name (entry, "stop-search");
  g_assert_null (window);
}

/* Screenshots ------------------------------------------------------------------------------ */

static void
test_screenshots (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GHashTable) sections = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                          g_free, g_free);
  const char *lines[] = { "Hello there!", "Who are you?", "Where is the ring?" };
  PlaytestTurn *turn;

  if (g_getenv ("PLAYTEST_SCREENSHOT_DIR") == NULL)
    {
      g_test_skip ("PLAYTEST_SCREENSHOT_DIR is not set");
      return;
    }

  g_hash_table_insert (sections, g_strdup ("mira-arrival"), g_strdup ("Arrival"));
  g_hash_table_insert (sections, g_strdup ("mira-lost-ring"), g_strdup ("The Lost Ring"));
  playtest_conversation_view_set_section_names (PLAYTEST_CONVERSATION_VIEW (fixture->view),
                                                sections);
  gtk_widget_set_size_request (fixture->view, 720, 860);
  show_conversation (fixture);
  ui_test_save_screenshot (fixture->backend.window, "conversation-empty");

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      turn = playtest_conversation_send_text (fixture->backend.conversation, lines[i]);
      spin_until (turn_is_done, turn, "a reply");
    }
  turn = playtest_conversation_send_text (fixture->backend.conversation,
                                          "[demo:fail=429,retry-after=3] And the key?");
  spin_until (turn_is_done, turn, "the failure");
  turn = playtest_conversation_send_text (fixture->backend.conversation,
                                          "[demo:delay=60000] Are you still there?");
  wait_for_row_text (fixture->view, turn, DEMO_CHARACTER_NAME " is typing…");
  ui_test_wait_for_frames (fixture->view, 5);

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);
  ui_test_save_screenshot (fixture->backend.window, "conversation-light");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  ui_test_save_screenshot (fixture->backend.window, "conversation-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);

  playtest_conversation_cancel (fixture->backend.conversation);
  spin_until (turn_is_done, turn, "the cancelled turn");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Referencing the bundle links it (and its registering constructor) out of the static
   * library; the rows' template lives there. */
  g_assert_nonnull (playtest_app_get_resource ());
  g_object_unref (ui_test_load_app_style ());

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/conversation-view/send", test_send_shows_user_line_then_reply);
  ADD ("/conversation-view/pending", test_pending_turn_shows_typing);
  ADD ("/conversation-view/failed", test_failed_turn_shows_status_in_words);
  ADD ("/conversation-view/retry", test_retry_sends_again);
  ADD ("/conversation-view/voice", test_voice_turn_shows_transcript);
  ADD ("/conversation-view/recycled", test_rows_are_recycled);
  ADD ("/conversation-view/rebind", test_recycled_rows_forget_old_turns);
  g_test_add ("/conversation-view/scroll-to-turn", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_scroll_to_turn, fixture_tear_down);
  g_test_add ("/conversation-view/scroll-to-turn-after-opening", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_scroll_to_turn, fixture_tear_down);
  ADD ("/conversation-view/stick-to-bottom", test_sticks_to_bottom_unless_scrolled_up);
  ADD ("/conversation-view/screenshots", test_screenshots);
#undef ADD
  g_test_add_func ("/search-window/finds-saved-turn", test_search_finds_saved_turn);
  g_test_add_func ("/search-window/escape-closes", test_search_escape_closes);

  return g_test_run ();
}
