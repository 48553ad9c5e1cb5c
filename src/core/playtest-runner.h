/* playtest-runner.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "playtest-client.h"
#include "playtest-conversation.h"
#include "playtest-history.h"
#include "playtest-script.h"

G_BEGIN_DECLS

typedef enum
{
  PLAYTEST_STEP_STATUS_WAITING,   /* not reached yet */
  PLAYTEST_STEP_STATUS_RUNNING,
  PLAYTEST_STEP_STATUS_PASSED,
  PLAYTEST_STEP_STATUS_FAILED,    /* answered, and an expectation did not hold */
  PLAYTEST_STEP_STATUS_ERROR,     /* no answer: network, key, server */
  PLAYTEST_STEP_STATUS_SKIPPED,   /* the run stopped (error or cancel) before this step */
} PlaytestStepStatus;

/* The outcome of one step, filled in as the run goes. */
typedef struct
{
  guint               index;
  PlaytestStepStatus  status;
  PlaytestTurn       *turn;            /* NULL for new_session and for steps not run */
  char               *conversation_id; /* where the turn was recorded */
  GPtrArray          *checks;          /* PlaytestCheck, in the order of PlaytestExpectations */
  GError             *error;
  guint               n_rate_limited;  /* 429 answers waited out on this step */
  gint64              duration_ms;
} PlaytestStepResult;

/* A pluggable audio loader, so the core runs `audio` steps without GStreamer: the CLI
 * and the app pass playtest_audio_convert_file_async/_finish. Without one, a step's file
 * must already be a 16 kHz mono 16-bit WAV. */
typedef void    (*PlaytestAudioLoadAsync)  (GFile               *file,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
typedef GBytes *(*PlaytestAudioLoadFinish) (GAsyncResult        *result,
                                            GError             **error);

#define PLAYTEST_TYPE_STEP_STATUS (playtest_step_status_get_type ())
#define PLAYTEST_TYPE_RUNNER (playtest_runner_get_type ())

/* Runs a script once per playtest_runner_run_async(). Signals: ::step-started (guint index),
 * ::step-finished (guint index: the result is final), ::rate-limited (guint index, guint
 * seconds it waits). Properties: "running", "conversation" (replaced at each new_session),
 * "backoff-base-ms" (the first wait after a 429 without Retry-After; tests make it short, as
 * does the environment variable PLAYTEST_RUNNER_BACKOFF_MS). With a history store, each run
 * is kept there (playtest_history_list_script_runs()) with playtest_runner_results_to_json(). */
G_DECLARE_FINAL_TYPE (PlaytestRunner, playtest_runner, PLAYTEST, RUNNER, GObject)

GType                 playtest_step_status_get_type        (void) G_GNUC_CONST;
const char           *playtest_step_status_to_string       (PlaytestStepStatus  status);

PlaytestRunner       *playtest_runner_new                  (PlaytestClient     *client,
                                                            PlaytestHistory    *history,
                                                            PlaytestScript     *script);
PlaytestScript       *playtest_runner_get_script           (PlaytestRunner     *self);
void                  playtest_runner_set_character_id     (PlaytestRunner     *self,
                                                            const char         *character_id);
const char           *playtest_runner_get_character_id     (PlaytestRunner     *self);
void                  playtest_runner_set_audio_loader     (PlaytestRunner     *self,
                                                            PlaytestAudioLoadAsync  load_async,
                                                            PlaytestAudioLoadFinish load_finish);
void                  playtest_runner_set_max_rate_limit_waits (PlaytestRunner *self,
                                                            guint               max_waits);

/* The conversation the current step talks to; replaced (notify::conversation) on new_session. */
PlaytestConversation *playtest_runner_get_conversation     (PlaytestRunner     *self);
gboolean              playtest_runner_get_running          (PlaytestRunner     *self);
const PlaytestStepResult *playtest_runner_get_result       (PlaytestRunner     *self,
                                                            guint               index);
guint                 playtest_runner_get_n_passed         (PlaytestRunner     *self);
guint                 playtest_runner_get_n_failed         (PlaytestRunner     *self);
guint                 playtest_runner_get_n_rate_limited   (PlaytestRunner     *self);
gboolean              playtest_runner_get_passed           (PlaytestRunner     *self);
GPtrArray            *playtest_runner_get_conversation_ids (PlaytestRunner     *self);
GHashTable           *playtest_runner_get_section_names    (PlaytestRunner     *self);
JsonNode             *playtest_runner_results_to_json      (PlaytestRunner     *self);

/* TRUE when every step ran (whether or not its expectations held); FALSE with the error that
 * stopped the run: a script error (audio that cannot be decoded, before anything is sent),
 * a network/service error, or G_IO_ERROR_CANCELLED. */
void                  playtest_runner_run_async            (PlaytestRunner     *self,
                                                            GCancellable       *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer            user_data);
gboolean              playtest_runner_run_finish           (PlaytestRunner     *self,
                                                            GAsyncResult       *result,
                                                            GError            **error);

G_END_DECLS
