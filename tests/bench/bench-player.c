/* bench-player.c
 *
 * Time to first audio: from handing a 5 s WAV's bytes to PlaytestPlayer to its first buffer
 * reaching the sink, versus the same WAV played from a file by the pipeline gst-play-1.0 would
 * build for it (filesrc ! wavparse ! audioconvert ! audioresample ! sink), built in the same
 * run. Both play into fakesink (PLAYTEST_AUDIO=fake); the time each takes to build its
 * pipeline is counted. Goal (issue 4): median ≤ 20 ms. Prints both medians and the ratio.
 *
 *   meson test -C _build --benchmark --suite bench -v
 *   PLAYTEST_AUDIO=fake _build/tests/bench/bench-player [--runs N]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "playtest-player-private.h"
#include "playtest-wav.h"

#define WARMUP_RUNS 3

static GBytes *
make_voice_wav (guint rate,
                guint seconds)
{
  gsize n_frames = (gsize) rate * seconds;
  g_autofree gint16 *samples = g_new (gint16, n_frames);

  for (gsize i = 0; i < n_frames; i++)
    samples[i] = (gint16) (12000 * sin (2 * G_PI * 220.0 * i / rate));
  return playtest_wav_new_pcm16 (samples, n_frames, rate, 1);
}

static void
quit_cb (gpointer  instance,
         GMainLoop *loop)
{
  g_main_loop_quit (loop);
}

static void
player_error_cb (PlaytestPlayer *player,
                 const GError   *error,
                 gpointer        data)
{
  g_error ("The player failed: %s", error->message);
}

/* Milliseconds from play_wav() to the first buffer at the player's sink. */
static double
time_player (PlaytestPlayer *player,
             GMainLoop      *loop,
             GBytes         *wav)
{
  gint64 start = g_get_monotonic_time ();
  gint64 first;

  playtest_player_play_wav (player, wav);
  g_main_loop_run (loop); /* until started: by then the first buffer has arrived */
  first = playtest_player_get_first_buffer_time (player);
  playtest_player_stop (player);
  g_assert_cmpint (first, >, 0);
  return (first - start) / 1000.0;
}

static GstPadProbeReturn
first_buffer_cb (GstPad          *pad,
                 GstPadProbeInfo *info,
                 gpointer         data)
{
  *(gint64 *) data = g_get_monotonic_time ();
  return GST_PAD_PROBE_REMOVE;
}

static gboolean
reference_bus_cb (GstBus     *bus,
                  GstMessage *message,
                  gpointer    data)
{
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    g_error ("The reference pipeline failed");
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ASYNC_DONE)
    g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

/* Milliseconds from building the reference pipeline to the first buffer at its sink. */
static double
time_reference (GMainLoop  *loop,
                const char *path)
{
  gint64 start = g_get_monotonic_time ();
  gint64 first = 0;
  g_autofree char *description = g_strdup_printf ("filesrc location=\"%s\" ! wavparse ! "
                                                  "audioconvert ! audioresample ! "
                                                  "fakesink name=sink sync=true", path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstPad) pad = NULL;
  g_autoptr(GstBus) bus = NULL;

  g_assert_no_error (error);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, first_buffer_cb, &first, NULL);
  bus = gst_element_get_bus (pipeline);
  gst_bus_add_watch (bus, reference_bus_cb, loop);

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  g_main_loop_run (loop); /* until prerolled: the first buffer has arrived */
  gst_bus_remove_watch (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_assert_cmpint (first, >, 0);
  return (first - start) / 1000.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int
main (int   argc,
      char *argv[])
{
  int runs = 31;
  GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Measured runs of each (default 31)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wav = make_voice_wav (22050, 5);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(PlaytestPlayer) player = NULL;
  g_autofree char *path = NULL;
  g_autofree double *player_ms = NULL;
  g_autofree double *reference_ms = NULL;
  double player_median, reference_median;
  int fd;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error) || runs < 1)
    g_error ("%s", error != NULL ? error->message : "--runs must be at least 1");

  if (g_strcmp0 (g_getenv ("PLAYTEST_AUDIO"), "fake") != 0)
    g_printerr ("PLAYTEST_AUDIO is not 'fake': the player plays to the sound device, the "
                "reference to fakesink\n");

  fd = g_file_open_tmp ("bench-player-XXXXXX.wav", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, g_bytes_get_data (wav, NULL), g_bytes_get_size (wav), &error);
  g_assert_no_error (error);

  player = playtest_player_new ();
  g_signal_connect (player, "started", G_CALLBACK (quit_cb), loop);
  g_signal_connect (player, "error", G_CALLBACK (player_error_cb), NULL);

  player_ms = g_new (double, runs);
  reference_ms = g_new (double, runs);
  /* Alternate the two, so that anything else the machine does hits both alike; the first
   * runs load plugins and are not counted. */
  for (int i = -WARMUP_RUNS; i < runs; i++)
    {
      double p = time_player (player, loop, wav);
      double r = time_reference (loop, path);

      if (i >= 0)
        {
          player_ms[i] = p;
          reference_ms[i] = r;
        }
    }

  player_median = median (player_ms, runs);
  reference_median = median (reference_ms, runs);
  printf ("5 s WAV (%zu bytes), time to first buffer at the sink, median of %d:\n",
          g_bytes_get_size (wav), runs);
  printf ("  PlaytestPlayer (bytes)      %7.2f ms  (goal <= 20 ms)\n", player_median);
  printf ("  filesrc ! wavparse pipeline %7.2f ms\n", reference_median);
  printf ("  ratio player/reference      %7.2f\n", player_median / reference_median);

  g_unlink (path);
  return 0;
}
