/* bench-streaming.c
 *
 * Time from request start to first audio, streaming off vs on, against an in-process demo
 * backend with a simulated generation delay (1 s by default). Voice is on for every turn.
 * Non-streaming: the reply's first_audio timing (the whole reply, audio included, has arrived).
 * Streaming: the first PlaytestTurnRequest::audio-chunk. Prints the medians and the ratio
 * (issue 4's goal: streaming ≤ 0.4× non-streaming). A report, not an assertion.
 *
 * The demo backend models generation sentence by sentence (playtest_demo_server_set_latency_ms()):
 * a plain reply starts once the whole delay is over, a stream sends each piece once that piece
 * would have been generated, so its first audio comes after the first sentence's share.
 *
 *   meson test -C _build --benchmark --suite bench -v
 *   _build/tests/bench/bench-streaming [--turns N] [--latency-ms MS]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "playtest-client.h"
#include "playtest-demo-server.h"

#define CHARACTER_ID "demo-mira"
#define WARMUP_TURNS 1

static const char * const lines[] = {
  "Hello there", "Where is the ring?", "Can I have a drink?", "Who are you?", "What is wrong?",
};

typedef struct
{
  GMainLoop     *loop;
  PlaytestReply *reply;
  GError        *error;
  gint64         first_chunk;
  guint          n_chunks;
} Turn;

static void
audio_chunk_cb (PlaytestTurnRequest *request,
                GBytes              *wav,
                Turn                *turn)
{
  if (turn->first_chunk == 0)
    turn->first_chunk = g_get_monotonic_time ();
  turn->n_chunks++;
}

static void
turn_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Turn *turn = user_data;

  turn->reply = playtest_client_get_response_finish (PLAYTEST_CLIENT (source), result,
                                                     &turn->error);
  g_main_loop_quit (turn->loop);
}

/* One voice turn; returns request start → first audio in ms, and the whole turn in @total_ms. */
static double
time_turn (PlaytestClient *client,
           GMainLoop      *loop,
           const char     *line,
           gboolean        stream,
           double         *total_ms)
{
  g_autoptr(PlaytestTurnRequest) request = NULL;
  const PlaytestTimings *timings;
  Turn turn = { loop, NULL, NULL, 0, 0 };
  gint64 first_audio;
  double first_audio_ms;

  request = playtest_turn_request_new (CHARACTER_ID, PLAYTEST_NEW_SESSION_ID, line);
  playtest_turn_request_set_voice_response (request, TRUE);
  playtest_turn_request_set_stream (request, stream);
  g_signal_connect (request, "audio-chunk", G_CALLBACK (audio_chunk_cb), &turn);

  playtest_client_get_response_async (client, request, NULL, turn_done_cb, &turn);
  g_main_loop_run (loop);

  if (turn.reply == NULL)
    g_error ("A %s turn failed: %s", stream ? "streamed" : "plain", turn.error->message);
  if (playtest_reply_get_audio (turn.reply) == NULL)
    g_error ("A %s turn brought no audio", stream ? "streamed" : "plain");
  if (stream && turn.n_chunks == 0)
    g_error ("A streamed turn emitted no audio-chunk");

  timings = playtest_reply_get_timings (turn.reply);
  first_audio = stream ? turn.first_chunk : timings->first_audio;
  *total_ms = (timings->complete - timings->request_start) / 1000.0;
  first_audio_ms = (first_audio - timings->request_start) / 1000.0;
  g_clear_object (&turn.reply);

  return first_audio_ms;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        int     n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static PlaytestDemoServer *
start_demo (guint   latency_ms,
            char  **base_url)
{
  g_autoptr(PlaytestDemoServer) demo = playtest_demo_server_new ();
  g_autoptr(GError) error = NULL;

  playtest_demo_server_set_latency_ms (demo, latency_ms);
  if (!playtest_demo_server_listen (demo, "127.0.0.1", 0, &error))
    g_error ("The demo backend did not start: %s", error->message);
  *base_url = playtest_demo_server_dup_base_url (demo);

  return g_steal_pointer (&demo);
}

int
main (int   argc,
      char *argv[])
{
  int turns = 10;
  int latency_ms = 1000;
  GOptionEntry entries[] = {
    { "turns", 0, 0, G_OPTION_ARG_INT, &turns, "Measured turns of each (default 10)", "N" },
    { "latency-ms", 0, 0, G_OPTION_ARG_INT, &latency_ms,
      "Simulated generation delay of the demo backend (default 1000)", "MS" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- streaming on vs off");
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(PlaytestDemoServer) demo = NULL;
  g_autoptr(PlaytestClient) client = NULL;
  g_autofree char *base_url = NULL;
  g_autofree double *plain_ms = NULL;
  g_autofree double *stream_ms = NULL;
  g_autofree double *plain_total_ms = NULL;
  g_autofree double *stream_total_ms = NULL;
  double plain_median, stream_median;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || turns < 1 || latency_ms < 0)
    g_error ("%s", error != NULL ? error->message : "--turns ≥ 1 and --latency-ms ≥ 0, please");

  demo = start_demo (latency_ms, &base_url);
  client = playtest_client_new (base_url, "bench-key");
  playtest_client_set_timeout (client, 60);

  plain_ms = g_new (double, turns);
  stream_ms = g_new (double, turns);
  plain_total_ms = g_new (double, turns);
  stream_total_ms = g_new (double, turns);
  /* Alternated, the same line for both, so the two see the same replies and the same machine;
   * the first pair warms up speech synthesis and is not counted. */
  for (int i = -WARMUP_TURNS; i < turns; i++)
    {
      const char *line = lines[(i + WARMUP_TURNS) % G_N_ELEMENTS (lines)];
      double plain_total, stream_total;
      double plain = time_turn (client, loop, line, FALSE, &plain_total);
      double streamed = time_turn (client, loop, line, TRUE, &stream_total);

      if (i < 0)
        continue;
      plain_ms[i] = plain;
      stream_ms[i] = streamed;
      plain_total_ms[i] = plain_total;
      stream_total_ms[i] = stream_total;
    }

  plain_median = median (plain_ms, turns);
  stream_median = median (stream_ms, turns);
  printf ("Demo backend with a %d ms generation delay, voice on, median of %d turns each:\n",
          latency_ms, turns);
  printf ("  request start to first audio, streaming off: %8.1f ms (whole turn %8.1f ms)\n",
          plain_median, median (plain_total_ms, turns));
  printf ("  request start to first audio, streaming on:  %8.1f ms (whole turn %8.1f ms)\n",
          stream_median, median (stream_total_ms, turns));
  printf ("  ratio streaming / non-streaming: %.2f (goal ≤ 0.40: %s)\n",
          stream_median / plain_median, stream_median <= 0.4 * plain_median ? "met" : "NOT met");

  return 0;
}
