/* test-playback.c: replies played in the window (fakesink), the playing row, play/stop of
 * old turns, mute, the speaking meter, and a machine without sound
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

#define NO_DEVICE_MESSAGE "No sound output device was found. Replies are shown but not played."

typedef struct _Fixture Fixture;
typedef void (*FixtureFunc) (Fixture *fixture);

struct _Fixture
{
  PlaytestApplication *app;
  PlaytestWindow      *window;
};

/* The body runs inside the demo app's g_application_run(), with its window. */
static void
run_fixture_cb (GtkWidget *window,
                gpointer   user_data)
{
  FixtureFunc *func = user_data;
  Fixture fixture = {
    .app = PLAYTEST_APPLICATION (gtk_window_get_application (GTK_WINDOW (window))),
    .window = PLAYTEST_WINDOW (window),
  };

  (*func) (&fixture);
}

static void
with_window (FixtureFunc func)
{
  ui_test_with_demo_app ("test-playback-XXXXXX", run_fixture_cb, &func);
}

static PlaytestTurn *
send_line (Fixture    *fixture,
           const char *text)
{
  return ui_test_window_send_line (GTK_WIDGET (fixture->window), text);
}

static GtkWidget *
find_chat_row (Fixture      *fixture,
               PlaytestTurn *turn)
{
  GtkWidget *list = ui_test_find_by_label (GTK_WIDGET (fixture->window), "Conversation");

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
row_playing (GtkWidget *row)
{
  return gtk_widget_has_css_class (row, "playing");
}

static void
finished_cb (PlaytestPlayer *player,
             guint          *count)
{
  (*count)++;
}

static void
level_cb (GtkLevelBar *bar,
          GParamSpec  *pspec,
          double      *max)
{
  *max = MAX (*max, gtk_level_bar_get_value (bar));
}

/* A reply plays as it arrives: its row is marked (class, stop button) until `finished`,
 * and the speaking meter moves meanwhile. */
static void
reply_marks_row (Fixture *fixture)
{
  PlaytestPlayer *player = playtest_window_get_player (fixture->window);
  GtkWidget *meter = ui_test_find_by_label (GTK_WIDGET (fixture->window), "Speaking");
  PlaytestTurn *turn;
  GtkWidget *row;
  guint finished = 0;
  double max_level = 0;

  g_assert_true (GTK_IS_LEVEL_BAR (meter));
  g_signal_connect (player, "finished", G_CALLBACK (finished_cb), &finished);
  g_signal_connect (meter, "notify::value", G_CALLBACK (level_cb), &max_level);

  turn = send_line (fixture, "Hello there!");
  g_assert_nonnull (playtest_turn_get_reply_audio (turn));
  ui_test_wait_for ((row = find_chat_row (fixture, turn)) != NULL);

  g_assert_true (row_playing (row));
  g_assert_true (playtest_chat_row_get_playing (PLAYTEST_CHAT_ROW (row)));
  g_assert_nonnull (ui_test_find_by_label (row, "Stop"));
  g_assert_null (ui_test_find_by_label (row, "Play reply"));
  ui_test_save_screenshot (GTK_WIDGET (fixture->window), "playback-playing-row");

  ui_test_wait_for (finished == 1);
  g_assert_false (row_playing (row));
  g_assert_nonnull (ui_test_find_by_label (row, "Play reply"));
  g_assert_cmpfloat (max_level, >, 0);
  g_assert_cmpfloat (gtk_level_bar_get_value (GTK_LEVEL_BAR (meter)), ==, 0);

  g_signal_handlers_disconnect_by_data (player, &finished);
  g_signal_handlers_disconnect_by_data (meter, &max_level);
}

static void
test_playback_reply_marks_row (void)
{
  with_window (reply_marks_row);
}

typedef struct
{
  PlaytestPlayer *player;
  guint           chunks;
  guint           chunks_while_playing;  /* before the turn completed */
} Streamed;

/* Connected after the window's own handler: the chunk was handed to the player already. */
static void
audio_chunk_cb (PlaytestConversation *conversation,
                PlaytestTurn         *turn,
                GBytes               *wav,
                Streamed             *streamed)
{
  streamed->chunks++;
  if (playtest_player_get_playing (streamed->player) &&
      playtest_turn_get_state (turn) != PLAYTEST_TURN_COMPLETE)
    streamed->chunks_while_playing++;
}

/* With streaming on, the voice starts with the first chunk, before the reply is complete,
 * and plays to its end once. */
static void
stream_plays_early (Fixture *fixture)
{
  GSettings *settings = playtest_application_get_settings (fixture->app);
  PlaytestConversation *conversation = playtest_window_get_conversation (fixture->window);
  Streamed streamed = { playtest_window_get_player (fixture->window) };
  PlaytestTurn *turn;
  GtkWidget *row;
  guint finished = 0;

  g_settings_set_boolean (settings, "stream", TRUE);
  g_signal_connect (conversation, "audio-chunk", G_CALLBACK (audio_chunk_cb), &streamed);
  g_signal_connect (streamed.player, "finished", G_CALLBACK (finished_cb), &finished);

  turn = send_line (fixture, "Hello there!");
  g_test_message ("%u chunks, %u while playing", streamed.chunks, streamed.chunks_while_playing);
  g_assert_cmpuint (streamed.chunks, >=, 1);
  g_assert_cmpuint (streamed.chunks_while_playing, ==, streamed.chunks);
  ui_test_wait_for ((row = find_chat_row (fixture, turn)) != NULL);
  ui_test_wait_for (finished == 1);
  g_assert_false (row_playing (row));
  ui_test_spin_idle ();
  g_assert_cmpuint (finished, ==, 1);

  g_signal_handlers_disconnect_by_data (conversation, &streamed);
  g_signal_handlers_disconnect_by_data (streamed.player, &finished);
  g_settings_reset (settings, "stream");
}

static void
test_playback_stream_plays_early (void)
{
  with_window (stream_plays_early);
}

/* With auto-play off, a reply waits for its play button. */
static void
auto_play_off (Fixture *fixture)
{
  GSettings *settings = playtest_application_get_settings (fixture->app);
  PlaytestPlayer *player = playtest_window_get_player (fixture->window);
  PlaytestTurn *turn;
  GtkWidget *row;

  g_settings_set_boolean (settings, "auto-play", FALSE);
  turn = send_line (fixture, "Hello there!");
  ui_test_wait_for ((row = find_chat_row (fixture, turn)) != NULL);
  g_assert_false (row_playing (row));
  g_assert_false (playtest_player_get_playing (player));

  g_signal_emit_by_name (ui_test_find_by_label (row, "Play reply"), "clicked");
  g_assert_true (row_playing (row));
  g_settings_reset (settings, "auto-play");
}

static void
test_playback_auto_play_off (void)
{
  with_window (auto_play_off);
}

/* An older turn plays again from its row (its audio may be in the history's files by now),
 * and its stop button stops it. */
static void
play_older_turn (Fixture *fixture)
{
  PlaytestPlayer *player = playtest_window_get_player (fixture->window);
  PlaytestTurn *first = send_line (fixture, "Hello there!");
  PlaytestTurn *second = send_line (fixture, "What's wrong?");
  GtkWidget *first_row;
  GtkWidget *second_row;
  GtkWidget *button;

  ui_test_wait_for ((first_row = find_chat_row (fixture, first)) != NULL);
  ui_test_wait_for ((second_row = find_chat_row (fixture, second)) != NULL);
  g_assert_true (row_playing (second_row));
  g_assert_false (row_playing (first_row));

  button = ui_test_find_by_label (first_row, "Play reply");
  g_assert_true (GTK_IS_BUTTON (button));
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (row_playing (first_row));
  g_assert_false (row_playing (second_row));
  ui_test_wait_for (playtest_player_get_playing (player));

  button = ui_test_find_by_label (first_row, "Stop");
  g_assert_true (GTK_IS_BUTTON (button));
  g_signal_emit_by_name (button, "clicked");
  g_assert_false (row_playing (first_row));
  g_assert_false (playtest_player_get_playing (player));
}

static void
test_playback_play_older_turn (void)
{
  with_window (play_older_turn);
}

/* Ctrl+M's action mutes the player and unmutes it again; Ctrl+. stops. */
static void
mute_and_stop (Fixture *fixture)
{
  PlaytestPlayer *player = playtest_window_get_player (fixture->window);
  PlaytestTurn *turn;
  GtkWidget *row;

  g_assert_false (playtest_player_get_muted (player));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-mute",
                                             NULL));
  g_assert_true (playtest_player_get_muted (player));

  turn = send_line (fixture, "Hello there!");
  ui_test_wait_for ((row = find_chat_row (fixture, turn)) != NULL);
  g_assert_true (row_playing (row));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.stop-audio",
                                             NULL));
  g_assert_false (row_playing (row));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-mute",
                                             NULL));
  g_assert_false (playtest_player_get_muted (player));
}

static void
test_playback_mute_and_stop (void)
{
  with_window (mute_and_stop);
}

static guint
count_text (GtkWidget  *widget,
            const char *text)
{
  guint n = 0;

  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    n++;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_text (child, text);

  return n;
}

/* Without a sound device the replies still come, and the window says why they are silent
 * once, not once per reply. */
static void
no_device (Fixture *fixture)
{
  PlaytestTurn *turn = send_line (fixture, "Hello there!");
  GtkWidget *row;

  ui_test_wait_for (count_text (GTK_WIDGET (fixture->window), NO_DEVICE_MESSAGE) == 1);
  ui_test_wait_for ((row = find_chat_row (fixture, turn)) != NULL);
  g_assert_false (row_playing (row));

  turn = send_line (fixture, "What's wrong?");
  g_assert_cmpstr (playtest_turn_get_reply_text (turn), !=, "");
  ui_test_spin_idle ();
  g_assert_cmpuint (count_text (GTK_WIDGET (fixture->window), NO_DEVICE_MESSAGE), ==, 1);
}

static void
test_playback_no_device (void)
{
  const char *before = g_getenv ("PLAYTEST_AUDIO");
  g_autofree char *saved = g_strdup (before);

  g_setenv ("PLAYTEST_AUDIO", "none", TRUE);
  with_window (no_device);
  if (saved != NULL)
    g_setenv ("PLAYTEST_AUDIO", saved, TRUE);
  else
    g_unsetenv ("PLAYTEST_AUDIO");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/playback/reply-marks-row", test_playback_reply_marks_row);
  g_test_add_func ("/playback/play-older-turn", test_playback_play_older_turn);
  g_test_add_func ("/playback/stream-plays-early", test_playback_stream_plays_early);
  g_test_add_func ("/playback/auto-play-off", test_playback_auto_play_off);
  g_test_add_func ("/playback/mute-and-stop", test_playback_mute_and_stop);
  g_test_add_func ("/playback/no-device", test_playback_no_device);

  return g_test_run ();
}
