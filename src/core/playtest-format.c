/* playtest-format.c
 *
 * How numbers read to the user, the same in the window, the CLI and exported transcripts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "playtest-client-error-private.h"
#include "playtest-format.h"

/**
 * playtest_format_duration:
 * @ms: a duration in milliseconds, or a negative number when unknown
 *
 * Formats a latency: milliseconds below a second (a local demo answers in tens of
 * milliseconds, and "0.0 s" would say nothing), seconds with one decimal above.
 *
 * Returns: (transfer full): the duration for display, "—" when unknown
 */
char *
playtest_format_duration (gint64 ms)
{
  if (ms < 0)
    return g_strdup ("—");
  if (ms < 1000)
    /* Translators: a duration in milliseconds, as in "240 ms" */
    return g_strdup_printf (_("%d ms"), (int) ms);

  /* Translators: a duration in seconds, as in "1.2 s" */
  return g_strdup_printf (_("%.1f s"), ms / 1000.0);
}

/* Turns read back from the history store are in UTC; people read their own time. */
static char *
format_local (GDateTime  *time,
              const char *format)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (time);
  return g_date_time_format (local, format);
}

/**
 * playtest_format_clock_time:
 * @time: (nullable): a moment
 *
 * Formats the time of day of @time in the local time zone, with seconds, in the locale's
 * way ("10:02:14"): for telling apart turns a few seconds apart.
 *
 * Returns: (transfer full): the time for display, "" when @time is %NULL
 */
char *
playtest_format_clock_time (GDateTime *time)
{
  return format_local (time, "%X");
}

/**
 * playtest_format_date_time:
 * @time: (nullable): a moment
 *
 * Formats @time as a date and a time to the minute, in the local time zone.
 *
 * Returns: (transfer full): the date and time for display, "" when @time is %NULL
 */
char *
playtest_format_date_time (GDateTime *time)
{
  /* Translators: a date and a time, see g_date_time_format() */
  return format_local (time, _("%x %H:%M"));
}

/**
 * playtest_format_time:
 * @time: (nullable): a moment
 *
 * Formats @time to the minute, in the local time zone: only the time when it is today,
 * the date as well when it is older (a reopened session).
 *
 * Returns: (transfer full): the time for display, "" when @time is %NULL
 */
char *
playtest_format_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = NULL;

  if (time == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (time);
  now = g_date_time_new_now_local ();

  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    /* Translators: a time of day to the minute, see g_date_time_format() */
    return g_date_time_format (local, _("%H:%M"));

  return playtest_format_date_time (time);
}

/**
 * playtest_format_section_name:
 * @section_names: (nullable) (element-type utf8 utf8): section id → section name, as
 *   fetched from list-sections
 * @section_id: (nullable): a narrative section id
 *
 * Names a narrative section for people. A character's sections are not always listed
 * (no narrative design, a failed fetch), so a section without a name shows its id.
 *
 * Returns: (transfer none) (nullable): the section's name, else @section_id itself
 *   (compare the pointers to tell whether a name was found)
 */
const char *
playtest_format_section_name (GHashTable *section_names,
                              const char *section_id)
{
  const char *name = NULL;

  if (section_names != NULL && section_id != NULL)
    name = g_hash_table_lookup (section_names, section_id);

  return name != NULL && *name != '\0' ? name : section_id;
}

/**
 * playtest_format_quoted:
 * @text: (nullable): words of the user, a character or a script
 * @max_chars: the most characters to keep of @text
 *
 * Quotes @text for a report or a summary: on one line, control characters gone, cut with an
 * ellipsis when longer than @max_chars.
 *
 * Returns: (transfer full): “text”
 */
char *
playtest_format_quoted (const char *text,
                        guint       max_chars)
{
  g_autofree char *excerpt = playtest_text_excerpt (text, -1, max_chars);

  /* Translators: a quotation in a report, as in “Good evening, traveller” */
  return g_strdup_printf (_("“%s”"), excerpt != NULL ? excerpt : "");
}

/**
 * playtest_format_quoted_list:
 * @items: (array zero-terminated=1): words to quote
 * @max_chars: the most characters to keep of each
 *
 * Returns: (transfer full): “a”, “b”, “c”
 */
char *
playtest_format_quoted_list (const char * const *items,
                             guint               max_chars)
{
  g_autoptr(GString) list = g_string_new (NULL);

  g_return_val_if_fail (items != NULL, NULL);

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_autofree char *quoted = playtest_format_quoted (items[i], max_chars);

      if (i > 0)
        /* Translators: the separator of a list of quoted words, as in “Wave”, “Bow” */
        g_string_append (list, _(", "));
      g_string_append (list, quoted);
    }

  return g_string_free (g_steal_pointer (&list), FALSE);
}
