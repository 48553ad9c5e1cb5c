/* playtest-cli-sections.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "playtest-cli-private.h"

typedef struct
{
  PlaytestCliCommon   common;
  char               *character;
  char              **remaining;
} SectionsOptions;

static void
sections_options_clear (SectionsOptions *options)
{
  playtest_cli_common_clear (&options->common);
  g_clear_pointer (&options->character, g_free);
  g_clear_pointer (&options->remaining, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SectionsOptions, sections_options_clear)

static JsonNode *
sections_to_json (GPtrArray *sections)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < sections->len; i++)
    {
      PlaytestNarrativeSection *section = g_ptr_array_index (sections, i);

      json_builder_begin_object (builder);
      playtest_cli_json_add_string (builder, "section_id", section->section_id);
      playtest_cli_json_add_string (builder, "section_name", section->section_name);
      playtest_cli_json_add_string (builder, "objective", section->objective);
      json_builder_set_member_name (builder, "next_section_ids");
      json_builder_begin_array (builder);
      for (guint j = 0; section->next_section_ids != NULL && section->next_section_ids[j]; j++)
        json_builder_add_string_value (builder, section->next_section_ids[j]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

static void
sections_print_plain (GPtrArray *sections)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (sections->len == 0)
    {
      g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, _("No narrative sections."));
      return;
    }

  for (guint i = 0; i < sections->len; i++)
    {
      PlaytestNarrativeSection *section = g_ptr_array_index (sections, i);
      const char *name = section->section_name != NULL ? section->section_name : "";

      g_ptr_array_add (ids, section->section_id != NULL ? section->section_id : (char *) "—");
      if (section->next_section_ids != NULL && section->next_section_ids[0] != NULL)
        {
          g_autofree char *next = g_strjoinv (", ", section->next_section_ids);

          g_ptr_array_add (names, g_strdup_printf ("%s → %s", name, next));
        }
      else
        {
          g_ptr_array_add (names, g_strdup (name));
        }
    }

  playtest_cli_print_table (ids, names);
}

static GOptionContext *
sections_context_new (SectionsOptions *options)
{
  GOptionContext *context;
  const GOptionEntry entries[] = {
    { "character", 'c', 0, G_OPTION_ARG_STRING, &options->character,
      N_("The character whose narrative to list (required)"), N_("ID") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->remaining, NULL, NULL },
    { NULL }
  };

  context = playtest_cli_context_new ("sections", NULL,
                                      _("List the narrative sections of a character."),
                                      _("Prints a section id, its name and where it leads, a "
                                        "line each; replies name the section they are in with "
                                        "these ids. With --json, prints the list of section "
                                        "objects."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  playtest_cli_add_common_options (context, &options->common);

  return context;
}

/**
 * playtest_cli_sections:
 * @argc: the number of arguments
 * @argv: (array length=argc): the arguments, "sections" first
 *
 * `convai-playtest-cli sections`: the narrative sections of a character.
 *
 * Returns: the exit status, a #PlaytestCliExit
 */
int
playtest_cli_sections (int    argc,
                       char **argv)
{
  g_auto(SectionsOptions) options = { 0 };
  g_autoptr(GOptionContext) context = sections_context_new (&options);
  g_autoptr(PlaytestClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) sections = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(PlaytestCliWait) wait = { 0 };
  int exit_status = PLAYTEST_CLI_EXIT_OK;

  if (!playtest_cli_parse (context, "sections", &argc, &argv, &options.common.help, &exit_status))
    return exit_status;

  if (options.remaining != NULL)
    return playtest_cli_usage_error ("sections", _("Unexpected argument “%s”"),
                                     options.remaining[0]);

  if (options.character == NULL || *options.character == '\0')
    return playtest_cli_usage_error ("sections", _("Which character? Give --character ID (the "
                                                   "“characters” command lists them)"));

  client = playtest_cli_client_new (&options.common, "sections", &exit_status);
  if (client == NULL)
    return exit_status;

  playtest_cli_wait_init (&wait);
  playtest_client_list_sections_async (client, options.character, wait.cancellable,
                                       playtest_cli_wait_cb, &wait);
  result = playtest_cli_wait_run (&wait);
  sections = playtest_client_list_sections_finish (client, result, &error);
  return playtest_cli_finish_list (&wait, sections, error, options.common.json, sections_to_json,
                                   sections_print_plain);
}
