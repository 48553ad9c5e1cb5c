/* playtest-recorder.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "playtest-audio-convert-private.h"
#include "playtest-audio-device.h"
#include "playtest-recorder.h"

/* The meter and the duration update this often (10 Hz). */
#define LEVEL_INTERVAL (100 * GST_MSECOND)
/* Quieter than this shows as an empty meter. */
#define METER_FLOOR_DB (-60.0)
/* EOS takes a few buffers to go through; a source that never passes it on must not hang stop. */
#define EOS_TIMEOUT_SECONDS 3

/**
 * PlaytestRecorder:
 *
 * Records the default microphone (`audiotestsrc` in fake mode, see
 * playtest_audio_use_fake_devices()) as a 16 kHz mono 16-bit WAV file in memory, what Convai
 * takes as voice input.
 *
 * The pipeline is `source ! audioconvert ! audioresample ! capsfilter ! level ! appsink`; the
 * appsink gathers the raw samples and the WAV header is written once, at the end, by
 * playtest_wav_new_pcm16() (so no header sizes are left for an encoder to patch at EOS).
 * Nothing blocks the main thread: the bus is watched on the thread-default main context.
 */
struct _PlaytestRecorder
{
  GObject               parent_instance;

  GstElement           *pipeline;
  GstElement           *source;
  PlaytestPcmCollector *pcm;
  GSource              *bus_watch;
  GSource              *eos_timeout;
  /* Set from playtest_recorder_stop_async() until EOS has gone through. */
  GTask                *stop_task;

  guint                 duration_ms;
  double                level;
  gboolean              recording;
};

G_DEFINE_FINAL_TYPE (PlaytestRecorder, playtest_recorder, G_TYPE_OBJECT)

G_DEFINE_QUARK (playtest-recorder-error-quark, playtest_recorder_error)

enum {
  PROP_0,
  PROP_RECORDING,
  PROP_DURATION_MS,
  PROP_LEVEL,
  N_PROPS
};

enum {
  SIGNAL_ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
recorder_set_recording (PlaytestRecorder *self,
                        gboolean          recording)
{
  if (self->recording == recording)
    return;
  self->recording = recording;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDING]);
}

static void
recorder_set_duration_ms (PlaytestRecorder *self,
                          guint             duration_ms)
{
  if (self->duration_ms == duration_ms)
    return;
  self->duration_ms = duration_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION_MS]);
}

static void
recorder_set_level (PlaytestRecorder *self,
                    double            level)
{
  if (G_APPROX_VALUE (self->level, level, 0.001))
    return;
  self->level = level;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEVEL]);
}

/* Stops and drops the pipeline; going to NULL joins the streaming thread, so the collector
 * is complete afterwards. */
static void
recorder_release_pipeline (PlaytestRecorder *self)
{
  playtest_audio_clear_source (&self->bus_watch);
  playtest_audio_clear_source (&self->eos_timeout);
  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  gst_clear_object (&self->source);
  gst_clear_object (&self->pipeline);
}

static void
recorder_teardown (PlaytestRecorder *self)
{
  recorder_release_pipeline (self);
  recorder_set_recording (self, FALSE);
  recorder_set_level (self, 0.0);
}

static GError *
recorder_error_from_gst (PlaytestRecorder *self,
                         GstObject        *origin,
                         const GError     *gst_error)
{
  const char *detail = gst_error != NULL ? gst_error->message : _("unknown error");

  if (self->source != NULL && origin != NULL
      && gst_object_has_as_ancestor (origin, GST_OBJECT (self->source)))
    return g_error_new (PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_NO_INPUT,
                        _("The microphone could not be used: %s"), detail);

  return g_error_new (PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_FAILED,
                      _("Recording failed: %s"), detail);
}

/* The result of a stop: the WAV, or the refusal of one too short to be speech. */
static void
recorder_return_recording (PlaytestRecorder *self,
                           GTask            *task)
{
  g_autoptr(PlaytestPcmCollector) pcm = g_steal_pointer (&self->pcm);
  gsize n_frames = playtest_pcm_collector_get_n_frames (pcm);

  recorder_set_duration_ms (self, playtest_pcm_collector_get_duration_ms (pcm));

  if (n_frames <= (gsize) PLAYTEST_RECORDER_MIN_DURATION_MS * PLAYTEST_VOICE_RATE / 1000)
    g_task_return_new_error (task, PLAYTEST_RECORDER_ERROR, PLAYTEST_RECORDER_ERROR_TOO_SHORT,
                             _("The recording is too short to send."));
  else
    g_task_return_pointer (task, playtest_pcm_collector_to_wav (pcm),
                           (GDestroyNotify) g_bytes_unref);
}

static void
recorder_finish_stop (PlaytestRecorder *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->stop_task);

  recorder_teardown (self);

  if (task != NULL)
    {
      recorder_return_recording (self, task);
      return;
    }

  /* The source ended by itself, nobody asked it to: the device went away. */
  {
    g_autoptr(GError) error = g_error_new_literal (PLAYTEST_AUDIO_ERROR,
                                                   PLAYTEST_AUDIO_ERROR_NO_INPUT,
                                                   _("The microphone stopped sending sound."));

    g_clear_pointer (&self->pcm, playtest_pcm_collector_unref);
    g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
  }
}

/* An error on the bus ends the recording: a pending stop gets it, else the `error` signal. */
static void
recorder_fail (PlaytestRecorder *self,
               GstMessage       *message)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->stop_task);
  g_autoptr(GError) gst_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *debug = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("Recording failed: %s (%s)", gst_error->message, debug != NULL ? debug : "");
  error = recorder_error_from_gst (self, GST_MESSAGE_SRC (message), gst_error);

  recorder_teardown (self);
  g_clear_pointer (&self->pcm, playtest_pcm_collector_unref);

  if (task != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
}

static void
recorder_update_meter (PlaytestRecorder   *self,
                       const GstStructure *structure)
{
  const GValue *value = gst_structure_get_value (structure, "rms");
  /* level still posts a GValueArray; only its (non-deprecated) fields are read. */
  const GValueArray *rms = value != NULL && G_VALUE_HOLDS_BOXED (value) ? g_value_get_boxed (value)
                                                                         : NULL;

  if (self->recording && rms != NULL && rms->n_values > 0
      && G_VALUE_HOLDS_DOUBLE (&rms->values[0]))
    {
      double db = g_value_get_double (&rms->values[0]);

      recorder_set_level (self, CLAMP ((db - METER_FLOOR_DB) / -METER_FLOOR_DB, 0.0, 1.0));
    }

  recorder_set_duration_ms (self, playtest_pcm_collector_get_duration_ms (self->pcm));
}

static gboolean
recorder_bus_cb (GstBus     *bus,
                 GstMessage *message,
                 gpointer    user_data)
{
  PlaytestRecorder *self = user_data;

  switch ((int) GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ELEMENT:
      if (gst_message_has_name (message, "level"))
        recorder_update_meter (self, gst_message_get_structure (message));
      return G_SOURCE_CONTINUE;

    case GST_MESSAGE_ERROR:
      recorder_fail (self, message);
      return G_SOURCE_REMOVE;

    case GST_MESSAGE_EOS:
      recorder_finish_stop (self);
      return G_SOURCE_REMOVE;

    default:
      return G_SOURCE_CONTINUE;
    }
}

static gboolean
recorder_eos_timeout_cb (gpointer user_data)
{
  PlaytestRecorder *self = user_data;

  g_debug ("EOS did not come through within %d s; keeping what was recorded",
           EOS_TIMEOUT_SECONDS);
  recorder_finish_stop (self);
  return G_SOURCE_REMOVE;
}

static gboolean
recorder_build_pipeline (PlaytestRecorder  *self,
                         GError           **error)
{
  GstElement *source = playtest_audio_device_make_source (error);
  GstElement *level;
  GstElement *head;

  if (source == NULL)
    return FALSE;

  level = playtest_audio_make_element ("level", NULL, error);
  if (level == NULL)
    {
      gst_object_unref (gst_object_ref_sink (source));
      return FALSE;
    }
  g_object_set (level, "interval", (guint64) LEVEL_INTERVAL, "post-messages", TRUE, NULL);

  self->pipeline = gst_object_ref_sink (gst_pipeline_new ("playtest-recorder"));
  gst_bin_add (GST_BIN (self->pipeline), source);
  self->source = gst_object_ref (source);

  head = playtest_audio_add_voice_chain (GST_BIN (self->pipeline), level, self->pcm, error);
  if (head == NULL)
    return FALSE;

  if (!gst_element_link (source, head))
    {
      g_set_error_literal (error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_NO_INPUT,
                           _("The microphone does not give sound that can be recorded."));
      return FALSE;
    }

  return TRUE;
}

/* A failed state change usually leaves GStreamer's reason on the bus; say it in our words. */
static void
recorder_set_state_error (PlaytestRecorder  *self,
                          GError           **error)
{
  g_autoptr(GError) gst_error = playtest_audio_pop_bus_error (self->pipeline);

  if (gst_error != NULL)
    g_propagate_error (error, recorder_error_from_gst (self, GST_OBJECT (self->source),
                                                       gst_error));
  else
    playtest_audio_device_set_error (error, self->source);
}

/* Opening the device (going to READY) is where autoaudiosrc picks one, or a silent stand-in. */
static gboolean
recorder_open_device (PlaytestRecorder  *self,
                      GError           **error)
{
  if (gst_element_set_state (self->pipeline, GST_STATE_READY) == GST_STATE_CHANGE_FAILURE)
    {
      recorder_set_state_error (self, error);
      return FALSE;
    }

  if (playtest_audio_device_is_missing (self->source))
    {
      playtest_audio_device_set_error (error, self->source);
      return FALSE;
    }

  return TRUE;
}

static void
playtest_recorder_dispose (GObject *object)
{
  PlaytestRecorder *self = (PlaytestRecorder *) object;

  recorder_release_pipeline (self);
  g_clear_pointer (&self->pcm, playtest_pcm_collector_unref);

  G_OBJECT_CLASS (playtest_recorder_parent_class)->dispose (object);
}

static void
playtest_recorder_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PlaytestRecorder *self = PLAYTEST_RECORDER (object);

  switch (prop_id)
    {
    case PROP_RECORDING:
      g_value_set_boolean (value, self->recording);
      break;

    case PROP_DURATION_MS:
      g_value_set_uint (value, self->duration_ms);
      break;

    case PROP_LEVEL:
      g_value_set_double (value, self->level);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_recorder_class_init (PlaytestRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = playtest_recorder_dispose;
  object_class->get_property = playtest_recorder_get_property;

  /**
   * PlaytestRecorder:recording:
   *
   * Whether the microphone is being recorded. It turns %FALSE as soon as a stop is asked for.
   */
  properties[PROP_RECORDING] =
    g_param_spec_boolean ("recording", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PlaytestRecorder:duration-ms:
   *
   * How long the current (or last) recording lasts, in milliseconds; notified about ten
   * times a second while recording.
   */
  properties[PROP_DURATION_MS] =
    g_param_spec_uint ("duration-ms", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PlaytestRecorder:level:
   *
   * How loud the microphone is, from 0 (silence, or -60 dB and below) to 1 (full scale), for
   * a meter. 0 when not recording.
   */
  properties[PROP_LEVEL] =
    g_param_spec_double ("level", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PlaytestRecorder::error:
   * @self: the recorder
   * @error: what went wrong, in words for the user
   *
   * Emitted once when a recording fails while it runs (the device went away, the source
   * posted an error). The recorder is idle again. A failure while a stop is pending is
   * reported by playtest_recorder_stop_finish() instead.
   */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
playtest_recorder_init (PlaytestRecorder *self)
{
}

/**
 * playtest_recorder_new:
 *
 * Makes an idle recorder. GStreamer must have been initialised.
 *
 * Returns: (transfer full): the recorder
 */
PlaytestRecorder *
playtest_recorder_new (void)
{
  return g_object_new (PLAYTEST_TYPE_RECORDER, NULL);
}

/**
 * playtest_recorder_start:
 * @self: a #PlaytestRecorder
 * @error: return location for a #GError
 *
 * Starts recording the microphone. Fails with #PLAYTEST_AUDIO_ERROR_NO_INPUT ("No microphone
 * was found.") when there is none, and with #PLAYTEST_RECORDER_ERROR_BUSY when a recording is
 * already running or being finished. Errors that come later arrive as #PlaytestRecorder::error.
 *
 * Returns: %TRUE if recording started
 */
gboolean
playtest_recorder_start (PlaytestRecorder  *self,
                         GError           **error)
{
  g_return_val_if_fail (PLAYTEST_IS_RECORDER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->pipeline != NULL)
    {
      g_set_error_literal (error, PLAYTEST_RECORDER_ERROR, PLAYTEST_RECORDER_ERROR_BUSY,
                           _("A recording is already running."));
      return FALSE;
    }

  g_clear_pointer (&self->pcm, playtest_pcm_collector_unref);
  self->pcm = playtest_pcm_collector_new ();

  if (!recorder_build_pipeline (self, error) || !recorder_open_device (self, error))
    {
      recorder_release_pipeline (self);
      g_clear_pointer (&self->pcm, playtest_pcm_collector_unref);
      return FALSE;
    }

  self->bus_watch = playtest_audio_watch_bus (self->pipeline, recorder_bus_cb, self, NULL);

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      recorder_set_state_error (self, error);
      recorder_release_pipeline (self);
      g_clear_pointer (&self->pcm, playtest_pcm_collector_unref);
      return FALSE;
    }

  recorder_set_duration_ms (self, 0);
  recorder_set_recording (self, TRUE);
  return TRUE;
}

/**
 * playtest_recorder_stop_async:
 * @self: a #PlaytestRecorder
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the recording
 * @user_data: data for @callback
 *
 * Stops recording: the end of the stream is sent through the pipeline so that the last
 * samples are kept, and @callback runs once it has gone through. #PlaytestRecorder:recording
 * turns %FALSE at once.
 */
void
playtest_recorder_stop_async (PlaytestRecorder    *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PLAYTEST_IS_RECORDER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, playtest_recorder_stop_async);

  if (self->pipeline == NULL || self->stop_task != NULL)
    {
      g_task_return_new_error (task, PLAYTEST_RECORDER_ERROR,
                               PLAYTEST_RECORDER_ERROR_NOT_RECORDING,
                               _("There is no recording to stop."));
      return;
    }

  self->stop_task = g_steal_pointer (&task);
  recorder_set_recording (self, FALSE);
  recorder_set_level (self, 0.0);

  /* Before the first buffer there is nothing to wait for, and `level` (1.22) hits a critical
   * on an EOS that comes before any segment. A source that refuses the event has nothing
   * more to give either: keep what is there. */
  if (playtest_pcm_collector_get_n_frames (self->pcm) == 0
      || !gst_element_send_event (self->source, gst_event_new_eos ()))
    {
      recorder_finish_stop (self);
      return;
    }

  self->eos_timeout = g_timeout_source_new_seconds (EOS_TIMEOUT_SECONDS);
  g_source_set_callback (self->eos_timeout, recorder_eos_timeout_cb, self, NULL);
  g_source_attach (self->eos_timeout, g_task_get_context (self->stop_task));
}

/**
 * playtest_recorder_stop_finish:
 * @self: a #PlaytestRecorder
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError: #PLAYTEST_RECORDER_ERROR_TOO_SHORT ("The recording
 *   is too short to send.") for #PLAYTEST_RECORDER_MIN_DURATION_MS or less,
 *   %G_IO_ERROR_CANCELLED after playtest_recorder_cancel(), or a device error
 *
 * Returns: (transfer full): the recording, a 16 kHz mono 16-bit WAV file, or %NULL
 */
GBytes *
playtest_recorder_stop_finish (PlaytestRecorder  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (PLAYTEST_IS_RECORDER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == playtest_recorder_stop_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * playtest_recorder_cancel:
 * @self: a #PlaytestRecorder
 *
 * Throws the recording away (the user pressed Esc) and goes back to idle. A pending stop
 * finishes with %G_IO_ERROR_CANCELLED. Does nothing when idle.
 */
void
playtest_recorder_cancel (PlaytestRecorder *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PLAYTEST_IS_RECORDER (self));

  task = g_steal_pointer (&self->stop_task);
  recorder_teardown (self);
  g_clear_pointer (&self->pcm, playtest_pcm_collector_unref);
  recorder_set_duration_ms (self, 0);

  if (task != NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("The recording was cancelled."));
}

/**
 * playtest_recorder_get_recording:
 * @self: a #PlaytestRecorder
 *
 * Returns: whether the microphone is being recorded
 */
gboolean
playtest_recorder_get_recording (PlaytestRecorder *self)
{
  g_return_val_if_fail (PLAYTEST_IS_RECORDER (self), FALSE);

  return self->recording;
}

/**
 * playtest_recorder_get_duration_ms:
 * @self: a #PlaytestRecorder
 *
 * Returns: how long the current or last recording lasts, in milliseconds
 */
guint
playtest_recorder_get_duration_ms (PlaytestRecorder *self)
{
  g_return_val_if_fail (PLAYTEST_IS_RECORDER (self), 0);

  return self->duration_ms;
}

/**
 * playtest_recorder_get_level:
 * @self: a #PlaytestRecorder
 *
 * Returns: the microphone's loudness, 0 to 1, for a meter
 */
double
playtest_recorder_get_level (PlaytestRecorder *self)
{
  g_return_val_if_fail (PLAYTEST_IS_RECORDER (self), 0.0);

  return self->level;
}
