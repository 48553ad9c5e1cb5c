/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "playtest-cli.h"

int
main (int    argc,
      char **argv)
{
  /* Here rather than in playtest_cli_main(), so that tests running the CLI in process can
   * point it at the catalogues of the build tree. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  return playtest_cli_main (argc, argv);
}
