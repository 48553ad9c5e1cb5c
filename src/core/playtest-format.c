/* playtest-format.c
 *
 * How numbers read to the user, the same in the window, the CLI and exported transcripts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

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
