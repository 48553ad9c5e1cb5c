/* playtest-cli-characters.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "playtest-cli-private.h"

typedef struct
{
  PlaytestCliCommon   common;
  char              **remaining;
} CharactersOptions;

static void
characters_options_clear (CharactersOptions *options)
{
  playtest_cli_common_clear (&options->common);
  g_clear_pointer (&options->remaining, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CharactersOptions, characters_options_clear)

static JsonNode *
characters_to_json (GPtrArray *characters)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < characters->len; i++)
    {
      PlaytestCharacterInfo *info = g_ptr_array_index (characters, i);

      json_builder_begin_object (builder);
      playtest_cli_json_add_string (builder, "character_id", info->character_id);
      playtest_cli_json_add_string (builder, "character_name", info->character_name);
      playtest_cli_json_add_string (builder, "voice_type", info->voice_type);
      playtest_cli_json_add_string (builder, "start_narrative_section_id",
                                    info->start_narrative_section_id);
      json_builder_set_member_name (builder, "is_narrative_driven");
      json_builder_add_boolean_value (builder, info->is_narrative_driven);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

static void
characters_print_plain (GPtrArray *characters)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  if (characters->len == 0)
    {
      g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, _("No characters."));
      return;
    }

  for (guint i = 0; i < characters->len; i++)
    {
      PlaytestCharacterInfo *info = g_ptr_array_index (characters, i);

      g_ptr_array_add (ids, info->character_id != NULL ? info->character_id : (char *) "—");
      g_ptr_array_add (names, info->character_name != NULL ? info->character_name : (char *) "");
    }

  playtest_cli_print_table (ids, names);
}

static GOptionContext *
characters_context_new (CharactersOptions *options)
{
  GOptionContext *context;
  const GOptionEntry entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->remaining, NULL, NULL },
    { NULL }
  };

  context = playtest_cli_context_new ("characters", NULL,
                                      _("List the characters the key can talk to."),
                                      _("Prints a character id and name a line; pass the id to "
                                        "“say --character”. With --json, prints the list of "
                                        "character objects."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  playtest_cli_add_common_options (context, &options->common);

  return context;
}

/**
 * playtest_cli_characters:
 * @argc: the number of arguments
 * @argv: (array length=argc): the arguments, "characters" first
 *
 * `convai-playtest-cli characters`: the characters the key can talk to.
 *
 * Returns: the exit status, a #PlaytestCliExit
 */
int
playtest_cli_characters (int    argc,
                         char **argv)
{
  g_auto(CharactersOptions) options = { 0 };
  g_autoptr(GOptionContext) context = characters_context_new (&options);
  g_autoptr(PlaytestClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) characters = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(PlaytestCliWait) wait = { 0 };
  int exit_status = PLAYTEST_CLI_EXIT_OK;

  if (!playtest_cli_parse (context, "characters", &argc, &argv, &options.common.help,
                           &exit_status))
    return exit_status;

  if (options.remaining != NULL)
    return playtest_cli_usage_error ("characters", _("Unexpected argument “%s”"),
                                     options.remaining[0]);

  client = playtest_cli_client_new (&options.common, "characters", &exit_status);
  if (client == NULL)
    return exit_status;

  playtest_cli_wait_init (&wait);
  playtest_client_list_characters_async (client, wait.cancellable, playtest_cli_wait_cb, &wait);
  result = playtest_cli_wait_run (&wait);
  characters = playtest_client_list_characters_finish (client, result, &error);
  return playtest_cli_finish_list (&wait, characters, error, options.common.json,
                                   characters_to_json, characters_print_plain);
}
