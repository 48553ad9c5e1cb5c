/* playtest-cli-sessions.c
 *
 * `sessions`: the conversations in the history store, newest first, and the lookup `export`
 * shares to turn what a tester typed (an id, the start of one, a Convai session id, “last”)
 * into one conversation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "playtest-cli-private.h"
#include "playtest-format.h"
#include "playtest-json.h"

#define DEFAULT_LIMIT       20
/* Shorter prefixes would match by accident as the history grows. */
#define MIN_PREFIX_LENGTH   4
#define FIRST_LINE_MAX_CHARS 60

typedef struct
{
  char      *character;
  char      *history;
  int        limit;
  gboolean   json;
  gboolean   help;
  char     **remaining;
} SessionsOptions;

static void
sessions_options_clear (SessionsOptions *options)
{
  g_clear_pointer (&options->character, g_free);
  g_clear_pointer (&options->history, g_free);
  g_clear_pointer (&options->remaining, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SessionsOptions, sessions_options_clear)

/* Finding a conversation ---------------------------------------------------------------- */

/**
 * playtest_cli_open_history:
 * @directory: (nullable): the store's folder from `--history`, or %NULL for the user's
 * @exit_status: (out): %PLAYTEST_CLI_EXIT_HISTORY when this returns %NULL
 *
 * Opens the history store for a command that reads it, and says why when it cannot.
 *
 * Returns: (transfer full) (nullable): the store
 */
PlaytestHistory *
playtest_cli_open_history (const char *directory,
                           int        *exit_status)
{
  g_autoptr(GError) error = NULL;
  PlaytestHistory *history;

  history = directory != NULL ? playtest_history_new (directory, &error)
                              : playtest_history_new_default (&error);
  if (history == NULL)
    {
      g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, error->message);
      *exit_status = PLAYTEST_CLI_EXIT_HISTORY;
    }

  return history;
}

static gboolean
conversation_matches (PlaytestConversationInfo *info,
                      const char               *which)
{
  return g_strcmp0 (info->session_id, which) == 0 ||
         (strlen (which) >= MIN_PREFIX_LENGTH && g_str_has_prefix (info->conversation_id, which));
}

/* A Convai session id, or the start of a conversation id, as `git` takes the start of a
 * commit's: testers copy what they see. More than one match is an error, not a guess. */
static PlaytestConversationInfo *
find_by_session_or_prefix (PlaytestHistory *history,
                           const char      *which,
                           guint           *n_matches,
                           GError         **error)
{
  g_autoptr(GPtrArray) all = playtest_history_list_conversations (history, NULL, 0, error);
  guint found = 0;

  *n_matches = 0;
  if (all == NULL)
    return NULL;

  for (guint i = 0; i < all->len; i++)
    {
      if (conversation_matches (g_ptr_array_index (all, i), which))
        {
          found = i;
          (*n_matches)++;
        }
    }

  return *n_matches == 1 ? g_ptr_array_steal_index (all, found) : NULL;
}

static PlaytestConversationInfo *
find_conversation (PlaytestHistory *history,
                   const char      *which,
                   guint           *n_matches,
                   GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  PlaytestConversationInfo *info;

  *n_matches = 1;
  if (g_str_equal (which, "last"))
    return playtest_history_get_last_conversation (history, error);

  info = playtest_history_get_conversation (history, which, &local_error);
  if (info != NULL)
    return info;
  if (!g_error_matches (local_error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return find_by_session_or_prefix (history, which, n_matches, error);
}

/**
 * playtest_cli_find_conversation:
 * @history: the store
 * @command: the command, for messages
 * @which: what the user gave: `last`, a conversation id or its first characters (at least
 *   four), or a Convai session id
 * @exit_status: (out): when this returns %NULL: %PLAYTEST_CLI_EXIT_USAGE when nothing (or
 *   more than one conversation) matches, %PLAYTEST_CLI_EXIT_HISTORY when the store could not
 *   be read
 *
 * Returns: (transfer full) (nullable): the conversation, or %NULL with a message printed
 */
PlaytestConversationInfo *
playtest_cli_find_conversation (PlaytestHistory *history,
                                const char      *command,
                                const char      *which,
                                int             *exit_status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *where = g_filename_display_name (playtest_history_get_directory (history));
  PlaytestConversationInfo *info;
  guint n_matches = 0;

  info = find_conversation (history, which, &n_matches, &error);
  if (info != NULL)
    return info;

  if (error != NULL)
    {
      g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, error->message);
      *exit_status = PLAYTEST_CLI_EXIT_HISTORY;
    }
  else if (g_str_equal (which, "last"))
    *exit_status = playtest_cli_usage_error (command, _("The history in %s has no conversations "
                                                        "yet"), where);
  else if (n_matches > 1)
    *exit_status = playtest_cli_usage_error (command,
                                             g_dngettext (GETTEXT_PACKAGE,
                                                          "“%s” matches %u conversation; give "
                                                          "more of the id (“%s sessions” lists "
                                                          "them)",
                                                          "“%s” matches %u conversations; give "
                                                          "more of the id (“%s sessions” lists "
                                                          "them)", n_matches),
                                             which, n_matches, PLAYTEST_CLI_NAME);
  else
    *exit_status = playtest_cli_usage_error (command, _("No conversation “%s” in the history in "
                                                        "%s (“%s sessions” lists them)"),
                                             which, where, PLAYTEST_CLI_NAME);
  return NULL;
}

/* Listing ------------------------------------------------------------------------------- */

static JsonNode *
sessions_to_json (GPtrArray *conversations)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < conversations->len; i++)
    {
      PlaytestConversationInfo *info = g_ptr_array_index (conversations, i);

      json_builder_begin_object (builder);
      playtest_json_add_string (builder, "conversation_id", info->conversation_id);
      playtest_json_add_string (builder, "character_id", info->character_id);
      playtest_json_add_string (builder, "session_id", info->session_id);
      playtest_json_add_date_time (builder, "started_at", info->started_at);
      playtest_json_add_date_time (builder, "updated_at", info->updated_at);
      json_builder_set_member_name (builder, "turns");
      json_builder_add_int_value (builder, info->n_turns);
      playtest_json_add_string (builder, "first_line", info->first_line);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

/* The first line as a list shows it: one line, and not so long that it wraps. */
static char *
shorten_line (const char *text)
{
  g_autofree char *flat = g_strdelimit (g_strdup (text != NULL ? text : ""), "\r\n\t", ' ');

  if (g_utf8_strlen (flat, -1) <= FIRST_LINE_MAX_CHARS)
    return g_steal_pointer (&flat);

  *g_utf8_offset_to_pointer (flat, FIRST_LINE_MAX_CHARS - 1) = '\0';
  return g_strconcat (flat, "…", NULL);
}

static void
sessions_print_plain (GPtrArray *conversations)
{
  if (conversations->len == 0)
    {
      g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, _("No conversations in the history yet."));
      return;
    }

  for (guint i = 0; i < conversations->len; i++)
    {
      PlaytestConversationInfo *info = g_ptr_array_index (conversations, i);
      g_autofree char *started = playtest_format_date_time (info->started_at);
      g_autofree char *turns = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u turn",
                                                             "%u turns", info->n_turns),
                                                info->n_turns);
      g_autofree char *line = shorten_line (info->first_line);

      /* Ids have one length (UUIDs), so the columns line up without measuring. */
      g_print ("%s  %s  %-9s  %s  %s\n", info->conversation_id, started, turns,
               info->character_id, line);
    }
}

static GOptionContext *
sessions_context_new (SessionsOptions *options)
{
  GOptionContext *context;
  const GOptionEntry entries[] = {
    { "character", 'c', 0, G_OPTION_ARG_STRING, &options->character,
      N_("Only the conversations with this character"), N_("ID") },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &options->limit,
      N_("List at most N conversations (default: 20; 0 for all)"), N_("N") },
    { "history", 0, 0, G_OPTION_ARG_FILENAME, &options->history,
      N_("Read the history store in DIR (default: the app's, in $XDG_DATA_HOME/convai-playtest)"),
      N_("DIR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options->json, N_("Print JSON instead of text"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->remaining, NULL, NULL },
    { NULL }
  };

  context = playtest_cli_context_new ("sessions", NULL,
                                      _("List the conversations in the history, newest first."),
                                      _("Prints a line per conversation: its id, when it "
                                        "started, how many turns it has, the character and "
                                        "the first thing said. Give the id (or its first "
                                        "characters) to “export --session”. With --json, "
                                        "prints a list of objects with the Convai session id "
                                        "too.\n\nExit status: 0 success; 2 usage error; 3 the "
                                        "history could not be read."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  playtest_cli_add_help_option (context, &options->help);

  return context;
}

/**
 * playtest_cli_sessions:
 * @argc: the number of arguments
 * @argv: (array length=argc): the arguments, "sessions" first
 *
 * `convai-playtest-cli sessions`: the conversations in the history store.
 *
 * Returns: the exit status, a #PlaytestCliExit
 */
int
playtest_cli_sessions (int    argc,
                       char **argv)
{
  g_auto(SessionsOptions) options = { .limit = DEFAULT_LIMIT };
  g_autoptr(GOptionContext) context = sessions_context_new (&options);
  g_autoptr(PlaytestHistory) history = NULL;
  g_autoptr(GPtrArray) conversations = NULL;
  g_autoptr(GError) error = NULL;
  int exit_status = PLAYTEST_CLI_EXIT_OK;

  if (!playtest_cli_parse (context, "sessions", &argc, &argv, &options.help, &exit_status))
    return exit_status;

  if (options.remaining != NULL)
    return playtest_cli_usage_error ("sessions", _("Unexpected argument “%s”"),
                                     options.remaining[0]);
  if (options.limit < 0)
    return playtest_cli_usage_error ("sessions", _("--limit takes 0 or more, not %d"),
                                     options.limit);

  history = playtest_cli_open_history (options.history, &exit_status);
  if (history == NULL)
    return exit_status;

  conversations = playtest_history_list_conversations (history, options.character,
                                                       (guint) options.limit, &error);
  if (conversations == NULL)
    {
      g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, error->message);
      return PLAYTEST_CLI_EXIT_HISTORY;
    }

  if (options.json)
    {
      g_autoptr(JsonNode) node = sessions_to_json (conversations);

      playtest_cli_print_json (node);
    }
  else
    sessions_print_plain (conversations);

  return PLAYTEST_CLI_EXIT_OK;
}
