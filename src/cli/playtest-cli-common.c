/* playtest-cli-common.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "playtest-cli-private.h"
#include "playtest-json.h"
#include "playtest-wav.h"

typedef struct
{
  const char *name;
  int (*run) (int    argc,
              char **argv);
  const char *summary;
} PlaytestCliCommand;

static const PlaytestCliCommand commands[] = {
  { "say", playtest_cli_say,
    N_("Send one line (typed or spoken) to a character, print its reply") },
  { "characters", playtest_cli_characters, N_("List the characters the key can talk to") },
  { "sections", playtest_cli_sections, N_("List the narrative sections of a character") },
  { "sessions", playtest_cli_sessions, N_("List the conversations in the history, newest first") },
  { "export", playtest_cli_export,
    N_("Export a conversation from the history as Markdown or JSON") },
  { "run", playtest_cli_run, N_("Run playthrough scripts and check the answers (for CI)") },
  { "demo-server", playtest_cli_demo_server, N_("Run the demo backend: demo characters, no key") },
};

static char *
describe_commands (void)
{
  GString *text = g_string_new (_("Commands:"));

  g_string_append_c (text, '\n');
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-12s %s\n", commands[i].name, _(commands[i].summary));

  g_string_append_printf (text, "\n%s\n\n%s\n\n%s",
                          _("Run “convai-playtest-cli COMMAND --help” for the options of a "
                            "command."),
                          _("The API key comes from the environment variable CONVAI_API_KEY or "
                            "from a file given with --api-key-file FILE, never from the command "
                            "line, where other users could see it. Without a key, start the demo "
                            "backend with “convai-playtest-cli demo-server” and add "
                            "“--base-url http://127.0.0.1:8123” to the other commands."),
                          _("Exit status: 0 success; 1 the service answered with an error; "
                            "2 usage error; 3 network failure or timeout."));

  return g_string_free (text, FALSE);
}

static const PlaytestCliCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (commands[i].name, name))
        return &commands[i];
    }

  return NULL;
}

/**
 * playtest_cli_main:
 * @argc: the number of arguments
 * @argv: (array length=argc): the arguments, the program name first
 *
 * Runs `convai-playtest-cli`: reads the command from @argv and hands the rest to it. The
 * caller has set the locale and bound the text domain (main.c binds the installed one).
 *
 * Returns: the exit status, a #PlaytestCliExit
 */
int
playtest_cli_main (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *description = NULL;
  gboolean help = FALSE;
  gboolean version = FALSE;
  const PlaytestCliCommand *command;
  int exit_status;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  description = describe_commands ();
  context = playtest_cli_context_new (NULL, _("COMMAND [OPTION…]"),
                                      _("Talk to Convai characters from a terminal or a script."),
                                      description);
  /* Options after the command belong to the command. */
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  playtest_cli_add_help_option (context, &help);

  if (!playtest_cli_parse (context, NULL, &argc, &argv, &help, &exit_status))
    return exit_status;

  if (version)
    {
      g_print ("%s %s\n", PLAYTEST_CLI_NAME, PACKAGE_VERSION);
      return PLAYTEST_CLI_EXIT_OK;
    }

  if (argc < 2)
    return playtest_cli_usage_error (NULL, _("No command given"));

  command = find_command (argv[1]);
  if (command == NULL)
    return playtest_cli_usage_error (NULL, _("Unknown command “%s”"), argv[1]);

  return command->run (argc - 1, argv + 1);
}

/**
 * playtest_cli_context_new:
 * @command: (nullable): the command, or %NULL for the program itself
 * @parameter_string: what follows the options in the usage line
 * @summary: one sentence on what the command does
 * @description: (nullable): more, shown after the options
 *
 * Creates the option context of a command, translated, with its own `--help` handling (so
 * that asking for help returns from the command instead of exiting the process).
 *
 * Returns: (transfer full): a new #GOptionContext
 */
GOptionContext *
playtest_cli_context_new (const char *command,
                          const char *parameter_string,
                          const char *summary,
                          const char *description)
{
  GOptionContext *context = g_option_context_new (parameter_string);
  g_autofree char *prgname = NULL;

  /* The usage line is built from the program name: make it name the command too. */
  prgname = command != NULL ? g_strdup_printf ("%s %s", PLAYTEST_CLI_NAME, command)
                            : g_strdup (PLAYTEST_CLI_NAME);
  g_set_prgname (prgname);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, description);
  g_option_context_set_help_enabled (context, FALSE);

  return context;
}

/**
 * playtest_cli_add_help_option:
 * @context: an option context from playtest_cli_context_new()
 * @help: where to note that help was asked for
 *
 * Adds `-h`/`--help`.
 */
void
playtest_cli_add_help_option (GOptionContext *context,
                              gboolean       *help)
{
  const GOptionEntry entries[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, help, N_("Show this help and exit"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

/**
 * playtest_cli_add_service_options:
 * @context: an option context from playtest_cli_context_new()
 * @common: where the values go
 *
 * Adds the options that say which service to talk to and with which key: `--base-url`,
 * `--api-key-file`, and `--help`.
 */
void
playtest_cli_add_service_options (GOptionContext    *context,
                                  PlaytestCliCommon *common)
{
  const GOptionEntry entries[] = {
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &common->base_url,
      N_("The service to talk to (default: https://api.convai.com); the demo backend, "
         "http://127.0.0.1:8123, needs no key"), N_("URL") },
    { "api-key-file", 0, 0, G_OPTION_ARG_FILENAME, &common->api_key_file,
      N_("Read the API key from FILE instead of the environment variable CONVAI_API_KEY"),
      N_("FILE") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  playtest_cli_add_help_option (context, &common->help);
}

/**
 * playtest_cli_add_common_options:
 * @context: an option context from playtest_cli_context_new()
 * @common: where the values go
 *
 * Adds the options of every command that talks to the service: `--base-url`,
 * `--api-key-file`, `--json` and `--help`.
 */
void
playtest_cli_add_common_options (GOptionContext    *context,
                                 PlaytestCliCommon *common)
{
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &common->json, N_("Print JSON instead of text"), NULL },
    { NULL }
  };

  playtest_cli_add_service_options (context, common);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

/**
 * playtest_cli_common_clear:
 * @common: the shared options
 *
 * Frees what option parsing stored in @common.
 */
void
playtest_cli_common_clear (PlaytestCliCommon *common)
{
  g_clear_pointer (&common->base_url, g_free);
  g_clear_pointer (&common->api_key_file, g_free);
}

/**
 * playtest_cli_parse:
 * @context: the option context of the command
 * @command: (nullable): the command, for messages
 * @argc: the number of arguments, updated
 * @argv: the arguments, updated to what remains
 * @help: the `--help` flag of the command
 * @exit_status: (out): the exit status when this returns %FALSE
 *
 * Parses the options; prints help or a usage error when that is what the user gets.
 *
 * Returns: %TRUE if the command should go on, %FALSE if it should exit with @exit_status
 */
gboolean
playtest_cli_parse (GOptionContext   *context,
                    const char       *command,
                    int              *argc,
                    char           ***argv,
                    const gboolean   *help,
                    int              *exit_status)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *exit_status = playtest_cli_usage_error (command, "%s", error->message);
      return FALSE;
    }

  if (*help)
    {
      g_autofree char *text = g_option_context_get_help (context, TRUE, NULL);

      g_print ("%s", text);
      *exit_status = PLAYTEST_CLI_EXIT_OK;
      return FALSE;
    }

  return TRUE;
}

/**
 * playtest_cli_usage_error:
 * @command: (nullable): the command, to point at its help
 * @format: a printf() format for the message
 * @...: its arguments
 *
 * Prints a usage error and where to find help.
 *
 * Returns: %PLAYTEST_CLI_EXIT_USAGE
 */
int
playtest_cli_usage_error (const char *command,
                          const char *format,
                          ...)
{
  g_autofree char *message = NULL;
  g_autofree char *help = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  help = command != NULL ? g_strdup_printf ("%s %s --help", PLAYTEST_CLI_NAME, command)
                         : g_strdup_printf ("%s --help", PLAYTEST_CLI_NAME);
  g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, message);
  g_printerr (_("Try “%s”."), help);
  g_printerr ("\n");

  return PLAYTEST_CLI_EXIT_USAGE;
}

/**
 * playtest_cli_warning:
 * @format: a printf() format
 * @...: its arguments
 *
 * Prints a warning on stderr: something the user should know that did not stop the command.
 */
void
playtest_cli_warning (const char *format,
                      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr (_("%s: warning: %s\n"), PLAYTEST_CLI_NAME, message);
}

static gboolean
key_is_usable (const char *key)
{
  /* A key ends up in an HTTP header: a control character in it is a broken file, not a key. */
  for (const char *p = key; *p != '\0'; p++)
    {
      if (g_ascii_iscntrl (*p))
        return FALSE;
    }

  return *key != '\0';
}

/**
 * playtest_cli_read_key_file:
 * @path: the file
 * @error: return location for an error
 *
 * Reads an API key from a file, without the line break editors leave at its end. The key never
 * appears in an error message.
 *
 * Returns: (transfer full): the key, or %NULL with @error set
 */
char *
playtest_cli_read_key_file (const char  *path,
                            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *display = g_filename_display_name (path);

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_file_error (local_error->code),
                   _("Could not read the API key file: %s"), local_error->message);
      return NULL;
    }

  g_strstrip (contents);
  if (!key_is_usable (contents))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The API key file “%s” does not hold a key (it is empty or has more than "
                     "one line)"), display);
      return NULL;
    }

  return g_steal_pointer (&contents);
}

static gboolean
base_url_is_usable (const char *base_url)
{
  g_autoptr(GUri) uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  const char *scheme;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  return g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0;
}

static int
explain_missing_key (const char *command)
{
  g_printerr ("%s: %s\n\n", PLAYTEST_CLI_NAME, _("No API key."));
  g_printerr ("%s\n\n", _("Give your Convai API key in the environment, for example:"));
  g_printerr ("  export CONVAI_API_KEY=…\n\n");
  g_printerr ("%s\n\n", _("or keep it in a file and add “--api-key-file FILE”."));
  g_printerr ("%s\n\n", _("Or talk to the demo characters, which need no key: start the demo "
                          "backend in another terminal,"));
  g_printerr ("  %s demo-server\n\n", PLAYTEST_CLI_NAME);
  g_printerr ("%s\n\n", _("and point this command at it:"));
  g_printerr ("  %s %s --base-url http://127.0.0.1:8123 …\n", PLAYTEST_CLI_NAME, command);

  return PLAYTEST_CLI_EXIT_USAGE;
}

/**
 * playtest_cli_client_new:
 * @common: the shared options, parsed
 * @command: the command, for messages
 * @exit_status: (out): the exit status when this returns %NULL
 *
 * Creates the client the options ask for. The key comes from `--api-key-file` or else from
 * `CONVAI_API_KEY`; without a key, only an explicit `--base-url` (the demo backend) will do.
 *
 * Returns: (transfer full) (nullable): the client, or %NULL after printing why not
 */
PlaytestClient *
playtest_cli_client_new (PlaytestCliCommon *common,
                         const char        *command,
                         int               *exit_status)
{
  g_autofree char *key = NULL;
  const char *env_key = g_getenv ("CONVAI_API_KEY");

  if (common->base_url != NULL && !base_url_is_usable (common->base_url))
    {
      *exit_status = playtest_cli_usage_error (command,
                                               _("--base-url needs an http:// or https:// URL, "
                                                 "not “%s”"), common->base_url);
      return NULL;
    }

  if (common->api_key_file != NULL)
    {
      g_autoptr(GError) error = NULL;

      key = playtest_cli_read_key_file (common->api_key_file, &error);
      if (key == NULL)
        {
          g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, error->message);
          *exit_status = PLAYTEST_CLI_EXIT_USAGE;
          return NULL;
        }
    }
  else if (env_key != NULL)
    {
      key = g_strstrip (g_strdup (env_key));
      if (*key == '\0')
        g_clear_pointer (&key, g_free);
      else if (!key_is_usable (key))
        {
          g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME,
                      _("CONVAI_API_KEY holds control characters; it cannot be an API key"));
          *exit_status = PLAYTEST_CLI_EXIT_USAGE;
          return NULL;
        }
    }

  if (key == NULL && common->base_url == NULL)
    {
      *exit_status = explain_missing_key (command);
      return NULL;
    }

  return playtest_client_new (common->base_url != NULL ? common->base_url
                                                       : PLAYTEST_DEFAULT_BASE_URL,
                              key);
}

static int
exit_status_for_client_error (PlaytestClientError code)
{
  switch (code)
    {
    case PLAYTEST_CLIENT_ERROR_TIMEOUT:
    case PLAYTEST_CLIENT_ERROR_NETWORK:
      return PLAYTEST_CLI_EXIT_NETWORK;

    case PLAYTEST_CLIENT_ERROR_INVALID_INPUT:
      return PLAYTEST_CLI_EXIT_USAGE;

    case PLAYTEST_CLIENT_ERROR_BAD_REQUEST:
    case PLAYTEST_CLIENT_ERROR_BAD_KEY:
    case PLAYTEST_CLIENT_ERROR_FORBIDDEN:
    case PLAYTEST_CLIENT_ERROR_NOT_FOUND:
    case PLAYTEST_CLIENT_ERROR_RATE_LIMITED:
    case PLAYTEST_CLIENT_ERROR_SERVER:
    case PLAYTEST_CLIENT_ERROR_BAD_REPLY:
    case PLAYTEST_CLIENT_ERROR_TOO_LARGE:
    case PLAYTEST_CLIENT_ERROR_CANCELLED:
    default:
      return PLAYTEST_CLI_EXIT_SERVICE;
    }
}

static int
exit_status_for_error (const GError *error)
{
  if (error->domain == PLAYTEST_CLIENT_ERROR)
    return exit_status_for_client_error (error->code);

  if (error->domain == PLAYTEST_WAV_ERROR)
    return PLAYTEST_CLI_EXIT_USAGE;

  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR ||
      error->domain == G_TLS_ERROR)
    return PLAYTEST_CLI_EXIT_NETWORK;

  return PLAYTEST_CLI_EXIT_SERVICE;
}

/**
 * playtest_cli_report_error:
 * @error: what went wrong with a request
 *
 * Prints @error for the user — for an HTTP error, the status and the service's own words —
 * and picks the exit status that goes with it.
 *
 * Returns: the exit status, a #PlaytestCliExit
 */
int
playtest_cli_report_error (const GError *error)
{
  /* The core's message already reads "HTTP 401 Unauthorized: <the server's words>". */
  g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, error->message);

  return exit_status_for_error (error);
}

/**
 * playtest_cli_wait_init:
 * @wait: the waiter
 *
 * Prepares @wait for one async call: pass playtest_cli_wait_cb() and @wait as its callback
 * and its data, and @wait->cancellable as its cancellable.
 */
void
playtest_cli_wait_init (PlaytestCliWait *wait)
{
  wait->loop = g_main_loop_new (NULL, FALSE);
  wait->result = NULL;
  wait->cancellable = g_cancellable_new ();
  wait->interrupted = FALSE;
}

/**
 * playtest_cli_wait_clear:
 * @wait: the waiter
 *
 * Frees what @wait holds.
 */
void
playtest_cli_wait_clear (PlaytestCliWait *wait)
{
  g_clear_pointer (&wait->loop, g_main_loop_unref);
  g_clear_object (&wait->result);
  g_clear_object (&wait->cancellable);
}

/**
 * playtest_cli_wait_cb:
 * @source: the source object of the call
 * @result: its result
 * @user_data: the #PlaytestCliWait
 *
 * The callback to give the async call that playtest_cli_wait_run() waits for.
 */
void
playtest_cli_wait_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  PlaytestCliWait *wait = user_data;

  g_set_object (&wait->result, result);
  g_main_loop_quit (wait->loop);
}

static gboolean
interrupt_cb (gpointer user_data)
{
  PlaytestCliWait *wait = user_data;

  /* Cancel rather than die, so a partly written --save-audio file is never left behind. */
  wait->interrupted = TRUE;
  g_cancellable_cancel (wait->cancellable);

  return G_SOURCE_CONTINUE;
}

/**
 * playtest_cli_wait_run:
 * @wait: the waiter
 *
 * Runs the main loop until the call started with @wait completes. Ctrl+C (or SIGTERM)
 * cancels the call meanwhile and sets @wait->interrupted.
 *
 * Returns: (transfer full): the result to pass to the call's finish function
 */
GAsyncResult *
playtest_cli_wait_run (PlaytestCliWait *wait)
{
  guint sigint_id = g_unix_signal_add (SIGINT, interrupt_cb, wait);
  guint sigterm_id = g_unix_signal_add (SIGTERM, interrupt_cb, wait);

  if (wait->result == NULL)
    g_main_loop_run (wait->loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  return g_steal_pointer (&wait->result);
}

/**
 * playtest_cli_finish_list:
 * @wait: the waiter the list was fetched with
 * @items: (nullable): the list, or %NULL on error
 * @error: (nullable): why there is no list
 * @json: whether to print JSON
 * @to_json: turns @items into JSON
 * @print_plain: prints @items as text
 *
 * Prints a list a command fetched, or why it could not.
 *
 * Returns: the exit status, a #PlaytestCliExit
 */
int
playtest_cli_finish_list (PlaytestCliWait       *wait,
                          GPtrArray             *items,
                          const GError          *error,
                          gboolean               json,
                          PlaytestCliListToJson  to_json,
                          PlaytestCliListPrint   print_plain)
{
  if (items == NULL)
    return wait->interrupted ? PLAYTEST_CLI_EXIT_INTERRUPTED : playtest_cli_report_error (error);

  if (json)
    {
      g_autoptr(JsonNode) node = to_json (items);

      playtest_cli_print_json (node);
    }
  else
    {
      print_plain (items);
    }

  return PLAYTEST_CLI_EXIT_OK;
}

/**
 * playtest_cli_json_add_string:
 * @builder: a builder inside an object
 * @name: the member name
 * @value: (nullable): the string, or %NULL for a JSON null
 *
 * Adds a string member that is `null` when absent, as the `--json` outputs promise.
 */
void
playtest_cli_json_add_string (JsonBuilder *builder,
                              const char  *name,
                              const char  *value)
{
  playtest_json_add_string (builder, name, value);
}

/**
 * playtest_cli_print_json:
 * @node: the JSON to print
 *
 * Prints @node on stdout, indented, as UTF-8 whatever the locale (it is data, not prose).
 */
void
playtest_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);

  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

/**
 * playtest_cli_print_table:
 * @ids: (element-type utf8): the first column
 * @names: (element-type utf8): the second column, as long as @ids
 *
 * Prints two columns, the first padded so the second lines up.
 */
void
playtest_cli_print_table (GPtrArray *ids,
                          GPtrArray *names)
{
  glong width = 0;

  g_return_if_fail (ids->len == names->len);

  for (guint i = 0; i < ids->len; i++)
    width = MAX (width, g_utf8_strlen (g_ptr_array_index (ids, i), -1));

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      glong pad = width - g_utf8_strlen (id, -1);

      g_print ("%s%*s  %s\n", id, (int) pad, "", (const char *) g_ptr_array_index (names, i));
    }
}
