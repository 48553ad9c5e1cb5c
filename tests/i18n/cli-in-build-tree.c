/* cli-in-build-tree.c: convai-playtest-cli reading its translations from the build tree
 *
 * The same as src/cli/main.c but for the catalogue it binds: the installed CLI looks in
 * LOCALEDIR, where nothing is before `meson install`. For test-cli-de.py.
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
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  return playtest_cli_main (argc, argv);
}
