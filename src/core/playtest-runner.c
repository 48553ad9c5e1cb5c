/* playtest-runner.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "playtest-json.h"
#include "playtest-runner.h"
#include "playtest-wav.h"

/* A run goes: check the character, load every recording (a bad file is the script's fault
 * and must show before anything is sent), fetch the section names, then one step at a time
 * on a PlaytestConversation, exactly as a tester typing would. A step ends when its turn is
 * answered and in the history store, so the run's record can name every turn by its id. */

#define DEFAULT_MAX_RATE_LIMIT_WAITS 5
#define DEFAULT_BACKOFF_BASE_MS      1000
#define MAX_BACKOFF_MS               30000
/* A test hook: the first exponential backoff wait, in ms, instead of a second. */
#define BACKOFF_ENV                  "PLAYTEST_RUNNER_BACKOFF_MS"

struct _PlaytestRunner
{
  GObject                  parent_instance;

  PlaytestClient          *client;
  PlaytestHistory         *history;
  PlaytestScript          *script;
  char                    *character_id;
  PlaytestAudioLoadAsync   load_async;
  PlaytestAudioLoadFinish  load_finish;
  guint                    max_rate_limit_waits;
  guint                    backoff_base_ms;

  PlaytestStepResult      *results;          /* one per step */
  guint                    n_steps;
  GPtrArray               *recordings;       /* GBytes or NULL, one per step */
  GHashTable              *section_names;    /* id → name */
  GPtrArray               *conversation_ids;
  PlaytestConversation    *conversation;
  GDateTime               *started_at;
  guint                    n_rate_limited;
  gboolean                 running;

  /* The step under way */
  GTask                   *task;
  guint                    current;
  PlaytestTurn            *turn;
  PlaytestTurn            *saving;           /* its answer, waiting for the store */
  PlaytestTurn            *saves_for;        /* the turn whose saves are counted */
  guint                    n_saves;          /* its saves not in the store yet */
  gboolean                 history_failed;   /* the store refused a save: wait for none */
  char                    *previous_section_id;
  gint64                   step_started_us;
  guint                    retry_source;
  gulong                   cancelled_handler;
  guint                    stop_source;
};

G_DEFINE_FINAL_TYPE (PlaytestRunner, playtest_runner, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (PlaytestStepStatus, playtest_step_status,
                    G_DEFINE_ENUM_VALUE (PLAYTEST_STEP_STATUS_WAITING, "waiting"),
                    G_DEFINE_ENUM_VALUE (PLAYTEST_STEP_STATUS_RUNNING, "running"),
                    G_DEFINE_ENUM_VALUE (PLAYTEST_STEP_STATUS_PASSED, "passed"),
                    G_DEFINE_ENUM_VALUE (PLAYTEST_STEP_STATUS_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (PLAYTEST_STEP_STATUS_ERROR, "error"),
                    G_DEFINE_ENUM_VALUE (PLAYTEST_STEP_STATUS_SKIPPED, "skipped"))

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_HISTORY,
  PROP_SCRIPT,
  PROP_CONVERSATION,
  PROP_RUNNING,
  PROP_BACKOFF_BASE_MS,
  N_PROPS
};

enum {
  SIGNAL_STEP_STARTED,
  SIGNAL_STEP_FINISHED,
  SIGNAL_RATE_LIMITED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void run_step  (PlaytestRunner *self);
static void stop_run  (PlaytestRunner *self,
                       GError         *error);

/* Results ---------------------------------------------------------------------------------- */

static void
step_result_clear (PlaytestStepResult *result)
{
  g_clear_object (&result->turn);
  g_clear_pointer (&result->conversation_id, g_free);
  g_clear_pointer (&result->checks, g_ptr_array_unref);
  g_clear_error (&result->error);
}

static void
results_reset (PlaytestRunner *self)
{
  for (guint i = 0; i < self->n_steps; i++)
    {
      step_result_clear (&self->results[i]);
      self->results[i].index = i;
      self->results[i].status = PLAYTEST_STEP_STATUS_WAITING;
      self->results[i].n_rate_limited = 0;
      self->results[i].duration_ms = 0;
      self->results[i].checks = g_ptr_array_new_with_free_func ((GDestroyNotify) playtest_check_free);
    }
}

static guint
count_status (PlaytestRunner     *self,
              PlaytestStepStatus  status)
{
  guint n = 0;

  for (guint i = 0; i < self->n_steps; i++)
    n += self->results[i].status == status;

  return n;
}

/* GObject ---------------------------------------------------------------------------------- */

static void
playtest_runner_constructed (GObject *object)
{
  PlaytestRunner *self = PLAYTEST_RUNNER (object);

  G_OBJECT_CLASS (playtest_runner_parent_class)->constructed (object);

  g_assert (PLAYTEST_IS_CLIENT (self->client));
  g_assert (PLAYTEST_IS_SCRIPT (self->script));

  self->n_steps = playtest_script_get_n_steps (self->script);
  self->results = g_new0 (PlaytestStepResult, self->n_steps);
  results_reset (self);
}

static void
clear_sources (PlaytestRunner *self)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->stop_source, g_source_remove);
}

static void
playtest_runner_dispose (GObject *object)
{
  PlaytestRunner *self = PLAYTEST_RUNNER (object);

  clear_sources (self);
  if (self->conversation != NULL)
    g_signal_handlers_disconnect_by_data (self->conversation, self);

  G_OBJECT_CLASS (playtest_runner_parent_class)->dispose (object);
}

static void
playtest_runner_finalize (GObject *object)
{
  PlaytestRunner *self = PLAYTEST_RUNNER (object);

  for (guint i = 0; i < self->n_steps; i++)
    step_result_clear (&self->results[i]);
  g_free (self->results);

  g_clear_object (&self->client);
  g_clear_object (&self->history);
  g_clear_object (&self->script);
  g_clear_pointer (&self->character_id, g_free);
  g_clear_pointer (&self->recordings, g_ptr_array_unref);
  g_clear_pointer (&self->section_names, g_hash_table_unref);
  g_clear_pointer (&self->conversation_ids, g_ptr_array_unref);
  g_clear_object (&self->conversation);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_object (&self->turn);
  g_clear_object (&self->saving);
  g_clear_object (&self->saves_for);
  g_clear_pointer (&self->previous_section_id, g_free);
  g_assert (self->task == NULL);

  G_OBJECT_CLASS (playtest_runner_parent_class)->finalize (object);
}

static void
playtest_runner_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PlaytestRunner *self = PLAYTEST_RUNNER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:          g_value_set_object (value, self->client); break;
    case PROP_HISTORY:         g_value_set_object (value, self->history); break;
    case PROP_SCRIPT:          g_value_set_object (value, self->script); break;
    case PROP_CONVERSATION:    g_value_set_object (value, self->conversation); break;
    case PROP_RUNNING:         g_value_set_boolean (value, self->running); break;
    case PROP_BACKOFF_BASE_MS: g_value_set_uint (value, self->backoff_base_ms); break;
    default:                   G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_runner_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  PlaytestRunner *self = PLAYTEST_RUNNER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:  self->client = g_value_dup_object (value); break;
    case PROP_HISTORY: self->history = g_value_dup_object (value); break;
    case PROP_SCRIPT:  self->script = g_value_dup_object (value); break;
    case PROP_BACKOFF_BASE_MS:
      if (self->backoff_base_ms != g_value_get_uint (value))
        {
          self->backoff_base_ms = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
install_properties (GObjectClass *object_class)
{
  const GParamFlags construct_only = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                     G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags read_only = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                G_PARAM_STATIC_STRINGS;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, PLAYTEST_TYPE_CLIENT, construct_only);
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, PLAYTEST_TYPE_HISTORY, construct_only);
  properties[PROP_SCRIPT] =
    g_param_spec_object ("script", NULL, NULL, PLAYTEST_TYPE_SCRIPT, construct_only);
  /* The conversation the current step talks to: a new one at each new_session step. */
  properties[PROP_CONVERSATION] =
    g_param_spec_object ("conversation", NULL, NULL, PLAYTEST_TYPE_CONVERSATION, read_only);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, read_only);
  /* The first wait after a 429 without Retry-After; each next one doubles, up to 30 s. */
  properties[PROP_BACKOFF_BASE_MS] =
    g_param_spec_uint ("backoff-base-ms", NULL, NULL, 1, MAX_BACKOFF_MS, DEFAULT_BACKOFF_BASE_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
playtest_runner_class_init (PlaytestRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = playtest_runner_constructed;
  object_class->dispose = playtest_runner_dispose;
  object_class->finalize = playtest_runner_finalize;
  object_class->get_property = playtest_runner_get_property;
  object_class->set_property = playtest_runner_set_property;

  install_properties (object_class);

  /**
   * PlaytestRunner::step-started:
   * @self: the runner
   * @index: the step, from 0
   *
   * Emitted as a step starts: its result is %PLAYTEST_STEP_STATUS_RUNNING.
   */
  signals[SIGNAL_STEP_STARTED] =
    g_signal_new ("step-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * PlaytestRunner::step-finished:
   * @self: the runner
   * @index: the step, from 0
   *
   * Emitted when a step's result is final: passed, failed, error, or skipped (every step
   * the run did not reach gets one when it stops).
   */
  signals[SIGNAL_STEP_FINISHED] =
    g_signal_new ("step-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * PlaytestRunner::rate-limited:
   * @self: the runner
   * @index: the step the service refused with 429
   * @seconds: how long the runner waits before sending it again
   *
   * Emitted as the runner starts to wait out a rate limit, so that a user can be told
   * ("Rate limited, waiting 3 s") instead of watching a run that seems stuck.
   */
  signals[SIGNAL_RATE_LIMITED] =
    g_signal_new ("rate-limited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
playtest_runner_init (PlaytestRunner *self)
{
  const char *backoff = g_getenv (BACKOFF_ENV);
  guint64 ms;

  self->max_rate_limit_waits = DEFAULT_MAX_RATE_LIMIT_WAITS;
  self->backoff_base_ms = DEFAULT_BACKOFF_BASE_MS;
  if (backoff != NULL && g_ascii_string_to_unsigned (backoff, 10, 1, MAX_BACKOFF_MS, &ms, NULL))
    self->backoff_base_ms = ms;
}

/* Running state ---------------------------------------------------------------------------- */

static void
set_running (PlaytestRunner *self,
             gboolean        running)
{
  if (self->running == running)
    return;

  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
finish_step (PlaytestRunner     *self,
             PlaytestStepStatus  status)
{
  PlaytestStepResult *result = &self->results[self->current];

  result->status = status;
  result->duration_ms = (g_get_monotonic_time () - self->step_started_us) / 1000;
  g_clear_object (&self->turn);
  g_signal_emit (self, signals[SIGNAL_STEP_FINISHED], 0, self->current);
}

/* An answered step passes when every expectation held (a step without any passes). */
static PlaytestStepStatus
checks_status (const PlaytestStepResult *result)
{
  for (guint i = 0; i < result->checks->len; i++)
    {
      PlaytestCheck *check = g_ptr_array_index (result->checks, i);

      if (!check->passed)
        return PLAYTEST_STEP_STATUS_FAILED;
    }

  return PLAYTEST_STEP_STATUS_PASSED;
}

static void
skip_from (PlaytestRunner *self,
           guint           first)
{
  for (guint i = first; i < self->n_steps; i++)
    {
      if (self->results[i].status != PLAYTEST_STEP_STATUS_WAITING)
        continue;

      self->results[i].status = PLAYTEST_STEP_STATUS_SKIPPED;
      g_signal_emit (self, signals[SIGNAL_STEP_FINISHED], 0, i);
    }
}

/* Results stay with the sessions they recorded: the app shows a past run beside them. */
static void
save_run (PlaytestRunner *self)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  GFile *file = playtest_script_get_file (self->script);
  PlaytestScriptRun run = { 0 };

  if (self->history == NULL || self->conversation_ids->len == 0)
    return;

  node = playtest_runner_results_to_json (self);
  run.script_name = (char *) playtest_script_get_name (self->script);
  run.script_path = file != NULL ? g_file_get_path (file) : NULL;
  g_ptr_array_add (self->conversation_ids, NULL);
  run.conversation_ids = (char **) self->conversation_ids->pdata;
  run.started_at = self->started_at;
  run.finished_at = g_date_time_new_now_utc ();
  run.n_steps = self->n_steps;
  run.n_passed = count_status (self, PLAYTEST_STEP_STATUS_PASSED);
  run.n_failed = count_status (self, PLAYTEST_STEP_STATUS_FAILED);
  run.n_errors = count_status (self, PLAYTEST_STEP_STATUS_ERROR);
  run.n_skipped = count_status (self, PLAYTEST_STEP_STATUS_SKIPPED);
  run.results_json = json_to_string (node, FALSE);

  if (playtest_history_save_script_run (self->history, &run, &error) == 0)
    g_debug ("The run of “%s” is not in the history: %s", run.script_name, error->message);

  g_ptr_array_remove_index (self->conversation_ids, self->conversation_ids->len - 1);
  g_free (run.script_path);
  g_date_time_unref (run.finished_at);
  g_free (run.results_json);
}

/* Ends the run: @error (taken) stops it early; the steps not reached are skipped. */
static void
stop_run (PlaytestRunner *self,
          GError         *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  clear_sources (self);
  g_clear_object (&self->saving);
  skip_from (self, 0);

  g_cancellable_disconnect (g_task_get_cancellable (task), self->cancelled_handler);
  self->cancelled_handler = 0;

  save_run (self);
  set_running (self, FALSE);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Stopping at once: the turn on its way is cancelled, and the run ends from here without
 * waiting for it (its ::turn-failed comes later and finds no step). */
static gboolean
stop_cancelled_cb (gpointer user_data)
{
  PlaytestRunner *self = user_data;
  PlaytestStepResult *result;

  self->stop_source = 0;
  if (self->task == NULL)
    return G_SOURCE_REMOVE;

  /* An answer already checked keeps its verdict; one still on its way never came. */
  result = self->current < self->n_steps ? &self->results[self->current] : NULL;
  if (result != NULL && result->status == PLAYTEST_STEP_STATUS_RUNNING)
    finish_step (self, self->saving != NULL ? checks_status (result)
                                            : PLAYTEST_STEP_STATUS_SKIPPED);

  if (self->conversation != NULL)
    playtest_conversation_cancel (self->conversation);

  stop_run (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                       _("The run was stopped")));
  return G_SOURCE_REMOVE;
}

/* Called with the cancellable's lock held: the work waits for an idle. A high one: at the
 * default idle priority it would wait for as long as replies keep coming (on loopback, the
 * whole script), and Stop would stop nothing. */
static void
cancelled_cb (GCancellable   *cancellable,
              PlaytestRunner *self)
{
  if (self->stop_source == 0)
    self->stop_source = g_idle_add_full (G_PRIORITY_HIGH, stop_cancelled_cb, self, NULL);
}

static gboolean
check_cancelled (PlaytestRunner *self)
{
  return g_cancellable_is_cancelled (g_task_get_cancellable (self->task));
}

/* Conversations ---------------------------------------------------------------------------- */

static void turn_completed_cb (PlaytestConversation *conversation,
                               PlaytestTurn         *turn,
                               PlaytestRunner       *self);
static void turn_failed_cb    (PlaytestConversation *conversation,
                               PlaytestTurn         *turn,
                               PlaytestRunner       *self);
static void turn_saved_cb     (PlaytestConversation *conversation,
                               PlaytestTurn         *turn,
                               PlaytestRunner       *self);
static void history_error_cb  (PlaytestConversation *conversation,
                               const GError         *error,
                               PlaytestRunner       *self);

static void
start_conversation (PlaytestRunner *self)
{
  g_autoptr(PlaytestConversation) conversation = NULL;

  conversation = playtest_conversation_new (self->client, self->history, self->character_id);
  playtest_conversation_set_voice_response (conversation,
                                            playtest_script_get_voice (self->script));
  playtest_conversation_set_stream (conversation, playtest_script_get_stream (self->script));

  g_signal_connect_object (conversation, "turn-completed", G_CALLBACK (turn_completed_cb), self,
                           0);
  g_signal_connect_object (conversation, "turn-failed", G_CALLBACK (turn_failed_cb), self, 0);
  g_signal_connect_object (conversation, "turn-saved", G_CALLBACK (turn_saved_cb), self, 0);
  g_signal_connect_object (conversation, "history-error", G_CALLBACK (history_error_cb), self,
                           0);

  if (self->conversation != NULL)
    g_signal_handlers_disconnect_by_data (self->conversation, self);
  g_set_object (&self->conversation, conversation);
  g_ptr_array_add (self->conversation_ids,
                   g_strdup (playtest_conversation_get_id (conversation)));
  g_clear_pointer (&self->previous_section_id, g_free);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION]);
}

/* Steps ------------------------------------------------------------------------------------ */

static void
next_step (PlaytestRunner *self)
{
  self->current++;
  run_step (self);
}

/* The answer is checked, and in the store: the step is over. */
static void
complete_step (PlaytestRunner *self)
{
  finish_step (self, checks_status (&self->results[self->current]));
  next_step (self);
}

static void
check_answer (PlaytestRunner *self,
              PlaytestTurn   *turn)
{
  const PlaytestScriptStep *step = playtest_script_get_step (self->script, self->current);
  PlaytestStepResult *result = &self->results[self->current];
  const char *section_id = playtest_turn_get_narrative_section_id (turn);

  if (step->expect != NULL)
    {
      GPtrArray *checks = playtest_expectations_check (step->expect, turn,
                                                       self->previous_section_id,
                                                       self->section_names);

      g_ptr_array_extend_and_steal (result->checks, checks);
    }

  if (section_id != NULL && *section_id != '\0')
    {
      g_free (self->previous_section_id);
      self->previous_section_id = g_strdup (section_id);
    }
}

/* A save is on its way whenever the turn completes or fails (a retried turn is saved once
 * per try); the step ends once all of them are in, so that the run's record names the turn
 * as stored. Without a store, or once it failed, there is nothing to wait for. */
static gboolean
waits_for_saves (PlaytestRunner *self)
{
  return self->history != NULL && !self->history_failed;
}

static void
note_save (PlaytestRunner *self,
           PlaytestTurn   *turn)
{
  if (waits_for_saves (self) && turn == self->saves_for)
    self->n_saves++;
}

/* Ends the step whose answer (or error) waited for the store, once nothing is on its way. */
static void
finish_saving (PlaytestRunner *self)
{
  if (self->saving == NULL || (waits_for_saves (self) && self->n_saves > 0))
    return;

  g_clear_object (&self->saving);
  if (self->results[self->current].status == PLAYTEST_STEP_STATUS_RUNNING)
    complete_step (self);
  else
    stop_run (self, g_error_copy (self->results[self->current].error));
}

static void
turn_completed_cb (PlaytestConversation *conversation,
                   PlaytestTurn         *turn,
                   PlaytestRunner       *self)
{
  if (self->task == NULL || turn != self->turn)
    return;

  note_save (self, turn);

  /* Checked now: once in the store, the turn lets go of its audio. */
  check_answer (self, turn);

  g_set_object (&self->saving, turn);
  finish_saving (self);
}

static void
turn_saved_cb (PlaytestConversation *conversation,
               PlaytestTurn         *turn,
               PlaytestRunner       *self)
{
  if (self->task == NULL || turn != self->saves_for || self->n_saves == 0)
    return;

  self->n_saves--;
  finish_saving (self);
}

/* The run goes on without the record, as a manual turn does. */
static void
history_error_cb (PlaytestConversation *conversation,
                  const GError         *error,
                  PlaytestRunner       *self)
{
  g_debug ("A turn of the run is not in the history: %s", error->message);

  self->history_failed = TRUE;
  if (self->task != NULL)
    finish_saving (self);
}

static guint
rate_limit_wait_ms (PlaytestRunner *self,
                    const GError   *error,
                    guint           n_waited)
{
  int retry_after = playtest_client_error_get_retry_after (error);
  guint64 ms;

  if (retry_after >= 0)
    return MIN ((guint64) retry_after * 1000, G_MAXUINT);

  ms = (guint64) self->backoff_base_ms << MIN (n_waited, 16);
  return MIN (ms, MAX_BACKOFF_MS);
}

static gboolean
retry_cb (gpointer user_data)
{
  PlaytestRunner *self = user_data;

  self->retry_source = 0;
  playtest_conversation_retry (self->conversation, self->turn);

  return G_SOURCE_REMOVE;
}

/* Whether the runner waits out the failure to send the turn again. */
static gboolean
wait_rate_limit (PlaytestRunner *self,
                 const GError   *error)
{
  PlaytestStepResult *result = &self->results[self->current];
  guint ms;

  if (!g_error_matches (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_RATE_LIMITED)
      || result->n_rate_limited >= self->max_rate_limit_waits)
    return FALSE;

  ms = rate_limit_wait_ms (self, error, result->n_rate_limited);
  result->n_rate_limited++;
  self->n_rate_limited++;
  g_signal_emit (self, signals[SIGNAL_RATE_LIMITED], 0, self->current, (ms + 999) / 1000);

  self->retry_source = g_timeout_add (ms, retry_cb, self);
  return TRUE;
}

static void
turn_failed_cb (PlaytestConversation *conversation,
                PlaytestTurn         *turn,
                PlaytestRunner       *self)
{
  const GError *error = playtest_turn_get_error (turn);
  PlaytestStepResult *result;

  if (self->task == NULL || turn != self->turn || check_cancelled (self))
    return;

  note_save (self, turn);
  if (wait_rate_limit (self, error))
    return;

  result = &self->results[self->current];
  result->error = g_error_copy (error);
  finish_step (self, PLAYTEST_STEP_STATUS_ERROR);

  g_set_object (&self->saving, turn);
  finish_saving (self);
}

static void
send_step (PlaytestRunner           *self,
           const PlaytestScriptStep *step)
{
  PlaytestStepResult *result = &self->results[self->current];
  PlaytestTurn *turn;

  if (step->kind == PLAYTEST_STEP_AUDIO)
    turn = playtest_conversation_send_audio (self->conversation,
                                             g_ptr_array_index (self->recordings, self->current));
  else
    turn = playtest_conversation_send_text (self->conversation, step->text);

  g_set_object (&self->turn, turn);
  g_set_object (&self->saves_for, turn);
  self->n_saves = 0;
  g_set_object (&result->turn, turn);
  result->conversation_id = g_strdup (playtest_conversation_get_id (self->conversation));
}

static void
run_step (PlaytestRunner *self)
{
  const PlaytestScriptStep *step;
  PlaytestStepResult *result;

  if (self->current >= self->n_steps)
    {
      stop_run (self, NULL);
      return;
    }

  /* Stopped while the step before ended: the stop on its way skips this one, unsent. */
  if (self->stop_source != 0)
    return;

  step = playtest_script_get_step (self->script, self->current);
  result = &self->results[self->current];
  result->status = PLAYTEST_STEP_STATUS_RUNNING;
  self->step_started_us = g_get_monotonic_time ();
  g_signal_emit (self, signals[SIGNAL_STEP_STARTED], 0, self->current);

  if (step->kind == PLAYTEST_STEP_NEW_SESSION)
    {
      start_conversation (self);
      result->conversation_id = g_strdup (playtest_conversation_get_id (self->conversation));
      finish_step (self, PLAYTEST_STEP_STATUS_PASSED);
      next_step (self);
      return;
    }

  send_step (self, step);
}

/* Before anything is sent ------------------------------------------------------------------ */

static void
start_steps (PlaytestRunner *self)
{
  if (check_cancelled (self))
    {
      stop_run (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           _("The run was stopped")));
      return;
    }

  self->cancelled_handler = g_cancellable_connect (g_task_get_cancellable (self->task),
                                                   G_CALLBACK (cancelled_cb), self, NULL);
  start_conversation (self);
  self->current = 0;
  run_step (self);
}

static void
list_sections_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PlaytestRunner) self = user_data;
  g_autoptr(GPtrArray) sections = NULL;
  g_autoptr(GError) error = NULL;

  sections = playtest_client_list_sections_finish (PLAYTEST_CLIENT (source), result, &error);

  /* Without names, `section` expectations match ids only: worth a run all the same. */
  if (sections == NULL)
    g_debug ("No section names for %s: %s", self->character_id, error->message);

  for (guint i = 0; sections != NULL && i < sections->len; i++)
    {
      PlaytestNarrativeSection *section = g_ptr_array_index (sections, i);

      if (section->section_id != NULL && section->section_name != NULL)
        g_hash_table_replace (self->section_names, g_strdup (section->section_id),
                              g_strdup (section->section_name));
    }

  start_steps (self);
}

static void
fetch_sections (PlaytestRunner *self)
{
  playtest_client_list_sections_async (self->client, self->character_id,
                                       g_task_get_cancellable (self->task), list_sections_cb,
                                       g_object_ref (self));
}

static GError *
recording_error (PlaytestRunner *self,
                 guint           index,
                 const GError   *error)
{
  const PlaytestScriptStep *step = playtest_script_get_step (self->script, index);

  /* In the words of script errors: file, step, key. */
  return g_error_new (PLAYTEST_SCRIPT_ERROR, PLAYTEST_SCRIPT_ERROR_READ,
                      _("%s: step %u: “audio”: %s cannot be sent: %s"),
                      playtest_script_get_display_name (self->script), index + 1,
                      step->audio_path, error->message);
}

static void load_next_recording (PlaytestRunner *self,
                                 guint           index);

/* A recording that cannot be used fails the run before anything is sent; the step shows
 * why. */
static void
recording_loaded (PlaytestRunner *self,
                  guint           index,
                  GBytes         *wav,
                  const GError   *error)
{
  g_autoptr(GError) local_error = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || check_cancelled (self))
    {
      stop_run (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           _("The run was stopped")));
      return;
    }

  if (wav != NULL && !playtest_wav_check_voice_input (wav, NULL, &local_error))
    error = local_error;

  if (wav == NULL || error != NULL)
    {
      self->results[index].error = recording_error (self, index, error);
      self->results[index].status = PLAYTEST_STEP_STATUS_ERROR;
      g_signal_emit (self, signals[SIGNAL_STEP_FINISHED], 0, index);
      stop_run (self, g_error_copy (self->results[index].error));
      return;
    }

  g_ptr_array_index (self->recordings, index) = g_bytes_ref (wav);
  load_next_recording (self, index + 1);
}

typedef struct
{
  PlaytestRunner *self;
  guint           index;
} Loading;

static void
load_recording_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autofree Loading *loading = user_data;
  g_autoptr(PlaytestRunner) self = loading->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wav = NULL;

  if (self->load_finish != NULL)
    {
      wav = self->load_finish (result, &error);
    }
  else
    {
      char *contents = NULL;
      gsize length = 0;

      if (g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL,
                                       &error))
        wav = g_bytes_new_take (contents, length);
    }

  recording_loaded (self, loading->index, wav, error);
}

static void
load_next_recording (PlaytestRunner *self,
                     guint           index)
{
  const PlaytestScriptStep *step = NULL;
  GCancellable *cancellable = g_task_get_cancellable (self->task);
  Loading *loading;

  for (; index < self->n_steps; index++)
    {
      step = playtest_script_get_step (self->script, index);
      if (step->kind == PLAYTEST_STEP_AUDIO)
        break;
    }

  if (index >= self->n_steps)
    {
      fetch_sections (self);
      return;
    }

  loading = g_new0 (Loading, 1);
  loading->self = g_object_ref (self);
  loading->index = index;

  if (self->load_async != NULL)
    self->load_async (step->audio_file, cancellable, load_recording_cb, loading);
  else
    g_file_load_contents_async (step->audio_file, cancellable, load_recording_cb, loading);
}

/* Reports ---------------------------------------------------------------------------------- */

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_checks (JsonBuilder *builder,
            GPtrArray   *checks)
{
  json_builder_set_member_name (builder, "checks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < checks->len; i++)
    {
      PlaytestCheck *check = g_ptr_array_index (checks, i);

      json_builder_begin_object (builder);
      playtest_json_add_string (builder, "key", check->key);
      json_builder_set_member_name (builder, "passed");
      json_builder_add_boolean_value (builder, check->passed);
      playtest_json_add_string (builder, "expected", check->expected);
      playtest_json_add_string (builder, "actual", check->actual);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* What the character answered, as the checks saw it. */
static void
add_answer (JsonBuilder    *builder,
            PlaytestRunner *self,
            PlaytestTurn   *turn)
{
  const char *section_id = playtest_turn_get_narrative_section_id (turn);
  const char * const *actions = playtest_turn_get_actions (turn);

  json_builder_set_member_name (builder, "answer");
  json_builder_begin_object (builder);
  playtest_json_add_string (builder, "user_text", playtest_turn_get_user_text (turn));
  playtest_json_add_string (builder, "user_query", playtest_turn_get_user_query (turn));
  playtest_json_add_string (builder, "text", playtest_turn_get_reply_text (turn));
  playtest_json_add_string (builder, "emotion", playtest_turn_get_emotion (turn));
  playtest_json_add_string (builder, "action", playtest_turn_get_action (turn));
  playtest_json_add_strv (builder, "actions", actions);
  playtest_json_add_string (builder, "section_id", section_id);
  playtest_json_add_string (builder, "section_name", section_id != NULL && self->section_names != NULL
                                         ? g_hash_table_lookup (self->section_names, section_id)
                                         : NULL);
  playtest_json_add_string (builder, "session_id", playtest_turn_get_session_id (turn));
  add_int (builder, "latency_ms", playtest_turn_get_latency_ms (turn));
  json_builder_end_object (builder);
}

static void
add_step (JsonBuilder    *builder,
          PlaytestRunner *self,
          guint           index)
{
  const PlaytestStepResult *result = &self->results[index];
  g_autofree char *description = playtest_script_describe_step (self->script, index);

  json_builder_begin_object (builder);
  add_int (builder, "step", index + 1);
  playtest_json_add_string (builder, "description", description);
  playtest_json_add_string (builder, "status", playtest_step_status_to_string (result->status));
  playtest_json_add_string (builder, "conversation_id", result->conversation_id);
  playtest_json_add_optional_int (builder, "turn_id", result->turn != NULL
                                                        && playtest_turn_get_id (result->turn) > 0
                                                      ? playtest_turn_get_id (result->turn) : -1);
  add_int (builder, "duration_ms", result->duration_ms);
  add_int (builder, "rate_limited", result->n_rate_limited);
  playtest_json_add_string (builder, "error", result->error != NULL ? result->error->message : NULL);
  add_checks (builder, result->checks);
  if (result->turn != NULL && playtest_turn_get_state (result->turn) == PLAYTEST_TURN_COMPLETE)
    add_answer (builder, self, result->turn);
  json_builder_end_object (builder);
}

/**
 * playtest_runner_results_to_json:
 * @self: a runner
 *
 * The run as it stands, for reports and for the history store: the script, the character,
 * the counts, the conversations, and for each step its status, checks (key, passed,
 * expected, actual), error, turn id and what the character answered.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
playtest_runner_results_to_json (PlaytestRunner *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (PLAYTEST_IS_RUNNER (self), NULL);

  json_builder_begin_object (builder);
  playtest_json_add_string (builder, "script", playtest_script_get_name (self->script));
  playtest_json_add_string (builder, "file", playtest_script_get_display_name (self->script));
  playtest_json_add_string (builder, "character", playtest_runner_get_character_id (self));
  playtest_json_add_date_time (builder, "started_at", self->started_at);
  json_builder_set_member_name (builder, "passed");
  json_builder_add_boolean_value (builder, playtest_runner_get_passed (self));
  add_int (builder, "steps_total", self->n_steps);
  add_int (builder, "passed_steps", count_status (self, PLAYTEST_STEP_STATUS_PASSED));
  add_int (builder, "failed_steps", count_status (self, PLAYTEST_STEP_STATUS_FAILED));
  add_int (builder, "error_steps", count_status (self, PLAYTEST_STEP_STATUS_ERROR));
  add_int (builder, "skipped_steps", count_status (self, PLAYTEST_STEP_STATUS_SKIPPED));
  add_int (builder, "rate_limited", self->n_rate_limited);

  json_builder_set_member_name (builder, "conversation_ids");
  json_builder_begin_array (builder);
  for (guint i = 0; self->conversation_ids != NULL && i < self->conversation_ids->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (self->conversation_ids, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->n_steps; i++)
    add_step (builder, self, i);
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * playtest_runner_get_section_names:
 * @self: a runner
 *
 * Returns: (transfer none) (nullable): the character's section names by id, as fetched
 *   at the start of the run (empty when they could not be), or %NULL before a run
 */
GHashTable *
playtest_runner_get_section_names (PlaytestRunner *self)
{
  g_return_val_if_fail (PLAYTEST_IS_RUNNER (self), NULL);

  return self->section_names;
}

/* Public API ------------------------------------------------------------------------------- */

/**
 * playtest_step_status_to_string:
 * @status: a step's status
 *
 * Returns: a stable machine-readable name: `"passed"`, `"failed"`, `"error"`…
 */
const char *
playtest_step_status_to_string (PlaytestStepStatus status)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (PLAYTEST_TYPE_STEP_STATUS);
  GEnumValue *value = g_enum_get_value (klass, status);

  return value != NULL ? value->value_nick : "unknown";
}

/**
 * playtest_runner_new:
 * @client: the client that sends the turns
 * @history: (nullable): the store that records them and the run, or %NULL
 * @script: the script to run
 *
 * Returns: (transfer full): a runner, ready to run @script once
 */
PlaytestRunner *
playtest_runner_new (PlaytestClient  *client,
                     PlaytestHistory *history,
                     PlaytestScript  *script)
{
  g_return_val_if_fail (PLAYTEST_IS_CLIENT (client), NULL);
  g_return_val_if_fail (history == NULL || PLAYTEST_IS_HISTORY (history), NULL);
  g_return_val_if_fail (PLAYTEST_IS_SCRIPT (script), NULL);

  return g_object_new (PLAYTEST_TYPE_RUNNER,
                       "client", client,
                       "history", history,
                       "script", script,
                       NULL);
}

/**
 * playtest_runner_get_script:
 * @self: a runner
 *
 * Returns: (transfer none): the script it runs
 */
PlaytestScript *
playtest_runner_get_script (PlaytestRunner *self)
{
  g_return_val_if_fail (PLAYTEST_IS_RUNNER (self), NULL);

  return self->script;
}

/**
 * playtest_runner_set_character_id:
 * @self: a runner
 * @character_id: (nullable): who to talk to instead of the script's character, or %NULL
 *   for the script's
 *
 * For a script written for one character and run against another (`run --character`).
 */
void
playtest_runner_set_character_id (PlaytestRunner *self,
                                  const char     *character_id)
{
  g_return_if_fail (PLAYTEST_IS_RUNNER (self));
  g_return_if_fail (!self->running);

  g_free (self->character_id);
  self->character_id = character_id != NULL && *character_id != '\0' ? g_strdup (character_id)
                                                                     : NULL;
}

/**
 * playtest_runner_get_character_id:
 * @self: a runner
 *
 * Returns: (nullable): the character the run talks to: the one set, else the script's
 */
const char *
playtest_runner_get_character_id (PlaytestRunner *self)
{
  g_return_val_if_fail (PLAYTEST_IS_RUNNER (self), NULL);

  if (self->character_id != NULL)
    return self->character_id;

  return playtest_script_get_character_id (self->script);
}

/**
 * playtest_runner_set_audio_loader:
 * @self: a runner
 * @load_async: (nullable): starts turning an audio file into a 16 kHz mono WAV
 * @load_finish: (nullable): its finish function
 *
 * Without a loader, each `audio` step's file must already be a 16 kHz mono 16-bit WAV.
 */
void
playtest_runner_set_audio_loader (PlaytestRunner          *self,
                                  PlaytestAudioLoadAsync   load_async,
                                  PlaytestAudioLoadFinish  load_finish)
{
  g_return_if_fail (PLAYTEST_IS_RUNNER (self));
  g_return_if_fail ((load_async == NULL) == (load_finish == NULL));

  self->load_async = load_async;
  self->load_finish = load_finish;
}

/**
 * playtest_runner_set_max_rate_limit_waits:
 * @self: a runner
 * @max_waits: how many 429 answers to wait out on one step before it is an error
 */
void
playtest_runner_set_max_rate_limit_waits (PlaytestRunner *self,
                                          guint           max_waits)
{
  g_return_if_fail (PLAYTEST_IS_RUNNER (self));

  self->max_rate_limit_waits = max_waits;
}

/**
 * playtest_runner_get_conversation:
 * @self: a runner
 *
 * Returns: (transfer none) (nullable): the conversation the current step talks to, or
 *   %NULL before the run started
 */
PlaytestConversation *
playtest_runner_get_conversation (PlaytestRunner *self)
{
  g_return_val_if_fail (PLAYTEST_IS_RUNNER (self), NULL);

  return self->conversation;
}

/**
 * playtest_runner_get_running:
 * @self: a runner
 *
 * Returns: whether a run is under way
 */
gboolean
playtest_runner_get_running (PlaytestRunner *self)
{
  g_return_val_if_fail (PLAYTEST_IS_RUNNER (self), FALSE);

  return self->running;
}

/**
 * playtest_runner_get_result:
 * @self: a runner
 * @index: a step, from 0
 *
 * Returns: (transfer none): the step's outcome so far
 */
const PlaytestStepResult *
playtest_runner_get_result (PlaytestRunner *self,
                            guint           index)
{
  g_return_val_if_fail (PLAYTEST_IS_RUNNER (self), NULL);
  g_return_val_if_fail (index < self->n_steps, NULL);

  return &self->results[index];
}

/**
 * playtest_runner_get_n_passed:
 * @self: a runner
 *
 * Returns: how many steps passed so far
 */
guint
playtest_runner_get_n_passed (PlaytestRunner *self)
{
  g_return_val_if_fail (PLAYTEST_IS_RUNNER (self), 0);

  return count_status (self, PLAYTEST_STEP_STATUS_PASSED);
}

/**
 * playtest_runner_get_n_failed:
 * @self: a runner
 *
 * Returns: how many steps were answered with an expectation that did not hold
 */
guint
playtest_runner_get_n_failed (PlaytestRunner *self)
{
  g_return_val_if_fail (PLAYTEST_IS_RUNNER (self), 0);

  return count_status (self, PLAYTEST_STEP_STATUS_FAILED);
}

/**
 * playtest_runner_get_n_rate_limited:
 * @self: a runner
 *
 * Returns: how many 429 answers the run waited out, over all steps
 */
guint
playtest_runner_get_n_rate_limited (PlaytestRunner *self)
{
  g_return_val_if_fail (PLAYTEST_IS_RUNNER (self), 0);

  return self->n_rate_limited;
}

/**
 * playtest_runner_get_passed:
 * @self: a runner
 *
 * Returns: whether every step ran and passed
 */
gboolean
playtest_runner_get_passed (PlaytestRunner *self)
{
  g_return_val_if_fail (PLAYTEST_IS_RUNNER (self), FALSE);

  return self->n_steps > 0 && count_status (self, PLAYTEST_STEP_STATUS_PASSED) == self->n_steps;
}

/**
 * playtest_runner_get_conversation_ids:
 * @self: a runner
 *
 * Returns: (transfer none) (element-type utf8): the history ids of the conversations the
 *   run talked in, in order (empty before it started)
 */
GPtrArray *
playtest_runner_get_conversation_ids (PlaytestRunner *self)
{
  g_return_val_if_fail (PLAYTEST_IS_RUNNER (self), NULL);

  return self->conversation_ids;
}

static GError *
check_character (PlaytestRunner *self)
{
  if (playtest_runner_get_character_id (self) != NULL)
    return NULL;

  return g_error_new (PLAYTEST_SCRIPT_ERROR, PLAYTEST_SCRIPT_ERROR_MISSING_KEY,
                      _("%s: no character to talk to: give “character” in the script, or a "
                        "character to run it with"),
                      playtest_script_get_display_name (self->script));
}

/**
 * playtest_runner_run_async:
 * @self: a runner, not running
 * @cancellable: (nullable): stops the run at once
 * @callback: called when the run ends
 * @user_data: data for @callback
 *
 * Runs the script from its first step, replacing the results of any run before. Each
 * step's result changes as it goes (#PlaytestRunner::step-started,
 * #PlaytestRunner::step-finished); with a history store, every turn is recorded as a
 * manual one would be, and the run with it (playtest_history_list_script_runs()).
 */
void
playtest_runner_run_async (PlaytestRunner      *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GCancellable) own_cancellable = NULL;
  GError *error;

  g_return_if_fail (PLAYTEST_IS_RUNNER (self));
  g_return_if_fail (!self->running);

  /* Stopping needs a cancellable to watch, even when the caller will never stop the run. */
  if (cancellable == NULL)
    cancellable = own_cancellable = g_cancellable_new ();

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, playtest_runner_run_async);

  results_reset (self);
  g_clear_pointer (&self->recordings, g_ptr_array_unref);
  self->recordings = g_ptr_array_new_full (self->n_steps, (GDestroyNotify) g_bytes_unref);
  g_ptr_array_set_size (self->recordings, self->n_steps);
  g_clear_pointer (&self->section_names, g_hash_table_unref);
  self->section_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_clear_pointer (&self->conversation_ids, g_ptr_array_unref);
  self->conversation_ids = g_ptr_array_new_with_free_func (g_free);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  self->started_at = g_date_time_new_now_utc ();
  self->n_rate_limited = 0;
  self->history_failed = FALSE;
  self->current = 0;
  if (self->character_id == NULL)
    self->character_id = g_strdup (playtest_script_get_character_id (self->script));
  set_running (self, TRUE);

  if ((error = check_character (self)) != NULL)
    {
      stop_run (self, error);
      return;
    }

  load_next_recording (self, 0);
}

/**
 * playtest_runner_run_finish:
 * @self: a runner
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Returns: %TRUE when every step ran, whether or not its expectations held; %FALSE with
 *   the error that stopped the run: a #PLAYTEST_SCRIPT_ERROR (no character, a recording
 *   that cannot be sent), a #PLAYTEST_CLIENT_ERROR, or %G_IO_ERROR_CANCELLED
 */
gboolean
playtest_runner_run_finish (PlaytestRunner  *self,
                            GAsyncResult    *result,
                            GError         **error)
{
  g_return_val_if_fail (PLAYTEST_IS_RUNNER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == playtest_runner_run_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
