/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "playtest-cli.h"

int
main (int    argc,
      char **argv)
{
  return playtest_cli_main (argc, argv);
}
