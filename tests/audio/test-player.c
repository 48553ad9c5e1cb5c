/* test-player.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reply player against fakesink (PLAYTEST_AUDIO=fake in the test environment): fakesink
 * syncs to the clock, so these plays take real time. No assertion is about time; timeouts are
 * generous and only keep a broken player from hanging the suite.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "playtest-audio-device.h"
#include "playtest-player.h"
#include "playtest-wav.h"

#define HANG_TIMEOUT_S 30

typedef struct
{
  PlaytestPlayer *player;
  GMainLoop      *loop;
  GString        *log;
  guint           n_started;
  guint           n_finished;
  guint           n_stopped;
  guint           n_errors;
  guint           n_positions;
  gint64          last_position;
  gboolean        position_went_back;
  double          max_level;
  gint64          position_at_last_level;
  GError         *error;
  gboolean        stop_when_started;
} Watch;

/* A sine at half scale: loud enough that the level meter must move. */
static GBytes *
make_sine_wav (guint rate,
               guint channels,
               guint duration_ms)
{
  gsize n_frames = (gsize) rate * duration_ms / 1000;
  g_autofree gint16 *samples = g_new (gint16, n_frames * channels);

  for (gsize i = 0; i < n_frames; i++)
    for (guint c = 0; c < channels; c++)
      samples[i * channels + c] = (gint16) (16000 * sin (2 * G_PI * 440.0 * i / rate));

  return playtest_wav_new_pcm16 (samples, n_frames, rate, channels);
}

static void
quit (Watch *w)
{
  if (g_main_loop_is_running (w->loop))
    g_main_loop_quit (w->loop);
}

static void
started_cb (PlaytestPlayer *player,
            Watch          *w)
{
  w->n_started++;
  g_string_append (w->log, "started ");
  if (w->stop_when_started)
    {
      playtest_player_stop (player);
      /* stop() is synchronous: everything about it is settled when it returns. */
      g_assert_false (playtest_player_get_playing (player));
      g_assert_cmpuint (w->n_stopped, ==, 1);
    }
}

static void
finished_cb (PlaytestPlayer *player,
             Watch          *w)
{
  w->n_finished++;
  g_string_append (w->log, "finished ");
  quit (w);
}

static void
stopped_cb (PlaytestPlayer *player,
            Watch          *w)
{
  w->n_stopped++;
  g_string_append (w->log, "stopped ");
  quit (w);
}

static void
error_cb (PlaytestPlayer *player,
          const GError   *error,
          Watch          *w)
{
  w->n_errors++;
  g_clear_error (&w->error);
  w->error = g_error_copy (error);
  g_string_append (w->log, "error ");
  quit (w);
}

static void
position_cb (PlaytestPlayer *player,
             gint64          position,
             Watch          *w)
{
  if (w->n_positions > 0 && position < w->last_position)
    w->position_went_back = TRUE;
  w->n_positions++;
  w->last_position = position;
}

static void
level_cb (PlaytestPlayer *player,
          double          level,
          Watch          *w)
{
  g_assert_cmpfloat (level, >=, 0.0);
  g_assert_cmpfloat (level, <=, 1.0);
  w->max_level = MAX (w->max_level, level);
  if (level > 0)
    w->position_at_last_level = w->last_position;
}

static void
notify_playing_cb (PlaytestPlayer *player,
                   GParamSpec     *pspec,
                   Watch          *w)
{
  g_string_append (w->log, playtest_player_get_playing (player) ? "playing " : "idle ");
}

static void
watch_init (Watch *w)
{
  memset (w, 0, sizeof *w);
  w->player = playtest_player_new ();
  w->loop = g_main_loop_new (NULL, FALSE);
  w->log = g_string_new (NULL);
  g_signal_connect (w->player, "started", G_CALLBACK (started_cb), w);
  g_signal_connect (w->player, "finished", G_CALLBACK (finished_cb), w);
  g_signal_connect (w->player, "stopped", G_CALLBACK (stopped_cb), w);
  g_signal_connect (w->player, "error", G_CALLBACK (error_cb), w);
  g_signal_connect (w->player, "position", G_CALLBACK (position_cb), w);
  g_signal_connect (w->player, "level", G_CALLBACK (level_cb), w);
  g_signal_connect (w->player, "notify::playing", G_CALLBACK (notify_playing_cb), w);
}

static void
watch_reset (Watch *w)
{
  g_string_truncate (w->log, 0);
  w->n_started = w->n_finished = w->n_stopped = w->n_errors = w->n_positions = 0;
  w->last_position = 0;
  w->max_level = 0;
  g_clear_error (&w->error);
}

static void
watch_clear (Watch *w)
{
  g_assert_finalize_object (w->player);
  g_main_loop_unref (w->loop);
  g_string_free (w->log, TRUE);
  g_clear_error (&w->error);
}

static gboolean
hang_cb (gpointer data)
{
  g_error ("The player emitted no terminal signal within %d s", HANG_TIMEOUT_S);
  return G_SOURCE_REMOVE;
}

/* Runs until a terminal signal (finished, stopped, error) unless one came already. */
static void
watch_run (Watch *w)
{
  guint hang_id;

  if (w->n_finished + w->n_stopped + w->n_errors > 0)
    return;
  hang_id = g_timeout_add_seconds (HANG_TIMEOUT_S, hang_cb, NULL);
  g_main_loop_run (w->loop);
  g_source_remove (hang_id);
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Lets the main loop run a while, so a signal that should not come has the chance to. */
static void
linger (Watch *w,
        guint  ms)
{
  g_timeout_add (ms, quit_loop_cb, w->loop);
  g_main_loop_run (w->loop);
}

static void
assert_plays_to_end (guint rate,
                     guint channels)
{
  g_autoptr(GBytes) wav = make_sine_wav (rate, channels, 500);
  Watch w;

  watch_init (&w);
  playtest_player_play_wav (w.player, wav);
  g_assert_true (playtest_player_get_playing (w.player));
  watch_run (&w);
  linger (&w, 300);

  g_assert_no_error (w.error);
  /* playing goes FALSE before finished, so a finished handler may start the next play. */
  g_assert_cmpstr (w.log->str, ==, "playing started idle finished ");
  g_assert_false (playtest_player_get_playing (w.player));
  g_assert_cmpuint (w.n_positions, >, 0);
  g_assert_false (w.position_went_back);
  g_assert_cmpint (w.last_position, >=, 400);
  g_assert_cmpint (w.last_position, <=, 700);
  g_assert_cmpfloat (w.max_level, >, 0.2);
  watch_clear (&w);
}

static void
test_wav_22050_mono (void)
{
  assert_plays_to_end (22050, 1);
}

static void
test_wav_44100_stereo (void)
{
  assert_plays_to_end (44100, 2);
}

typedef struct
{
  Watch      *watch;
  GPtrArray  *chunks;
  guint       next;
} Feeder;

/* Hands over one chunk every 100 ms, as a streamed reply would, then ends the stream. */
static gboolean
feed_cb (gpointer data)
{
  Feeder *feeder = data;

  if (feeder->next < feeder->chunks->len)
    {
      playtest_player_push_chunk (feeder->watch->player, feeder->chunks->pdata[feeder->next++]);
      return G_SOURCE_CONTINUE;
    }
  playtest_player_end_stream (feeder->watch->player);
  return G_SOURCE_REMOVE;
}

static void
play_stream (Watch     *w,
             GPtrArray *chunks,
             guint      interval_ms)
{
  Feeder feeder = { w, chunks, 0 };

  playtest_player_begin_stream (w->player);
  g_assert_true (playtest_player_get_playing (w->player));
  g_timeout_add (interval_ms, feed_cb, &feeder);
  watch_run (w);
  g_assert_cmpuint (feeder.next, ==, chunks->len);
  linger (w, 300);
}

static void
test_stream_chunks (void)
{
  g_autoptr(GPtrArray) chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  Watch w;

  for (guint i = 0; i < 5; i++)
    g_ptr_array_add (chunks, make_sine_wav (22050, 1, 300));

  watch_init (&w);
  play_stream (&w, chunks, 100);

  g_assert_no_error (w.error);
  g_assert_cmpstr (w.log->str, ==, "playing started idle finished ");
  g_assert_false (w.position_went_back);
  /* 5 × 300 ms, one continuous stream. */
  g_assert_cmpint (w.last_position, >=, 1300);
  g_assert_cmpint (w.last_position, <=, 1800);
  g_assert_cmpfloat (w.max_level, >, 0.2);
  watch_clear (&w);
}

/* A chunk in another format is converted, a chunk that is no WAV is skipped: the stream
 * still plays the rest and finishes once. */
static void
test_stream_mixed_chunks (void)
{
  g_autoptr(GPtrArray) chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  Watch w;

  g_ptr_array_add (chunks, make_sine_wav (22050, 1, 300));
  g_ptr_array_add (chunks, g_bytes_new_static ("junk that is no WAV", 19));
  g_ptr_array_add (chunks, make_sine_wav (44100, 2, 300));
  g_ptr_array_add (chunks, make_sine_wav (22050, 1, 300));

  watch_init (&w);
  play_stream (&w, chunks, 100);

  g_assert_no_error (w.error);
  g_assert_cmpstr (w.log->str, ==, "playing started idle finished ");
  g_assert_cmpint (w.last_position, >=, 800);
  g_assert_cmpint (w.last_position, <=, 1200);
  watch_clear (&w);
}

/* Chunks slower than real time: the audio runs dry between them; each still plays. */
static void
test_stream_underrun (void)
{
  g_autoptr(GPtrArray) chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  Watch w;

  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (chunks, make_sine_wav (22050, 1, 100));

  watch_init (&w);
  play_stream (&w, chunks, 400);

  g_assert_no_error (w.error);
  g_assert_cmpstr (w.log->str, ==, "playing started idle finished ");
  g_assert_false (w.position_went_back);
  /* 300 ms of sound, plus the waits in between. */
  g_assert_cmpint (w.last_position, >=, 250);
  watch_clear (&w);
}

/* The level meter moves with the sound: the readings of a chunk handed over at once are not
 * all emitted at once, but as its audio plays (the last ones after a position of 500 ms). */
static void
test_level_follows_sound (void)
{
  g_autoptr(GBytes) chunk = make_sine_wav (22050, 1, 1000);
  Watch w;

  watch_init (&w);
  playtest_player_begin_stream (w.player);
  playtest_player_push_chunk (w.player, chunk);
  playtest_player_end_stream (w.player);
  watch_run (&w);

  g_assert_cmpuint (w.n_finished, ==, 1);
  g_assert_cmpfloat (w.max_level, >, 0.2);
  g_assert_cmpint (w.position_at_last_level, >=, 500);
  watch_clear (&w);
}

static void
test_stream_empty_and_all_bad (void)
{
  g_autoptr(GBytes) junk = g_bytes_new_static ("RIFF", 4);
  Watch w;

  watch_init (&w);
  /* A reply without audio: nothing to play, which is no error. */
  playtest_player_begin_stream (w.player);
  playtest_player_end_stream (w.player);
  g_assert_cmpuint (w.n_finished, ==, 1);
  g_assert_false (playtest_player_get_playing (w.player));

  watch_reset (&w);
  playtest_player_begin_stream (w.player);
  playtest_player_push_chunk (w.player, junk);
  playtest_player_end_stream (w.player);
  g_assert_cmpuint (w.n_errors, ==, 1);
  g_assert_cmpuint (w.n_finished, ==, 0);
  g_assert_error (w.error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_BAD_AUDIO);

  /* After the stream is over, stray chunks and a second end are ignored. */
  playtest_player_push_chunk (w.player, junk);
  playtest_player_end_stream (w.player);
  linger (&w, 200);
  g_assert_cmpuint (w.n_errors, ==, 1);
  g_assert_cmpuint (w.n_finished, ==, 0);
  watch_clear (&w);
}

/* A WAV with an unknown codec tag: the header parses, GStreamer's wavparse refuses it. */
static GBytes *
make_unknown_codec_wav (void)
{
  g_autoptr(GBytes) good = make_sine_wav (22050, 1, 200);
  gsize size = g_bytes_get_size (good);
  guint8 *data = g_memdup2 (g_bytes_get_data (good, NULL), size);

  data[20] = 0x34;
  data[21] = 0x12;
  return g_bytes_new_take (data, size);
}

static void
test_corrupt_wav (void)
{
  g_autoptr(GBytes) good = make_sine_wav (22050, 1, 200);
  g_autoptr(GBytes) header_only = g_bytes_new_from_bytes (good, 0, 44);
  g_autoptr(GBytes) cut_header = g_bytes_new_from_bytes (good, 0, 20);
  g_autoptr(GBytes) junk = g_bytes_new_static ("this is not audio at all, not even close", 40);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) unknown_codec = make_unknown_codec_wav ();
  GBytes *bad[] = { junk, header_only, cut_header, empty, unknown_codec };
  Watch w;

  watch_init (&w);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("bad WAV %u", i);
      watch_reset (&w);
      playtest_player_play_wav (w.player, bad[i]);
      watch_run (&w);
      linger (&w, 100);

      g_assert_error (w.error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_BAD_AUDIO);
      g_assert_cmpuint (w.n_errors, ==, 1);
      g_assert_cmpuint (w.n_finished, ==, 0);
      g_assert_false (playtest_player_get_playing (w.player));

      /* The player is still good for the next reply. */
      watch_reset (&w);
      playtest_player_play_wav (w.player, good);
      watch_run (&w);
      g_assert_no_error (w.error);
      g_assert_cmpuint (w.n_finished, ==, 1);
    }
  watch_clear (&w);
}

static void
test_stop_midway (void)
{
  g_autoptr(GBytes) wav = make_sine_wav (22050, 1, 1000);
  Watch w;

  watch_init (&w);
  w.stop_when_started = TRUE;
  playtest_player_play_wav (w.player, wav);
  watch_run (&w);
  /* Long enough for the whole second of audio to have ended, had it gone on. */
  linger (&w, 1500);

  g_assert_cmpstr (w.log->str, ==, "playing started idle stopped ");
  g_assert_cmpuint (w.n_finished, ==, 0);
  g_assert_false (playtest_player_get_playing (w.player));

  /* Stopping again, when nothing plays, is harmless and silent. */
  playtest_player_stop (w.player);
  g_assert_cmpuint (w.n_stopped, ==, 1);
  watch_clear (&w);
}

static void
test_stop_stream_midway (void)
{
  g_autoptr(GBytes) chunk = make_sine_wav (22050, 1, 1000);
  Watch w;

  watch_init (&w);
  w.stop_when_started = TRUE;
  playtest_player_begin_stream (w.player);
  playtest_player_push_chunk (w.player, chunk);
  watch_run (&w);
  /* The network goes on delivering after the user pressed stop. */
  playtest_player_push_chunk (w.player, chunk);
  playtest_player_end_stream (w.player);
  linger (&w, 1500);

  g_assert_cmpstr (w.log->str, ==, "playing started idle stopped ");
  g_assert_false (playtest_player_get_playing (w.player));
  watch_clear (&w);
}

static void
test_stop_idle (void)
{
  g_autoptr(GBytes) wav = make_sine_wav (22050, 1, 200);
  Watch w;

  watch_init (&w);
  playtest_player_stop (w.player);
  playtest_player_stop (w.player);
  g_assert_cmpstr (w.log->str, ==, "");

  playtest_player_play_wav (w.player, wav);
  watch_run (&w);
  g_assert_cmpuint (w.n_finished, ==, 1);
  playtest_player_stop (w.player);
  g_assert_cmpuint (w.n_stopped, ==, 0);
  watch_clear (&w);
}

/* A new play cuts the current one short: the first ends with stopped, the second finishes. */
static void
test_play_replaces (void)
{
  g_autoptr(GBytes) first = make_sine_wav (22050, 1, 1000);
  g_autoptr(GBytes) second = make_sine_wav (44100, 2, 200);
  Watch w;

  watch_init (&w);
  playtest_player_play_wav (w.player, first);
  playtest_player_play_wav (w.player, second);
  g_assert_cmpuint (w.n_stopped, ==, 1);
  g_assert_true (playtest_player_get_playing (w.player));

  w.n_stopped = 0;
  watch_run (&w);
  linger (&w, 1200);
  g_assert_cmpstr (w.log->str, ==, "playing idle stopped playing started idle finished ");
  g_assert_cmpuint (w.n_started, ==, 1);
  watch_clear (&w);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_muted (void)
{
  g_autoptr(GBytes) wav = make_sine_wav (22050, 1, 300);
  guint n_notify = 0;
  Watch w;

  watch_init (&w);
  g_signal_connect (w.player, "notify::muted", G_CALLBACK (count_notify_cb), &n_notify);
  g_assert_false (playtest_player_get_muted (w.player));
  playtest_player_set_muted (w.player, TRUE);
  playtest_player_set_muted (w.player, TRUE);
  g_assert_true (playtest_player_get_muted (w.player));
  g_assert_cmpuint (n_notify, ==, 1);

  /* Muted audio still plays through, and the meter still moves. */
  playtest_player_play_wav (w.player, wav);
  watch_run (&w);
  g_assert_cmpuint (w.n_finished, ==, 1);
  g_assert_cmpfloat (w.max_level, >, 0.2);

  g_object_set (w.player, "muted", FALSE, NULL);
  g_assert_cmpuint (n_notify, ==, 2);
  watch_clear (&w);
}

static void
test_no_device (void)
{
  g_autoptr(GBytes) wav = make_sine_wav (22050, 1, 200);
  Watch w;

  watch_init (&w);
  g_setenv ("PLAYTEST_AUDIO", "none", TRUE);
  playtest_player_play_wav (w.player, wav);
  watch_run (&w);
  g_assert_error (w.error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_NO_OUTPUT);
  g_assert_cmpstr (w.error->message, ==, "No sound output device was found.");
  g_assert_cmpuint (w.n_errors, ==, 1);
  g_assert_false (playtest_player_get_playing (w.player));

  watch_reset (&w);
  playtest_player_begin_stream (w.player);
  playtest_player_push_chunk (w.player, wav);
  playtest_player_end_stream (w.player);
  g_assert_error (w.error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_NO_OUTPUT);
  g_assert_cmpuint (w.n_errors, ==, 1);

  /* Once a device is there again, the same player plays. */
  g_setenv ("PLAYTEST_AUDIO", "fake", TRUE);
  watch_reset (&w);
  playtest_player_play_wav (w.player, wav);
  watch_run (&w);
  g_assert_no_error (w.error);
  g_assert_cmpuint (w.n_finished, ==, 1);
  watch_clear (&w);
}

/* The real autoaudiosink, on a machine without sound (CI): it quietly falls back to a fakesink,
 * which the player must notice. Skipped where a sound device exists. */
static void
test_no_real_device (void)
{
  g_autoptr(GBytes) wav = make_sine_wav (22050, 1, 200);
  g_autoptr(GstElement) sink = NULL;
  Watch w;

  g_setenv ("PLAYTEST_AUDIO", "real", TRUE);
  sink = gst_object_ref_sink (playtest_audio_device_make_sink (NULL));
  g_assert_nonnull (sink);
  g_assert_cmpint (gst_element_set_state (sink, GST_STATE_READY), !=, GST_STATE_CHANGE_FAILURE);
  if (!playtest_audio_device_is_missing (sink))
    {
      gst_element_set_state (sink, GST_STATE_NULL);
      g_setenv ("PLAYTEST_AUDIO", "fake", TRUE);
      g_test_skip ("This machine has a sound output device");
      return;
    }
  gst_element_set_state (sink, GST_STATE_NULL);

  watch_init (&w);
  playtest_player_play_wav (w.player, wav);
  watch_run (&w);
  g_setenv ("PLAYTEST_AUDIO", "fake", TRUE);
  g_assert_error (w.error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_NO_OUTPUT);
  g_assert_cmpuint (w.n_finished, ==, 0);
  watch_clear (&w);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  g_test_add_func ("/audio/player/wav-22050-mono", test_wav_22050_mono);
  g_test_add_func ("/audio/player/wav-44100-stereo", test_wav_44100_stereo);
  g_test_add_func ("/audio/player/stream-chunks", test_stream_chunks);
  g_test_add_func ("/audio/player/stream-mixed-chunks", test_stream_mixed_chunks);
  g_test_add_func ("/audio/player/stream-underrun", test_stream_underrun);
  g_test_add_func ("/audio/player/level-follows-sound", test_level_follows_sound);
  g_test_add_func ("/audio/player/stream-empty-and-all-bad", test_stream_empty_and_all_bad);
  g_test_add_func ("/audio/player/corrupt-wav", test_corrupt_wav);
  g_test_add_func ("/audio/player/stop-midway", test_stop_midway);
  g_test_add_func ("/audio/player/stop-stream-midway", test_stop_stream_midway);
  g_test_add_func ("/audio/player/stop-idle", test_stop_idle);
  g_test_add_func ("/audio/player/play-replaces", test_play_replaces);
  g_test_add_func ("/audio/player/muted", test_muted);
  g_test_add_func ("/audio/player/no-device", test_no_device);
  g_test_add_func ("/audio/player/no-real-device", test_no_real_device);

  return g_test_run ();
}
