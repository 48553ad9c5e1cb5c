/* playtest-cli.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * PlaytestCliExit:
 * @PLAYTEST_CLI_EXIT_OK: the command did what was asked
 * @PLAYTEST_CLI_EXIT_SERVICE: the service answered with an error, or with a reply that could
 *   not be used
 * @PLAYTEST_CLI_EXIT_USAGE: the command line was wrong (unknown command or option, missing
 *   argument, unreadable file)
 * @PLAYTEST_CLI_EXIT_NETWORK: the service could not be reached, or did not answer in time
 * @PLAYTEST_CLI_EXIT_HISTORY: the history store could not be read, or an export not written:
 *   like a network failure, the tool could not get at its data (the same status)
 * @PLAYTEST_CLI_EXIT_INTERRUPTED: the user pressed Ctrl+C (or the process got SIGTERM)
 *
 * Exit statuses of `convai-playtest-cli`; scripts rely on them.
 */
typedef enum
{
  PLAYTEST_CLI_EXIT_OK      = 0,
  PLAYTEST_CLI_EXIT_SERVICE = 1,
  PLAYTEST_CLI_EXIT_USAGE   = 2,
  PLAYTEST_CLI_EXIT_NETWORK = 3,
  PLAYTEST_CLI_EXIT_HISTORY = 3,
  PLAYTEST_CLI_EXIT_INTERRUPTED = 130,
} PlaytestCliExit;

int playtest_cli_main (int    argc,
                       char **argv);

G_END_DECLS
