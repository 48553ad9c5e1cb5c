/* main.c: convai-playtest, the desktop app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "playtest-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PlaytestApplication) app = NULL;

  /* GTK sets the locale only at startup; --help and option errors come before it. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = playtest_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
