/* playtest-cli-export.c
 *
 * `export`: one conversation from the history store as a transcript, Markdown to read or
 * JSON (with its audio as files) for tools.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "playtest-cli-private.h"
#include "playtest-export.h"

typedef struct
{
  PlaytestCliCommon   common;
  char               *session;
  char               *format;
  char               *output;
  char               *history;
  gboolean            names;
  char              **remaining;
} ExportOptions;

static void
export_options_clear (ExportOptions *options)
{
  playtest_cli_common_clear (&options->common);
  g_clear_pointer (&options->session, g_free);
  g_clear_pointer (&options->format, g_free);
  g_clear_pointer (&options->output, g_free);
  g_clear_pointer (&options->history, g_free);
  g_clear_pointer (&options->remaining, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ExportOptions, export_options_clear)

static gboolean
writes_to_stdout (ExportOptions *options)
{
  return options->output == NULL || g_str_equal (options->output, "-");
}

static GOptionContext *
export_context_new (ExportOptions *options)
{
  GOptionContext *context;
  const GOptionEntry entries[] = {
    { "session", 's', 0, G_OPTION_ARG_STRING, &options->session,
      N_("The conversation to export (required): its id from the “sessions” command or its "
         "first characters, its Convai session id, or “last” for the most recent one"),
      N_("ID") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &options->format,
      N_("“md” (a transcript to read) or “json” (everything, with the audio as WAV files); "
         "default: from the extension of --output, else md"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &options->output,
      N_("Write to FILE, replacing it (default: “-”, standard output)"), N_("FILE") },
    { "history", 0, 0, G_OPTION_ARG_FILENAME, &options->history,
      N_("Read the history store in DIR (default: the app's, in $XDG_DATA_HOME/convai-playtest)"),
      N_("DIR") },
    { "names", 0, 0, G_OPTION_ARG_NONE, &options->names,
      N_("Ask the service for the names of the character and of its narrative sections "
         "(needs the key, or --base-url for the demo backend); without it, the transcript shows "
         "their ids"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->remaining, NULL, NULL },
    { NULL }
  };

  context = playtest_cli_context_new ("export", NULL,
                                      _("Export a conversation from the history as a "
                                        "transcript."),
                                      _("Markdown has every line and reply with its emotion, "
                                        "actions, narrative section and timings. JSON has "
                                        "everything each turn holds; its audio is written as "
                                        "WAV files into a folder beside the file, named after "
                                        "it (run.json → run-audio/turn-12-user.wav), which the "
                                        "JSON names by relative path. JSON on standard output "
                                        "has no audio (its audio members are null).\n\n"
                                        "Exit status: 0 success; 2 usage error, or no such "
                                        "conversation; 3 the history could not be read or the "
                                        "transcript not written; 130 interrupted."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  playtest_cli_add_service_options (context, &options->common);

  return context;
}

/* The format asked for, else the output's extension, else Markdown for the terminal. */
static gboolean
choose_format (ExportOptions        *options,
               PlaytestExportFormat *format,
               int                  *exit_status)
{
  if (options->format != NULL)
    {
      if (playtest_export_format_from_name (options->format, format))
        return TRUE;

      *exit_status = playtest_cli_usage_error ("export", _("Unknown format “%s”: use md or "
                                                           "json"), options->format);
      return FALSE;
    }

  if (writes_to_stdout (options))
    {
      *format = PLAYTEST_EXPORT_MARKDOWN;
      return TRUE;
    }

  if (playtest_export_format_from_path (options->output, format))
    return TRUE;

  *exit_status = playtest_cli_usage_error ("export", _("Cannot tell the format from the name "
                                                       "“%s”: give --format md or json"),
                                           options->output);
  return FALSE;
}

static gboolean
check_options (ExportOptions        *options,
               PlaytestExportFormat *format,
               int                  *exit_status)
{
  if (options->remaining != NULL)
    {
      *exit_status = playtest_cli_usage_error ("export", _("Unexpected argument “%s”"),
                                               options->remaining[0]);
      return FALSE;
    }

  if (options->session == NULL || *options->session == '\0')
    {
      *exit_status = playtest_cli_usage_error ("export", _("Which conversation? Give --session "
                                                           "ID, or --session last (the "
                                                           "“sessions” command lists them)"));
      return FALSE;
    }

  return choose_format (options, format, exit_status);
}

/* Names --------------------------------------------------------------------------------- */

/* One list from the service, or NULL with a warning: a transcript with ids is still a
 * transcript, so a failed lookup does not fail the export. */
static GPtrArray *
fetch_list (PlaytestClient *client,
            const char     *character_id,
            gboolean       *interrupted)
{
  g_auto(PlaytestCliWait) wait = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *items;

  playtest_cli_wait_init (&wait);
  if (character_id != NULL)
    playtest_client_list_sections_async (client, character_id, wait.cancellable,
                                         playtest_cli_wait_cb, &wait);
  else
    playtest_client_list_characters_async (client, wait.cancellable, playtest_cli_wait_cb,
                                           &wait);
  result = playtest_cli_wait_run (&wait);
  items = character_id != NULL
            ? playtest_client_list_sections_finish (client, result, &error)
            : playtest_client_list_characters_finish (client, result, &error);

  *interrupted = wait.interrupted;
  if (items == NULL && !wait.interrupted)
    playtest_cli_warning (_("the names could not be fetched, the transcript shows ids: %s"),
                          error->message);
  return items;
}

static GHashTable *
fetch_names (ExportOptions         *options,
             PlaytestExportSession *session,
             int                   *exit_status)
{
  const char *character_id = session->info->character_id;
  g_autoptr(PlaytestClient) client = playtest_cli_client_new (&options->common, "export",
                                                              exit_status);
  g_autoptr(GPtrArray) characters = NULL;
  g_autoptr(GPtrArray) sections = NULL;
  g_autoptr(GHashTable) names = NULL;
  gboolean interrupted = FALSE;

  if (client == NULL)
    return NULL;

  names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  characters = fetch_list (client, NULL, &interrupted);
  for (guint i = 0; characters != NULL && i < characters->len; i++)
    {
      PlaytestCharacterInfo *character = g_ptr_array_index (characters, i);

      if (g_strcmp0 (character->character_id, character_id) == 0)
        {
          g_free (session->character_name);
          session->character_name = g_strdup (character->character_name);
        }
    }

  if (characters != NULL)
    sections = fetch_list (client, character_id, &interrupted);
  for (guint i = 0; sections != NULL && i < sections->len; i++)
    {
      PlaytestNarrativeSection *section = g_ptr_array_index (sections, i);

      if (section->section_id != NULL && section->section_name != NULL)
        g_hash_table_replace (names, g_strdup (section->section_id),
                              g_strdup (section->section_name));
    }

  if (interrupted)
    {
      *exit_status = PLAYTEST_CLI_EXIT_INTERRUPTED;
      return NULL;
    }

  return g_steal_pointer (&names);
}

/* Writing --------------------------------------------------------------------------------- */

static int
write_transcript (ExportOptions        *options,
                  GPtrArray            *sessions,
                  PlaytestExportFormat  format,
                  GHashTable           *section_names)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) output = NULL;

  if (writes_to_stdout (options))
    {
      g_autofree char *text = playtest_export_to_string (sessions, format, section_names);

      /* A transcript is data: written as UTF-8 whatever the locale, like --json output. */
      fputs (text, stdout);
      fflush (stdout);
      return PLAYTEST_CLI_EXIT_OK;
    }

  output = g_file_new_for_commandline_arg (options->output);
  if (!playtest_export_write (sessions, format, section_names, output, &error))
    {
      g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, error->message);
      return PLAYTEST_CLI_EXIT_HISTORY;
    }

  return PLAYTEST_CLI_EXIT_OK;
}

/**
 * playtest_cli_export:
 * @argc: the number of arguments
 * @argv: (array length=argc): the arguments, "export" first
 *
 * `convai-playtest-cli export`: a conversation from the history as Markdown or JSON.
 *
 * Returns: the exit status, a #PlaytestCliExit
 */
int
playtest_cli_export (int    argc,
                     char **argv)
{
  g_auto(ExportOptions) options = { 0 };
  g_autoptr(GOptionContext) context = export_context_new (&options);
  g_autoptr(PlaytestHistory) history = NULL;
  g_autoptr(PlaytestConversationInfo) info = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GHashTable) section_names = NULL;
  g_autoptr(GError) error = NULL;
  PlaytestExportSession *session;
  PlaytestExportFormat format = PLAYTEST_EXPORT_MARKDOWN;
  int exit_status = PLAYTEST_CLI_EXIT_OK;

  if (!playtest_cli_parse (context, "export", &argc, &argv, &options.common.help, &exit_status) ||
      !check_options (&options, &format, &exit_status))
    return exit_status;

  history = playtest_cli_open_history (options.history, &exit_status);
  if (history == NULL)
    return exit_status;

  info = playtest_cli_find_conversation (history, "export", options.session, &exit_status);
  if (info == NULL)
    return exit_status;

  session = playtest_export_session_load (history, info->conversation_id, &error);
  if (session == NULL)
    {
      g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, error->message);
      return PLAYTEST_CLI_EXIT_HISTORY;
    }

  sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) playtest_export_session_free);
  g_ptr_array_add (sessions, session);

  if (options.names)
    {
      section_names = fetch_names (&options, session, &exit_status);
      if (section_names == NULL)
        return exit_status;
    }

  return write_transcript (&options, sessions, format, section_names);
}
