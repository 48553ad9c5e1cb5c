/* playtest-history.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "playtest-turn.h"

G_BEGIN_DECLS

#define PLAYTEST_HISTORY_ERROR (playtest_history_error_quark ())

typedef enum
{
  PLAYTEST_HISTORY_ERROR_OPEN,
  PLAYTEST_HISTORY_ERROR_CORRUPT,
  PLAYTEST_HISTORY_ERROR_WRITE,
  PLAYTEST_HISTORY_ERROR_NOT_FOUND,
} PlaytestHistoryError;

/**
 * PlaytestConversationInfo:
 * @conversation_id: the store's own id for the conversation (stable before the service
 *   gave a session id, and across failed first turns)
 * @character_id: who was talked to
 * @session_id: (nullable): the service's session id, once a reply brought one
 * @started_at: the first turn's time
 * @updated_at: the last turn's time
 * @n_turns: how many turns it holds
 * @first_line: what the user said first, for a list of past sessions
 */
typedef struct
{
  char      *conversation_id;
  char      *character_id;
  char      *session_id;
  GDateTime *started_at;
  GDateTime *updated_at;
  guint      n_turns;
  char      *first_line;
} PlaytestConversationInfo;

/**
 * PlaytestSearchHit:
 * @conversation_id: where the turn is
 * @turn_id: the turn
 * @character_id: who was talked to
 * @sent_at: when
 * @snippet: the matching text, matches marked with « and »
 */
typedef struct
{
  char      *conversation_id;
  gint64     turn_id;
  char      *character_id;
  GDateTime *sent_at;
  char      *snippet;
} PlaytestSearchHit;

/**
 * PlaytestScriptRun:
 * @id: the store's id for the run (0 before it is saved)
 * @script_name: the script's name
 * @script_path: (nullable): the script's file
 * @conversation_ids: the conversations the run talked in, in order (a `new_session` step
 *   starts another)
 * @started_at: when the run started
 * @finished_at: when it ended
 * @n_steps: how many steps the script has
 * @n_passed: steps answered with every expectation held
 * @n_failed: steps answered with an expectation that did not hold
 * @n_errors: steps that got no answer (network, key, service)
 * @n_skipped: steps the run never reached (it stopped on an error or was stopped)
 * @results_json: the outcome of each step, as the runner reports it (see
 *   playtest_runner_results_to_json())
 *
 * One playthrough of a script, kept beside the sessions it recorded.
 */
typedef struct
{
  gint64     id;
  char      *script_name;
  char      *script_path;
  char     **conversation_ids;
  GDateTime *started_at;
  GDateTime *finished_at;
  guint      n_steps;
  guint      n_passed;
  guint      n_failed;
  guint      n_errors;
  guint      n_skipped;
  char      *results_json;
} PlaytestScriptRun;

#define PLAYTEST_TYPE_HISTORY (playtest_history_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestHistory, playtest_history, PLAYTEST, HISTORY, GObject)

GQuark             playtest_history_error_quark          (void);
void               playtest_conversation_info_free       (PlaytestConversationInfo *info);
void               playtest_search_hit_free              (PlaytestSearchHit        *hit);
void               playtest_script_run_free              (PlaytestScriptRun        *run);

PlaytestHistory   *playtest_history_new                  (const char          *directory,
                                                          GError             **error);
PlaytestHistory   *playtest_history_new_default          (GError             **error);
const char        *playtest_history_get_directory        (PlaytestHistory     *self);
const char        *playtest_history_get_database_path    (PlaytestHistory     *self);

char              *playtest_history_new_conversation     (PlaytestHistory     *self,
                                                          const char          *character_id,
                                                          GError             **error);
gboolean           playtest_history_save_turn            (PlaytestHistory     *self,
                                                          const char          *conversation_id,
                                                          PlaytestTurn        *turn,
                                                          GError             **error);
void               playtest_history_save_turn_async      (PlaytestHistory     *self,
                                                          const char          *conversation_id,
                                                          PlaytestTurn        *turn,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean           playtest_history_save_turn_finish     (PlaytestHistory     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
GPtrArray         *playtest_history_load_turns           (PlaytestHistory     *self,
                                                          const char          *conversation_id,
                                                          GError             **error);
PlaytestConversationInfo *playtest_history_get_conversation (PlaytestHistory  *self,
                                                          const char          *conversation_id,
                                                          GError             **error);
GPtrArray         *playtest_history_list_conversations   (PlaytestHistory     *self,
                                                          const char          *character_id,
                                                          guint                limit,
                                                          GError             **error);
PlaytestConversationInfo *playtest_history_get_last_conversation (PlaytestHistory *self,
                                                          GError             **error);
GPtrArray         *playtest_history_search               (PlaytestHistory     *self,
                                                          const char          *query,
                                                          guint                limit,
                                                          GError             **error);
gint64             playtest_history_save_script_run      (PlaytestHistory     *self,
                                                          const PlaytestScriptRun *run,
                                                          GError             **error);
GPtrArray         *playtest_history_list_script_runs     (PlaytestHistory     *self,
                                                          const char          *conversation_id,
                                                          GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlaytestConversationInfo, playtest_conversation_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlaytestSearchHit, playtest_search_hit_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlaytestScriptRun, playtest_script_run_free)

G_END_DECLS
