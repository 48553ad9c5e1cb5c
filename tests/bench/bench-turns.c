/* bench-turns.c
 *
 * 200 voice turns against the demo backend through PlaytestClient, versus curl sending the same
 * 200 multipart requests in one process with keep-alive (`--next`). Both talk to the same
 * demo-server process, so what differs is only the client side. Prints both times and the ratio.
 *
 *   meson test -C _build --benchmark --suite bench -v
 *   _build/tests/bench/bench-turns [--turns N] [--rounds N]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>

#include "playtest-client.h"

#define CHARACTER_ID "demo-mira"

static const char * const lines[] = {
  "Good evening", "Where is the ring?", "Can I have a drink?", "Who are you?", "Thanks, goodbye",
};

typedef struct
{
  GMainLoop      *loop;
  PlaytestClient *client;
  guint           remaining;
  guint           sent;
  GError         *error;
} ClientRun;

static void send_next_turn (ClientRun *run);

static void
turn_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ClientRun *run = user_data;
  g_autoptr(PlaytestReply) reply = NULL;

  reply = playtest_client_get_response_finish (run->client, result, &run->error);
  if (reply == NULL || playtest_reply_get_audio (reply) == NULL)
    {
      if (run->error == NULL)
        run->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "reply without audio");
      g_main_loop_quit (run->loop);
      return;
    }
  send_next_turn (run);
}

static void
send_next_turn (ClientRun *run)
{
  g_autoptr(PlaytestTurnRequest) request = NULL;

  if (run->remaining == 0)
    {
      g_main_loop_quit (run->loop);
      return;
    }
  run->remaining--;
  request = playtest_turn_request_new (CHARACTER_ID, PLAYTEST_NEW_SESSION_ID,
                                       lines[run->sent++ % G_N_ELEMENTS (lines)]);
  playtest_turn_request_set_voice_response (request, TRUE);
  playtest_client_get_response_async (run->client, request, NULL, turn_done_cb, run);
}

static double
time_client (const char *base_url,
             guint       turns)
{
  g_autoptr(PlaytestClient) client = playtest_client_new (base_url, "bench-key");
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  ClientRun run = { loop, client, turns, 0, NULL };
  gint64 start = g_get_monotonic_time ();

  send_next_turn (&run);
  g_main_loop_run (loop);
  if (run.error != NULL)
    g_error ("client run failed: %s", run.error->message);
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
add_strings (GPtrArray  *array,
             const char *first,
             ...)
{
  va_list args;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    g_ptr_array_add (array, g_strdup (s));
  va_end (args);
}

static double
time_curl (const char *base_url,
           guint       turns)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *url = g_strconcat (base_url, "/character/getResponse", NULL);
  g_autoptr(GError) error = NULL;
  int wait_status = 0;
  gint64 start;

  g_ptr_array_add (argv, g_strdup ("curl"));
  for (guint i = 0; i < turns; i++)
    {
      if (i > 0)
        g_ptr_array_add (argv, g_strdup ("--next"));
      g_ptr_array_add (argv, g_strdup ("-F"));
      g_ptr_array_add (argv, g_strdup_printf ("userText=%s", lines[i % G_N_ELEMENTS (lines)]));
      add_strings (argv, "-sS", "-o", "/dev/null", "-H", "CONVAI-API-KEY: bench-key",
                   "-F", "charID=" CHARACTER_ID, "-F", "sessionID=-1",
                   "-F", "voiceResponse=true", url, NULL);
    }
  g_ptr_array_add (argv, NULL);

  start = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     NULL, NULL, &wait_status, &error)
      || !g_spawn_check_wait_status (wait_status, &error))
    g_error ("curl failed: %s", error->message);
  return (g_get_monotonic_time () - start) / 1e6;
}

static GSubprocess *
start_demo_server (const char *cli,
                   char      **base_url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             cli, "demo-server", "--port", "0", NULL);
  if (server == NULL)
    g_error ("cannot start %s: %s", cli, error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    g_error ("demo server did not start: %s", error ? error->message : line);
  *base_url = g_strdup (line + strlen ("listening on "));
  return g_steal_pointer (&server);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  int turns = 200, rounds = 3;
  const char *cli = g_getenv ("PLAYTEST_CLI");
  GOptionEntry entries[] = {
    { "turns", 0, 0, G_OPTION_ARG_INT, &turns, "Turns per run (default 200)", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Runs of each, median taken (default 3)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- client vs curl, 200 voice turns");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *base_url = NULL;
  g_autofree double *client_s = NULL, *curl_s = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || turns < 1 || rounds < 1)
    g_error ("%s", error ? error->message : "--turns and --rounds must be positive");
  if (cli == NULL)
    g_error ("set PLAYTEST_CLI to the convai-playtest-cli binary (meson does this)");

  server = start_demo_server (cli, &base_url);
  time_client (base_url, 10); /* warm up: the demo's voice, both connections */
  time_curl (base_url, 10);

  client_s = g_new0 (double, rounds);
  curl_s = g_new0 (double, rounds);
  for (int r = 0; r < rounds; r++)
    {
      /* Interleaved so that load from elsewhere on the machine hits both alike. */
      client_s[r] = time_client (base_url, turns);
      curl_s[r] = time_curl (base_url, turns);
      printf ("round %d: client %.3f s, curl %.3f s\n", r + 1, client_s[r], curl_s[r]);
    }
  qsort (client_s, rounds, sizeof (double), compare_doubles);
  qsort (curl_s, rounds, sizeof (double), compare_doubles);

  printf ("%d voice turns, median of %d: PlaytestClient %.3f s, curl --next %.3f s, "
          "ratio %.3f (goal <= 1.10)\n",
          turns, rounds, client_s[rounds / 2], curl_s[rounds / 2],
          client_s[rounds / 2] / curl_s[rounds / 2]);
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  return 0;
}
