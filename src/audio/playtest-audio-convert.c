/* playtest-audio-convert.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gst/app/gstappsink.h>
#include <gst/audio/audio.h>

#include "playtest-audio-convert-private.h"
#include "playtest-audio-device.h"
#include "playtest-wav.h"

struct _PlaytestPcmCollector
{
  /* The appsink appends on its streaming thread; the main thread reads. */
  GMutex      lock;
  GByteArray *data;
};

typedef struct
{
  GstElement           *pipeline;
  PlaytestPcmCollector *pcm;
  char                 *display_name;
  GSource              *bus_watch;
  GSource              *cancel_source;
} ConvertJob;

/**
 * playtest_pcm_collector_new: (skip)
 *
 * Makes an empty store for 16 kHz mono 16-bit samples, in host byte order.
 *
 * Returns: (transfer full): the collector
 */
PlaytestPcmCollector *
playtest_pcm_collector_new (void)
{
  PlaytestPcmCollector *self = g_atomic_rc_box_new0 (PlaytestPcmCollector);

  g_mutex_init (&self->lock);
  self->data = g_byte_array_new ();
  return self;
}

/**
 * playtest_pcm_collector_ref: (skip)
 * @self: a collector
 *
 * Returns: (transfer full): @self
 */
PlaytestPcmCollector *
playtest_pcm_collector_ref (PlaytestPcmCollector *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
pcm_collector_clear (gpointer data)
{
  PlaytestPcmCollector *self = data;

  g_mutex_clear (&self->lock);
  g_byte_array_unref (self->data);
}

/**
 * playtest_pcm_collector_unref: (skip)
 * @self: (transfer full): a collector
 */
void
playtest_pcm_collector_unref (PlaytestPcmCollector *self)
{
  g_atomic_rc_box_release_full (self, pcm_collector_clear);
}

/**
 * playtest_pcm_collector_get_n_frames: (skip)
 * @self: a collector
 *
 * Returns: how many frames (samples, as it is mono) it holds so far
 */
gsize
playtest_pcm_collector_get_n_frames (PlaytestPcmCollector *self)
{
  gsize n_frames;

  g_mutex_lock (&self->lock);
  n_frames = self->data->len / sizeof (gint16);
  g_mutex_unlock (&self->lock);
  return n_frames;
}

/**
 * playtest_pcm_collector_get_duration_ms: (skip)
 * @self: a collector
 *
 * Returns: how long the audio it holds so far lasts, in milliseconds
 */
guint
playtest_pcm_collector_get_duration_ms (PlaytestPcmCollector *self)
{
  return (guint) (playtest_pcm_collector_get_n_frames (self) * 1000 / PLAYTEST_VOICE_RATE);
}

/**
 * playtest_pcm_collector_to_wav: (skip)
 * @self: a collector
 *
 * Returns: (transfer full): what it holds as a 16 kHz mono 16-bit WAV file
 */
GBytes *
playtest_pcm_collector_to_wav (PlaytestPcmCollector *self)
{
  GBytes *wav;

  g_mutex_lock (&self->lock);
  wav = playtest_wav_new_pcm16 ((const gint16 *) (gpointer) self->data->data,
                                self->data->len / sizeof (gint16), PLAYTEST_VOICE_RATE, 1);
  g_mutex_unlock (&self->lock);
  return wav;
}

static GstFlowReturn
pcm_collector_new_sample_cb (GstAppSink *sink,
                             gpointer    user_data)
{
  PlaytestPcmCollector *self = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buffer = sample != NULL ? gst_sample_get_buffer (sample) : NULL;
  GstMapInfo map;

  if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_OK;

  g_mutex_lock (&self->lock);
  g_byte_array_append (self->data, map.data, (guint) map.size);
  g_mutex_unlock (&self->lock);

  gst_buffer_unmap (buffer, &map);
  return GST_FLOW_OK;
}

static GstCaps *
voice_caps_new (void)
{
  return gst_caps_new_simple ("audio/x-raw",
                              "format", G_TYPE_STRING, GST_AUDIO_NE (S16),
                              "layout", G_TYPE_STRING, "interleaved",
                              "rate", G_TYPE_INT, PLAYTEST_VOICE_RATE,
                              "channels", G_TYPE_INT, 1,
                              NULL);
}

static void
discard_elements (GstElement **elements,
                  guint        n_elements)
{
  for (guint i = 0; i < n_elements; i++)
    if (elements[i] != NULL)
      gst_object_unref (gst_object_ref_sink (elements[i]));
}

/**
 * playtest_audio_add_voice_chain: (skip)
 * @bin: the pipeline to add to
 * @tap: (transfer floating) (nullable): an element to put just before the sink, such as `level`
 * @pcm: where the converted samples go
 * @error: return location for a #PLAYTEST_AUDIO_ERROR
 *
 * Adds `audioconvert ! audioresample ! capsfilter [! tap] ! appsink` to @bin, the capsfilter
 * asking for 16 kHz mono 16-bit, the appsink filling @pcm.
 *
 * Returns: (transfer none) (nullable): the first element, to link the audio into
 */
GstElement *
playtest_audio_add_voice_chain (GstBin               *bin,
                                GstElement           *tap,
                                PlaytestPcmCollector *pcm,
                                GError              **error)
{
  static const char * const factories[] = { "audioconvert", "audioresample", "capsfilter" };
  static GstAppSinkCallbacks callbacks = { .new_sample = pcm_collector_new_sample_cb };
  GstElement *chain[5] = { NULL };
  guint n = 0;
  g_autoptr(GstCaps) caps = voice_caps_new ();

  for (guint i = 0; i < G_N_ELEMENTS (factories); i++)
    chain[n++] = playtest_audio_make_element (factories[i], NULL, error);
  if (tap != NULL)
    chain[n++] = tap;
  chain[n++] = playtest_audio_make_element ("appsink", NULL, error);

  for (guint i = 0; i < n; i++)
    if (chain[i] == NULL)
      {
        discard_elements (chain, n);
        return NULL;
      }

  g_object_set (chain[2], "caps", caps, NULL);
  /* The recorder's source is live and paces itself; a file should convert as fast as it can. */
  g_object_set (chain[n - 1], "sync", FALSE, "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (chain[n - 1]), &callbacks,
                              playtest_pcm_collector_ref (pcm),
                              (GDestroyNotify) playtest_pcm_collector_unref);

  for (guint i = 0; i < n; i++)
    gst_bin_add (bin, chain[i]);
  for (guint i = 0; i + 1 < n; i++)
    if (!gst_element_link (chain[i], chain[i + 1]))
      {
        g_set_error (error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_FAILED,
                     _("The audio could not be converted to 16 kHz mono (%s)."),
                     GST_OBJECT_NAME (chain[i + 1]));
        return NULL;
      }

  return chain[0];
}

/**
 * playtest_audio_pop_bus_error: (skip)
 * @pipeline: a pipeline
 *
 * Takes the first error message off @pipeline's bus, for when a state change failed at once.
 *
 * Returns: (transfer full) (nullable): GStreamer's error, or %NULL if none was posted
 */
GError *
playtest_audio_pop_bus_error (GstElement *pipeline)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  GError *error = NULL;

  if (message != NULL)
    gst_message_parse_error (message, &error, NULL);
  return error;
}

/**
 * playtest_audio_watch_bus: (skip)
 * @pipeline: a pipeline
 * @func: called with each message
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data when the watch goes
 *
 * Watches @pipeline's bus on the thread-default main context (not always the global one, so a
 * source id would not do: remove the watch with playtest_audio_clear_source()).
 *
 * Returns: (transfer full): the watch
 */
GSource *
playtest_audio_watch_bus (GstElement     *pipeline,
                          GstBusFunc      func,
                          gpointer        user_data,
                          GDestroyNotify  notify)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  GSource *source = gst_bus_create_watch (bus);

  g_source_set_callback (source, (GSourceFunc) func, user_data, notify);
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
}

/**
 * playtest_audio_clear_source: (skip)
 * @source: (inout) (nullable): a source to destroy and drop, or %NULL
 */
void
playtest_audio_clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
convert_job_stop (ConvertJob *job)
{
  playtest_audio_clear_source (&job->bus_watch);
  playtest_audio_clear_source (&job->cancel_source);
  if (job->pipeline != NULL)
    {
      /* Going to NULL only joins the streaming threads; it does not wait for data. */
      gst_element_set_state (job->pipeline, GST_STATE_NULL);
      g_clear_object (&job->pipeline);
    }
}

static void
convert_job_free (ConvertJob *job)
{
  convert_job_stop (job);
  g_clear_pointer (&job->pcm, playtest_pcm_collector_unref);
  g_free (job->display_name);
  g_free (job);
}

static void
convert_return_error (GTask        *task,
                      const GError *gst_error)
{
  ConvertJob *job = g_task_get_task_data (task);

  convert_job_stop (job);
  g_task_return_new_error (task, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_BAD_AUDIO,
                           _("“%s” could not be read as audio: %s"), job->display_name,
                           gst_error != NULL ? gst_error->message : _("unknown error"));
}

static gboolean
convert_bus_cb (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  GTask *task = user_data;
  ConvertJob *job = g_task_get_task_data (task);
  g_autoptr(GError) gst_error = NULL;

  switch ((int) GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (message, &gst_error, NULL);
      convert_return_error (task, gst_error);
      return G_SOURCE_REMOVE;

    case GST_MESSAGE_EOS:
      convert_job_stop (job);
      if (playtest_pcm_collector_get_n_frames (job->pcm) == 0)
        g_task_return_new_error (task, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_BAD_AUDIO,
                                 _("“%s” holds no audio."), job->display_name);
      else
        g_task_return_pointer (task, playtest_pcm_collector_to_wav (job->pcm),
                               (GDestroyNotify) g_bytes_unref);
      return G_SOURCE_REMOVE;

    default:
      return G_SOURCE_CONTINUE;
    }
}

static gboolean
convert_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  GTask *task = user_data;

  convert_job_stop (g_task_get_task_data (task));
  g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

/* Runs on a streaming thread: links the first audio stream the decoder finds, ignores others. */
static void
convert_pad_added_cb (GstElement *decoder,
                      GstPad     *pad,
                      gpointer    user_data)
{
  GstElement *head = user_data;
  g_autoptr(GstPad) sink_pad = gst_element_get_static_pad (head, "sink");
  g_autoptr(GstCaps) caps = gst_pad_query_caps (pad, NULL);
  GstStructure *structure = gst_caps_is_empty (caps) ? NULL : gst_caps_get_structure (caps, 0);

  if (structure == NULL || !g_str_has_prefix (gst_structure_get_name (structure), "audio/"))
    return;
  if (!gst_pad_is_linked (sink_pad))
    gst_pad_link (pad, sink_pad);
}

static gboolean
convert_job_build (ConvertJob  *job,
                   GFile       *file,
                   GError     **error)
{
  g_autofree char *uri = g_file_get_uri (file);
  GstElement *decoder = playtest_audio_make_element ("uridecodebin", NULL, error);
  GstElement *head;

  if (decoder == NULL)
    return FALSE;

  job->pipeline = gst_object_ref_sink (gst_pipeline_new ("playtest-convert"));
  g_object_set (decoder, "uri", uri, NULL);
  gst_bin_add (GST_BIN (job->pipeline), decoder);

  head = playtest_audio_add_voice_chain (GST_BIN (job->pipeline), NULL, job->pcm, error);
  if (head == NULL)
    return FALSE;

  g_signal_connect_object (decoder, "pad-added", G_CALLBACK (convert_pad_added_cb), head, 0);
  return TRUE;
}

static char *
file_display_name (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  return g_filename_display_name (basename != NULL ? basename : "");
}

/**
 * playtest_audio_convert_file_async:
 * @file: an audio file in any format GStreamer can decode (WAV, Ogg, FLAC, MP3…)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is converted
 * @user_data: data for @callback
 *
 * Decodes @file and converts it to what Convai takes as voice input: a 16 kHz mono 16-bit
 * WAV file, held in memory. Runs on the thread-default main context and never blocks it.
 */
void
playtest_audio_convert_file_async (GFile               *file,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  ConvertJob *job;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, playtest_audio_convert_file_async);

  job = g_new0 (ConvertJob, 1);
  job->pcm = playtest_pcm_collector_new ();
  job->display_name = file_display_name (file);
  g_task_set_task_data (task, job, (GDestroyNotify) convert_job_free);

  if (!convert_job_build (job, file, &error))
    {
      convert_job_stop (job);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The watch and the cancel source each hold the task until convert_job_stop() removes them. */
  job->bus_watch = playtest_audio_watch_bus (job->pipeline, convert_bus_cb, g_object_ref (task),
                                             g_object_unref);
  if (cancellable != NULL)
    {
      job->cancel_source = g_cancellable_source_new (cancellable);
      g_task_attach_source (task, job->cancel_source, G_SOURCE_FUNC (convert_cancelled_cb));
    }

  if (gst_element_set_state (job->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr(GError) gst_error = playtest_audio_pop_bus_error (job->pipeline);

      convert_return_error (task, gst_error);
    }
}

/**
 * playtest_audio_convert_file_finish:
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError: #PLAYTEST_AUDIO_ERROR_BAD_AUDIO (its message names
 *   the file) when the file cannot be decoded or holds no audio
 *
 * Returns: (transfer full): the 16 kHz mono 16-bit WAV file, or %NULL with @error set
 */
GBytes *
playtest_audio_convert_file_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        playtest_audio_convert_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
