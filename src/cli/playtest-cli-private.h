/* playtest-cli-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "playtest-cli.h"
#include "playtest-client.h"
#include "playtest-history.h"
#include "playtest-export.h"
#include "playtest-player.h"
#include "playtest-runner.h"

G_BEGIN_DECLS

#define PLAYTEST_CLI_NAME "convai-playtest-cli"

/* Options every command that talks to the service shares. */
typedef struct
{
  char     *base_url;
  char     *api_key_file;
  gboolean  json;
  gboolean  help;
} PlaytestCliCommon;

/* One async call run to completion on a main loop of its own. */
typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
  GCancellable *cancellable;
  gboolean      interrupted;
} PlaytestCliWait;

/* A reply's audio played on the default sound device (`say --play`). */
typedef struct
{
  PlaytestPlayer *player;
  GMainLoop      *loop;
  GError         *error;
  gboolean        streaming;
  gboolean        done;
} PlaytestCliPlayback;

int             playtest_cli_say                   (int                 argc,
                                                    char              **argv);
int             playtest_cli_characters            (int                 argc,
                                                    char              **argv);
int             playtest_cli_sections              (int                 argc,
                                                    char              **argv);
int             playtest_cli_demo_server           (int                 argc,
                                                    char              **argv);
int             playtest_cli_export                (int                 argc,
                                                    char              **argv);
int             playtest_cli_sessions              (int                 argc,
                                                    char              **argv);

PlaytestHistory *playtest_cli_open_history         (const char         *directory,
                                                    int                *exit_status);
PlaytestConversationInfo *playtest_cli_find_conversation (PlaytestHistory *history,
                                                    const char         *command,
                                                    const char         *which,
                                                    int                *exit_status);
int             playtest_cli_run                   (int                 argc,
                                                    char              **argv);

GOptionContext *playtest_cli_context_new           (const char         *command,
                                                    const char         *parameter_string,
                                                    const char         *summary,
                                                    const char         *description);
void            playtest_cli_add_help_option       (GOptionContext     *context,
                                                    gboolean           *help);
void            playtest_cli_add_service_options   (GOptionContext     *context,
                                                    PlaytestCliCommon  *common);
void            playtest_cli_add_common_options    (GOptionContext     *context,
                                                    PlaytestCliCommon  *common);
void            playtest_cli_common_clear          (PlaytestCliCommon  *common);
gboolean        playtest_cli_parse                 (GOptionContext     *context,
                                                    const char         *command,
                                                    int                *argc,
                                                    char             ***argv,
                                                    const gboolean     *help,
                                                    int                *exit_status);
int             playtest_cli_usage_error           (const char         *command,
                                                    const char         *format,
                                                    ...) G_GNUC_PRINTF (2, 3);

char           *playtest_cli_read_key_file         (const char         *path,
                                                    GError            **error);
PlaytestClient *playtest_cli_client_new            (PlaytestCliCommon  *common,
                                                    const char         *command,
                                                    int                *exit_status);
int             playtest_cli_report_error          (const GError       *error);
void            playtest_cli_warning               (const char         *format,
                                                    ...) G_GNUC_PRINTF (1, 2);

void            playtest_cli_wait_init             (PlaytestCliWait    *wait);
void            playtest_cli_wait_clear            (PlaytestCliWait    *wait);
void            playtest_cli_wait_cb               (GObject            *source,
                                                    GAsyncResult       *result,
                                                    gpointer            user_data);
GAsyncResult   *playtest_cli_wait_run              (PlaytestCliWait    *wait);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PlaytestCliWait, playtest_cli_wait_clear)

void            playtest_cli_playback_init         (PlaytestCliPlayback *playback);
void            playtest_cli_playback_clear        (PlaytestCliPlayback *playback);
void            playtest_cli_playback_follow       (PlaytestCliPlayback *playback,
                                                    PlaytestTurnRequest *request);
void            playtest_cli_playback_finish       (PlaytestCliPlayback *playback,
                                                    GBytes              *audio);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PlaytestCliPlayback, playtest_cli_playback_clear)

/* One run of one script by `run` (each --repeat is a run of its own). */
typedef struct
{
  PlaytestScript *script;
  PlaytestRunner *runner;
  guint           number;       /* from 1, among all runs */
  guint           repeat;       /* from 1 */
  gboolean        repeating;    /* whether the script runs more than once */
  GError         *error;        /* what stopped it early, if anything */
  GDateTime      *started_at;
  gint64          duration_us;
} PlaytestCliRun;

void            playtest_cli_run_free              (PlaytestCliRun     *run);
char           *playtest_cli_run_title             (PlaytestCliRun     *run);
char           *playtest_cli_run_name              (PlaytestCliRun     *run);
char           *playtest_cli_describe_failed_checks (const PlaytestStepResult *result,
                                                    const char         *separator);
gboolean        playtest_cli_write_junit           (GPtrArray          *runs,
                                                    const char         *path,
                                                    GError            **error);
gboolean        playtest_cli_write_results_json    (GPtrArray          *runs,
                                                    const char         *path,
                                                    GError            **error);
gboolean        playtest_cli_write_transcript      (GPtrArray          *runs,
                                                    PlaytestHistory    *history,
                                                    PlaytestExportFormat format,
                                                    const char         *path,
                                                    GError            **error);

typedef JsonNode *(*PlaytestCliListToJson) (GPtrArray *items);
typedef void      (*PlaytestCliListPrint)  (GPtrArray *items);

int             playtest_cli_finish_list           (PlaytestCliWait    *wait,
                                                    GPtrArray          *items,
                                                    const GError       *error,
                                                    gboolean            json,
                                                    PlaytestCliListToJson to_json,
                                                    PlaytestCliListPrint  print_plain);
void            playtest_cli_json_add_string       (JsonBuilder        *builder,
                                                    const char         *name,
                                                    const char         *value);
void            playtest_cli_print_json            (JsonNode           *node);
void            playtest_cli_print_table           (GPtrArray          *ids,
                                                    GPtrArray          *names);

G_END_DECLS
