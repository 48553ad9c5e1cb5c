/* playtest-cli-demo-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "playtest-cli-private.h"
#include "playtest-demo-server.h"

#define DEFAULT_HOST     "127.0.0.1"
#define DEFAULT_PORT     8123
#define MAX_LATENCY_MS   (10 * 60 * 1000)

typedef struct
{
  char      *host;
  char      *port;
  char      *api_key_file;
  char      *latency;
  gboolean   reject_text_with_audio;
  gboolean   help;
  char     **remaining;

  /* Worked out from the options. */
  guint      port_number;
  guint      latency_ms;
} DemoOptions;

static void
demo_options_clear (DemoOptions *options)
{
  g_clear_pointer (&options->host, g_free);
  g_clear_pointer (&options->port, g_free);
  g_clear_pointer (&options->api_key_file, g_free);
  g_clear_pointer (&options->latency, g_free);
  g_clear_pointer (&options->remaining, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DemoOptions, demo_options_clear)

static GOptionContext *
demo_context_new (DemoOptions *options)
{
  GOptionContext *context;
  const GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &options->host,
      N_("The address to listen on (default: 127.0.0.1, this computer only)"), N_("ADDRESS") },
    { "port", 'p', 0, G_OPTION_ARG_STRING, &options->port,
      N_("The port to listen on (default: 8123; 0 picks a free one)"), N_("PORT") },
    { "api-key-file", 0, 0, G_OPTION_ARG_FILENAME, &options->api_key_file,
      N_("Accept only this API key, read from FILE, and answer others as Convai does "
         "(default: any key, or none)"), N_("FILE") },
    { "latency", 0, 0, G_OPTION_ARG_STRING, &options->latency,
      N_("Wait this long before every reply"), N_("MS") },
    { "reject-text-with-audio", 0, 0, G_OPTION_ARG_NONE, &options->reject_text_with_audio,
      N_("Answer a recording sent with user text with HTTP 400, as the live service does"),
      NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &options->help, N_("Show this help and exit"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->remaining, NULL, NULL },
    { NULL }
  };

  context = playtest_cli_context_new ("demo-server", NULL,
                                      _("Run the demo backend: demo characters that speak the "
                                        "Convai API, with no key and no network."),
                                      _("Prints “listening on URL” once it accepts connections, "
                                        "and runs until Ctrl+C. Point the other commands at it "
                                        "with --base-url URL.\n\n"
                                        "A text containing [demo:delay=MS] makes that reply "
                                        "wait, to try out timeouts.\n\n"
                                        "The demo backend takes its key only from "
                                        "--api-key-file, never from CONVAI_API_KEY, so that "
                                        "a key meant for Convai is not given to it by "
                                        "accident.\n\n"
                                        "Listening on an address other than the loopback one "
                                        "makes the demo reachable from the network."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  return context;
}

static gboolean
parse_number (const char *option,
              const char *text,
              guint64     max,
              guint      *value,
              int        *exit_status)
{
  guint64 number;

  if (text == NULL)
    return TRUE;

  if (!g_ascii_string_to_unsigned (text, 10, 0, max, &number, NULL))
    {
      *exit_status = playtest_cli_usage_error ("demo-server",
                                               _("%s needs a number from 0 to %u, not “%s”"),
                                               option, (guint) max, text);
      return FALSE;
    }

  *value = number;
  return TRUE;
}

static gboolean
demo_check_options (DemoOptions *options,
                    int         *exit_status)
{
  g_autoptr(GInetAddress) address = NULL;

  if (options->remaining != NULL)
    {
      *exit_status = playtest_cli_usage_error ("demo-server", _("Unexpected argument “%s”"),
                                               options->remaining[0]);
      return FALSE;
    }

  options->port_number = DEFAULT_PORT;
  if (!parse_number ("--port", options->port, G_MAXUINT16, &options->port_number, exit_status) ||
      !parse_number ("--latency", options->latency, MAX_LATENCY_MS, &options->latency_ms,
                     exit_status))
    return FALSE;

  if (options->host == NULL || g_ascii_strcasecmp (options->host, "localhost") == 0)
    {
      g_free (options->host);
      options->host = g_strdup (DEFAULT_HOST);
    }

  address = g_inet_address_new_from_string (options->host);
  if (address == NULL)
    {
      *exit_status = playtest_cli_usage_error ("demo-server",
                                               _("--host needs an IP address such as 127.0.0.1, "
                                                 "not “%s”"), options->host);
      return FALSE;
    }

  /* Only an explicit --host gets here with another address: say what that means. */
  if (!g_inet_address_get_is_loopback (address))
    playtest_cli_warning (_("listening on %s makes the demo backend reachable from the network"),
                          options->host);

  return TRUE;
}

static gboolean
quit_cb (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

static int
demo_serve (PlaytestDemoServer *server)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *base_url = playtest_demo_server_dup_base_url (server);
  guint sigint_id = g_unix_signal_add (SIGINT, quit_cb, loop);
  guint sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, loop);

  /* Scripts wait for this exact line (untranslated) to know the port. */
  printf ("listening on %s\n", base_url);
  fflush (stdout);
  g_printerr (_("The demo backend runs until Ctrl+C. Try: %s characters --base-url %s\n"),
              PLAYTEST_CLI_NAME, base_url);

  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  playtest_demo_server_disconnect (server);

  return PLAYTEST_CLI_EXIT_OK;
}

/**
 * playtest_cli_demo_server:
 * @argc: the number of arguments
 * @argv: (array length=argc): the arguments, "demo-server" first
 *
 * `convai-playtest-cli demo-server`: runs the demo backend until interrupted.
 *
 * Returns: the exit status, a #PlaytestCliExit
 */
int
playtest_cli_demo_server (int    argc,
                          char **argv)
{
  g_auto(DemoOptions) options = { 0 };
  g_autoptr(GOptionContext) context = demo_context_new (&options);
  g_autoptr(PlaytestDemoServer) server = NULL;
  g_autoptr(GError) error = NULL;
  int exit_status = PLAYTEST_CLI_EXIT_OK;

  if (!playtest_cli_parse (context, "demo-server", &argc, &argv, &options.help, &exit_status))
    return exit_status;

  if (!demo_check_options (&options, &exit_status))
    return exit_status;

  server = playtest_demo_server_new ();

  if (options.api_key_file != NULL)
    {
      g_autofree char *key = playtest_cli_read_key_file (options.api_key_file, &error);

      if (key == NULL)
        {
          g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, error->message);
          return PLAYTEST_CLI_EXIT_USAGE;
        }
      playtest_demo_server_set_api_key (server, key);
    }

  playtest_demo_server_set_latency_ms (server, options.latency_ms);
  playtest_demo_server_set_reject_text_with_audio (server, options.reject_text_with_audio);

  if (!playtest_demo_server_listen (server, options.host, options.port_number, &error))
    {
      g_printerr (_("%s: Could not listen on %s port %u: %s\n"), PLAYTEST_CLI_NAME,
                  options.host, options.port_number, error->message);
      return PLAYTEST_CLI_EXIT_NETWORK;
    }

  return demo_serve (server);
}
