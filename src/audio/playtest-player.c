/* playtest-player.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gst/app/gstappsrc.h>
#include <gst/audio/audio.h>
#include <math.h>

#include "playtest-audio-device.h"
#include "playtest-player-private.h"
#include "playtest-wav.h"

/**
 * PlaytestPlayer:
 *
 * Plays a character's voice: whole WAV files, or a reply's audio streamed as a sequence of
 * small WAV files that are joined into one gapless stream.
 *
 * Every play (playtest_player_play_wav() or playtest_player_begin_stream()) ends with exactly
 * one of three signals: #PlaytestPlayer::finished when the audio has played to its end,
 * #PlaytestPlayer::stopped when playtest_player_stop() (or a new play) cut it short, or
 * #PlaytestPlayer::error when it could not be played. #PlaytestPlayer:playing is %FALSE by the
 * time any of them is emitted, so a handler may start the next play at once.
 *
 * Nothing here blocks the calling thread on GStreamer: state changes complete asynchronously
 * and all signals are emitted from a bus watch on the thread-default main context of the thread
 * that started the play (or synchronously from the call that ends it).
 */

#define POSITION_INTERVAL_MS 100
#define LEVEL_INTERVAL       (50 * GST_MSECOND)
/* How far ahead of the clock a chunk that arrives after the audio ran dry is scheduled. */
#define UNDERRUN_MARGIN      (20 * GST_MSECOND)

typedef enum
{
  MODE_IDLE,
  MODE_FILE,
  MODE_STREAM,
} Mode;

struct _PlaytestPlayer
{
  GObject       parent_instance;

  /* One pipeline per play; the elements below are borrowed from it. */
  GstElement   *pipeline;
  GstElement   *appsrc;
  GstElement   *capsfilter;
  GstElement   *volume;
  GstElement   *sink;
  GSource      *position_source;
  GSource      *level_source;
  GQueue        pending_levels;
  gboolean      watching_bus;

  Mode          mode;
  guint         started : 1;
  guint         playing : 1;
  guint         muted : 1;
  guint         stream_ended : 1;
  gint64        last_position_ms;
  double        last_level;

  /* Streaming: the format pushed into appsrc now, and where its run of frames began. */
  GstAudioInfo  chunk_info;
  gboolean      have_chunk_info;
  GstClockTime  run_pts;
  guint64       run_frames;
  guint         n_pushed;
  guint         n_skipped;

  /* Written once per play by the streaming thread, read after the pipeline went PLAYING. */
  gint64        first_buffer_time;
};

/* A `level` reading waiting for its audio to be heard. */
typedef struct
{
  GstClockTime running_time;
  double       level;
} PendingLevel;

G_DEFINE_FINAL_TYPE (PlaytestPlayer, playtest_player, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PLAYING,
  PROP_MUTED,
  N_PROPS
};

enum {
  SIGNAL_STARTED,
  SIGNAL_POSITION,
  SIGNAL_LEVEL,
  SIGNAL_FINISHED,
  SIGNAL_STOPPED,
  SIGNAL_ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_playing (PlaytestPlayer *self,
             gboolean        playing)
{
  if (self->playing == !!playing)
    return;
  self->playing = !!playing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

/* Timeouts go to the thread-default main context, like the bus watch. */
static GSource *
timeout_source_new (guint       interval_ms,
                    GSourceFunc func,
                    gpointer    data)
{
  GSource *source = g_timeout_source_new (interval_ms);

  g_source_set_callback (source, func, data, NULL);
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
}

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
emit_level (PlaytestPlayer *self,
            double          level)
{
  self->last_level = level;
  g_signal_emit (self, signals[SIGNAL_LEVEL], 0, level);
}

/* The running time now, or GST_CLOCK_TIME_NONE before the pipeline plays. */
static GstClockTime
running_time_now (PlaytestPlayer *self)
{
  g_autoptr(GstClock) clock = NULL;
  GstClockTime now;
  GstClockTime base;

  if (!self->started || (clock = gst_element_get_clock (self->pipeline)) == NULL)
    return GST_CLOCK_TIME_NONE;
  now = gst_clock_get_time (clock);
  base = gst_element_get_base_time (self->pipeline);
  return now > base ? now - base : 0;
}

/* How long after its running time a sample is heard. */
static GstClockTime
output_latency (PlaytestPlayer *self)
{
  GstClockTime latency = gst_pipeline_get_latency (GST_PIPELINE (self->pipeline));

  return GST_CLOCK_TIME_IS_VALID (latency) ? latency : 0;
}

static gboolean level_due_cb (gpointer data);

/* The level element measures audio as it passes, up to a whole chunk before it is heard;
 * a meter that stands in for lip-sync must move with the sound, so readings wait for their
 * running time. Of several readings due at once only the latest is emitted. */
static void
emit_due_levels (PlaytestPlayer *self)
{
  GstClockTime now = running_time_now (self);
  GstClockTime latency;
  PendingLevel *head;
  double level = -1;

  clear_source (&self->level_source);
  if (!GST_CLOCK_TIME_IS_VALID (now))
    return; /* not playing yet: on_state_changed() comes back here */

  latency = output_latency (self);
  while ((head = g_queue_peek_head (&self->pending_levels)) != NULL
         && head->running_time + latency <= now)
    {
      level = head->level;
      g_free (g_queue_pop_head (&self->pending_levels));
    }

  if (head != NULL)
    self->level_source = timeout_source_new ((head->running_time + latency - now) / GST_MSECOND
                                             + 1, level_due_cb, self);
  if (level >= 0)
    emit_level (self, level);
}

static gboolean
level_due_cb (gpointer data)
{
  g_autoptr(PlaytestPlayer) self = g_object_ref (PLAYTEST_PLAYER (data));

  emit_due_levels (self);
  return G_SOURCE_REMOVE;
}

static void
emit_position (PlaytestPlayer *self)
{
  gint64 position = 0;

  if (self->pipeline == NULL || !self->started
      || !gst_element_query_position (self->pipeline, GST_FORMAT_TIME, &position)
      || position < 0)
    return;

  if (position / GST_MSECOND == self->last_position_ms)
    return;
  self->last_position_ms = position / GST_MSECOND;
  g_signal_emit (self, signals[SIGNAL_POSITION], 0, self->last_position_ms);
}

static gboolean
position_cb (gpointer data)
{
  emit_position (PLAYTEST_PLAYER (data));
  return G_SOURCE_CONTINUE;
}

/* Drops the pipeline without emitting anything. */
static void
teardown (PlaytestPlayer *self)
{
  clear_source (&self->position_source);
  clear_source (&self->level_source);
  g_queue_clear_full (&self->pending_levels, g_free);

  if (self->pipeline != NULL)
    {
      g_autoptr(GstBus) bus = gst_element_get_bus (self->pipeline);

      if (self->watching_bus)
        gst_bus_remove_watch (bus);
      self->watching_bus = FALSE;
      /* Going to NULL joins the streaming threads; unlike waiting for an upward state change
       * (Parlatype's get_state) this never waits on the device or the data. */
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
    }
  gst_clear_object (&self->pipeline);
  self->appsrc = self->capsfilter = self->volume = self->sink = NULL;

  self->mode = MODE_IDLE;
  self->started = FALSE;
  self->stream_ended = FALSE;
  self->have_chunk_info = FALSE;
  self->run_pts = 0;
  self->run_frames = 0;
  self->n_pushed = 0;
  self->n_skipped = 0;
}

/* Ends the current play with one terminal signal (@error set means #PlaytestPlayer::error). */
static void
end_play (PlaytestPlayer *self,
          guint           signal_id,
          const GError   *error)
{
  g_autoptr(PlaytestPlayer) hold = g_object_ref (self);

  teardown (self);
  set_playing (self, FALSE);
  if (self->last_level > 0)
    emit_level (self, 0);

  if (error != NULL)
    g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
  else
    g_signal_emit (self, signal_id, 0);
}

static void
fail (PlaytestPlayer *self,
      GError         *error)
{
  g_autoptr(GError) owned = error;

  g_debug ("Playback failed: %s", error->message);
  end_play (self, 0, error);
}

/* The linear peak of the loudest channel, 0..1, from a `level` message, and when it is due. */
static gboolean
level_from_message (GstMessage   *message,
                    PendingLevel *pending)
{
  const GstStructure *s = gst_message_get_structure (message);
  const GValue *peak;
  double loudest = -G_MAXDOUBLE;

  if (s == NULL || !gst_structure_has_name (s, "level")
      || !gst_structure_get_uint64 (s, "running-time", &pending->running_time))
    return FALSE;
  peak = gst_structure_get_value (s, "peak");
  if (peak == NULL)
    return FALSE;

  /* The level element still posts GValueArrays, deprecated in GLib but its documented API. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  {
    GValueArray *channels = g_value_get_boxed (peak);

    for (guint i = 0; channels != NULL && i < channels->n_values; i++)
      loudest = MAX (loudest, g_value_get_double (&channels->values[i]));
  }
  G_GNUC_END_IGNORE_DEPRECATIONS

  pending->level = CLAMP (pow (10.0, loudest / 20.0), 0.0, 1.0);
  return TRUE;
}

static GError *
error_from_message (PlaytestPlayer *self,
                    GstMessage     *message)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;
  gboolean from_sink;

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("Error from %s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)),
           gst_error->message, debug);

  from_sink = self->sink != NULL
              && (GST_MESSAGE_SRC (message) == GST_OBJECT (self->sink)
                  || gst_object_has_as_ancestor (GST_MESSAGE_SRC (message),
                                                 GST_OBJECT (self->sink)));
  if (from_sink && gst_error->domain == GST_RESOURCE_ERROR)
    return g_error_new_literal (PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_NO_OUTPUT,
                                _("No sound output device was found."));

  return g_error_new (PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_BAD_AUDIO,
                      _("The audio could not be played: %s"), gst_error->message);
}

static void
on_state_changed (PlaytestPlayer *self,
                  GstMessage     *message)
{
  GstState new_state;

  if (GST_MESSAGE_SRC (message) != GST_OBJECT (self->pipeline))
    return;

  gst_message_parse_state_changed (message, NULL, &new_state, NULL);
  if (new_state != GST_STATE_PLAYING || self->started)
    return;

  self->started = TRUE;
  g_signal_emit (self, signals[SIGNAL_STARTED], 0);
  if (self->pipeline != NULL)
    emit_due_levels (self);
}

static void
on_level (PlaytestPlayer     *self,
          const PendingLevel *level)
{
  g_queue_push_tail (&self->pending_levels, g_memdup2 (level, sizeof *level));
  if (self->level_source == NULL)
    emit_due_levels (self);
}

static void
on_eos (PlaytestPlayer *self)
{
  /* A last reading, so the final position is the end and not up to 100 ms short of it. */
  emit_position (self);
  end_play (self, signals[SIGNAL_FINISHED], NULL);
}

static gboolean
bus_message_cb (GstBus     *bus,
                GstMessage *message,
                gpointer    data)
{
  g_autoptr(PlaytestPlayer) self = g_object_ref (PLAYTEST_PLAYER (data));
  PendingLevel level;

  if (self->pipeline == NULL)
    return G_SOURCE_CONTINUE;

  /* An if chain, not a switch: GstMessageType has dozens of values we do not care about. */
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    fail (self, error_from_message (self, message));
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
    on_eos (self);
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_STATE_CHANGED)
    on_state_changed (self, message);
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ELEMENT
           && level_from_message (message, &level))
    on_level (self, &level);

  return G_SOURCE_CONTINUE;
}

static GstPadProbeReturn
first_buffer_cb (GstPad          *pad,
                 GstPadProbeInfo *info,
                 gpointer         data)
{
  PlaytestPlayer *self = data;

  self->first_buffer_time = g_get_monotonic_time ();
  return GST_PAD_PROBE_REMOVE;
}

/* level in GStreamer 1.22 divides by the sample rate when EOS comes before any caps (wavparse
 * does that when it refuses a file) and hits a critical. Such an EOS means no audio came at
 * all: turn it into an error instead, so the play still ends (once: a second error for the
 * same play is never seen, the first one tears the pipeline down). */
static GstPadProbeReturn
eos_without_caps_cb (GstPad          *pad,
                     GstPadProbeInfo *info,
                     gpointer         data)
{
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  g_autoptr(GError) error = NULL;
  GstElement *level;

  if (GST_EVENT_TYPE (event) != GST_EVENT_EOS || gst_pad_has_current_caps (pad))
    return GST_PAD_PROBE_OK;

  level = GST_ELEMENT (gst_pad_get_parent (pad));
  error = g_error_new_literal (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
                               _("The audio holds no sound."));
  gst_element_post_message (level, gst_message_new_error (GST_OBJECT (level), error, NULL));
  gst_object_unref (level);
  return GST_PAD_PROBE_DROP;
}

static GstElement *
add_element (GstBin      *bin,
             const char  *factory,
             GError     **error)
{
  GstElement *element = playtest_audio_make_element (factory, NULL, error);

  if (element != NULL)
    gst_bin_add (bin, element);
  return element;
}

/* appsrc [! wavparse] ! audioconvert ! audioresample [! capsfilter] ! level ! volume ! sink */
static gboolean
build_pipeline (PlaytestPlayer  *self,
                gboolean         whole_file,
                GError         **error)
{
  g_autoptr(GstElement) pipeline = gst_object_ref_sink (gst_pipeline_new ("playtest-player"));
  GstBin *bin = GST_BIN (pipeline);
  GstElement *level;
  GstElement *chain[8];
  guint n = 0;

  if ((chain[n++] = self->appsrc = add_element (bin, "appsrc", error)) == NULL
      || (whole_file && (chain[n++] = add_element (bin, "wavparse", error)) == NULL)
      || (chain[n++] = add_element (bin, "audioconvert", error)) == NULL
      || (chain[n++] = add_element (bin, "audioresample", error)) == NULL
      || (!whole_file && (chain[n++] = self->capsfilter = add_element (bin, "capsfilter", error))
          == NULL)
      || (chain[n++] = level = add_element (bin, "level", error)) == NULL
      || (chain[n++] = self->volume = add_element (bin, "volume", error)) == NULL
      || (chain[n++] = self->sink = playtest_audio_device_make_sink (error)) == NULL)
    return FALSE;
  gst_bin_add (bin, self->sink);

  for (guint i = 0; i + 1 < n; i++)
    if (!gst_element_link (chain[i], chain[i + 1]))
      {
        g_set_error (error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_FAILED,
                     _("The audio pipeline could not be set up (%s cannot feed %s)."),
                     GST_OBJECT_NAME (chain[i]), GST_OBJECT_NAME (chain[i + 1]));
        return FALSE;
      }

  g_object_set (self->appsrc,
                "format", whole_file ? GST_FORMAT_BYTES : GST_FORMAT_TIME,
                "stream-type", GST_APP_STREAM_TYPE_STREAM,
                "max-bytes", (guint64) 0,
                NULL);
  g_object_set (level, "post-messages", TRUE, "interval", LEVEL_INTERVAL, NULL);
  {
    g_autoptr(GstPad) level_sink = gst_element_get_static_pad (level, "sink");

    gst_pad_add_probe (level_sink, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, eos_without_caps_cb,
                       NULL, NULL);
  }
  g_object_set (self->volume, "mute", (gboolean) self->muted, NULL);

  self->pipeline = g_steal_pointer (&pipeline);
  return TRUE;
}

/* The error a pipeline that refused to start left on its bus, or a generic one. */
static GError *
start_failure (PlaytestPlayer *self)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (self->pipeline);
  g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

  if (message != NULL)
    return error_from_message (self, message);
  return g_error_new_literal (PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_FAILED,
                              _("The audio could not be played."));
}

static gboolean
start_pipeline (PlaytestPlayer  *self,
                GError         **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (self->pipeline);
  g_autoptr(GstPad) sink_pad = gst_element_get_static_pad (self->sink, "sink");

  self->first_buffer_time = 0;
  if (sink_pad != NULL)
    gst_pad_add_probe (sink_pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                       first_buffer_cb, self, NULL);

  /* ASYNC is the normal answer: the bus tells when PLAYING is reached. */
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_propagate_error (error, start_failure (self));
      return FALSE;
    }

  /* The sink opened its device while going to READY, inside the call above. */
  if (playtest_audio_device_is_missing (self->sink))
    {
      playtest_audio_device_set_error (error, self->sink);
      return FALSE;
    }

  gst_bus_add_watch (bus, bus_message_cb, self);
  self->watching_bus = TRUE;
  self->position_source = timeout_source_new (POSITION_INTERVAL_MS, position_cb, self);
  return TRUE;
}

/* Stops whatever plays, then builds and starts a pipeline for a new play. */
static gboolean
begin_play (PlaytestPlayer *self,
            Mode            mode)
{
  g_autoptr(GError) error = NULL;

  playtest_player_stop (self);

  self->mode = mode;
  self->last_position_ms = -1;
  if (!build_pipeline (self, mode == MODE_FILE, &error) || !start_pipeline (self, &error))
    {
      fail (self, g_steal_pointer (&error));
      return FALSE;
    }
  set_playing (self, TRUE);
  return TRUE;
}

/**
 * playtest_player_play_wav:
 * @self: a #PlaytestPlayer
 * @wav: a WAV file
 *
 * Plays @wav, stopping whatever played before (which then emits #PlaytestPlayer::stopped).
 * The format comes from its RIFF header. Bytes that are not a WAV file with audio make
 * #PlaytestPlayer::error be emitted before this returns.
 */
void
playtest_player_play_wav (PlaytestPlayer *self,
                          GBytes         *wav)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstCaps) caps = NULL;

  g_return_if_fail (PLAYTEST_IS_PLAYER (self));
  g_return_if_fail (wav != NULL);

  /* wavparse would say little more than "internal data stream error" about junk. */
  if (!playtest_wav_parse_bytes (wav, NULL, &error))
    {
      playtest_player_stop (self);
      fail (self, g_error_new (PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_BAD_AUDIO,
                               _("The audio could not be played: %s"), error->message));
      return;
    }

  if (!begin_play (self, MODE_FILE))
    return;

  g_object_set (self->appsrc, "size", (gint64) g_bytes_get_size (wav), NULL);
  caps = gst_caps_new_empty_simple ("audio/x-wav");
  gst_app_src_set_caps (GST_APP_SRC (self->appsrc), caps);
  gst_app_src_push_buffer (GST_APP_SRC (self->appsrc), gst_buffer_new_wrapped_bytes (wav));
  gst_app_src_end_of_stream (GST_APP_SRC (self->appsrc));
}

/**
 * playtest_player_begin_stream:
 * @self: a #PlaytestPlayer
 *
 * Starts playing a reply whose audio arrives in pieces: hand them over with
 * playtest_player_push_chunk() as they arrive and finish with playtest_player_end_stream().
 * Whatever played before stops (and emits #PlaytestPlayer::stopped).
 */
void
playtest_player_begin_stream (PlaytestPlayer *self)
{
  g_return_if_fail (PLAYTEST_IS_PLAYER (self));

  begin_play (self, MODE_STREAM);
}

/* The raw audio format of a chunk; FALSE for compressed formats, which are skipped. */
static gboolean
chunk_audio_info (const PlaytestWavInfo *wav,
                  GstAudioInfo          *info)
{
  GstAudioFormat format = GST_AUDIO_FORMAT_UNKNOWN;

  if (wav->format_tag == 1)
    format = gst_audio_format_build_integer (wav->bits_per_sample > 8, G_LITTLE_ENDIAN,
                                             wav->bits_per_sample, wav->bits_per_sample);
  else if (wav->format_tag == 3 && wav->bits_per_sample == 32)
    format = GST_AUDIO_FORMAT_F32LE;
  else if (wav->format_tag == 3 && wav->bits_per_sample == 64)
    format = GST_AUDIO_FORMAT_F64LE;

  if (format == GST_AUDIO_FORMAT_UNKNOWN || wav->channels > 64)
    return FALSE;

  gst_audio_info_set_format (info, format, wav->sample_rate, wav->channels, NULL);
  return TRUE;
}

/* Makes @info the format pushed from now on. The first chunk's format is also the output's:
 * later chunks in another format are converted to it by audioconvert/audioresample. */
static void
set_chunk_format (PlaytestPlayer     *self,
                  const GstAudioInfo *info)
{
  g_autoptr(GstCaps) caps = gst_audio_info_to_caps (info);

  if (!self->have_chunk_info)
    {
      g_autoptr(GstCaps) out = gst_caps_new_simple ("audio/x-raw",
                                                    "rate", G_TYPE_INT, info->rate,
                                                    "channels", G_TYPE_INT, info->channels,
                                                    NULL);
      g_object_set (self->capsfilter, "caps", out, NULL);
    }
  else
    {
      g_debug ("Stream chunk %u changes the format to %d Hz, %d channels: converting",
               self->n_pushed + 1, info->rate, info->channels);
      self->run_pts += gst_util_uint64_scale (self->run_frames, GST_SECOND,
                                              self->chunk_info.rate);
      self->run_frames = 0;
    }

  gst_app_src_set_caps (GST_APP_SRC (self->appsrc), caps);
  self->chunk_info = *info;
  self->have_chunk_info = TRUE;
}

/* Timestamps follow each other frame by frame, so joins are sample-exact. When a chunk arrives
 * after the previous ones have already played out, it is moved to "now" instead: the audio
 * sink would otherwise drop it as late. */
static GstClockTime
next_chunk_pts (PlaytestPlayer *self,
                gboolean       *discont)
{
  GstClockTime pts = self->run_pts + gst_util_uint64_scale (self->run_frames, GST_SECOND,
                                                            self->chunk_info.rate);
  GstClockTime now = running_time_now (self);
  GstClockTime latency = output_latency (self);

  *discont = FALSE;
  if (GST_CLOCK_TIME_IS_VALID (now) && pts + latency < now + UNDERRUN_MARGIN)
    {
      g_debug ("Stream ran dry for %" GST_TIME_FORMAT ": chunk %u starts late",
               GST_TIME_ARGS (now - MIN (now, pts + latency)), self->n_pushed + 1);
      self->run_pts = pts = now + UNDERRUN_MARGIN - MIN (now + UNDERRUN_MARGIN, latency);
      self->run_frames = 0;
      *discont = TRUE;
    }
  return pts;
}

static void
push_pcm (PlaytestPlayer        *self,
          GBytes                *wav,
          const PlaytestWavInfo *wav_info)
{
  g_autoptr(GBytes) pcm = g_bytes_new_from_bytes (wav, wav_info->data_offset, wav_info->data_size);
  guint64 frames = wav_info->data_size / GST_AUDIO_INFO_BPF (&self->chunk_info);
  GstBuffer *buffer = gst_buffer_new_wrapped_bytes (pcm);
  gboolean discont;

  GST_BUFFER_PTS (buffer) = next_chunk_pts (self, &discont);
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (frames, GST_SECOND,
                                                        self->chunk_info.rate);
  if (discont)
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);

  self->run_frames += frames;
  self->n_pushed++;
  gst_app_src_push_buffer (GST_APP_SRC (self->appsrc), buffer);
}

/**
 * playtest_player_push_chunk:
 * @self: a #PlaytestPlayer
 * @wav: one piece of a streamed reply: a WAV file of its own, with its own header
 *
 * Queues the audio of @wav right after the previous chunk's, so the pieces play as one
 * gapless stream. The first chunk's format is the stream's; a chunk in another PCM format is
 * converted to it. A chunk that is not a WAV file, holds no audio or is compressed is skipped
 * (logged at debug level). Chunks that arrive while no stream plays (after
 * playtest_player_stop(), say) are ignored.
 */
void
playtest_player_push_chunk (PlaytestPlayer *self,
                            GBytes         *wav)
{
  g_autoptr(GError) error = NULL;
  PlaytestWavInfo wav_info;
  GstAudioInfo info;

  g_return_if_fail (PLAYTEST_IS_PLAYER (self));
  g_return_if_fail (wav != NULL);

  if (self->mode != MODE_STREAM || self->stream_ended)
    {
      g_debug ("Ignoring an audio chunk: no stream is playing");
      return;
    }

  if (!playtest_wav_parse_bytes (wav, &wav_info, &error) || !chunk_audio_info (&wav_info, &info))
    {
      self->n_skipped++;
      g_debug ("Skipping stream chunk %u: %s", self->n_pushed + self->n_skipped,
               error != NULL ? error->message : "not PCM audio");
      return;
    }

  if (!self->have_chunk_info || !gst_audio_info_is_equal (&info, &self->chunk_info))
    set_chunk_format (self, &info);
  push_pcm (self, wav, &wav_info);
}

/**
 * playtest_player_end_stream:
 * @self: a #PlaytestPlayer
 *
 * Says that no more chunks will come. #PlaytestPlayer::finished follows once the queued audio
 * has played (at once if none came), or #PlaytestPlayer::error if every chunk was skipped.
 */
void
playtest_player_end_stream (PlaytestPlayer *self)
{
  g_return_if_fail (PLAYTEST_IS_PLAYER (self));

  if (self->mode != MODE_STREAM || self->stream_ended)
    return;

  self->stream_ended = TRUE;
  if (self->n_pushed == 0 && self->n_skipped > 0)
    fail (self, g_error_new_literal (PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_BAD_AUDIO,
                                     _("The reply’s audio could not be played.")));
  else if (self->n_pushed == 0)
    end_play (self, signals[SIGNAL_FINISHED], NULL);
  else
    gst_app_src_end_of_stream (GST_APP_SRC (self->appsrc));
}

/**
 * playtest_player_stop:
 * @self: a #PlaytestPlayer
 *
 * Stops playback at once. If something was playing, #PlaytestPlayer:playing is %FALSE and
 * #PlaytestPlayer::stopped has been emitted when this returns (#PlaytestPlayer::finished is
 * not). Stopping when nothing plays does nothing.
 */
void
playtest_player_stop (PlaytestPlayer *self)
{
  g_return_if_fail (PLAYTEST_IS_PLAYER (self));

  if (self->mode == MODE_IDLE)
    return;
  end_play (self, signals[SIGNAL_STOPPED], NULL);
}

/**
 * playtest_player_get_playing:
 * @self: a #PlaytestPlayer
 *
 * Returns: whether a play is under way (from its start until its terminal signal)
 */
gboolean
playtest_player_get_playing (PlaytestPlayer *self)
{
  g_return_val_if_fail (PLAYTEST_IS_PLAYER (self), FALSE);

  return self->playing;
}

/**
 * playtest_player_get_muted:
 * @self: a #PlaytestPlayer
 *
 * Returns: whether the output is silenced
 */
gboolean
playtest_player_get_muted (PlaytestPlayer *self)
{
  g_return_val_if_fail (PLAYTEST_IS_PLAYER (self), FALSE);

  return self->muted;
}

/**
 * playtest_player_set_muted:
 * @self: a #PlaytestPlayer
 * @muted: whether to silence the output
 *
 * Silences the output, now and for later plays. Playback goes on (positions and levels keep
 * coming, so a "speaking" meter still moves).
 */
void
playtest_player_set_muted (PlaytestPlayer *self,
                           gboolean        muted)
{
  g_return_if_fail (PLAYTEST_IS_PLAYER (self));

  if (self->muted == !!muted)
    return;
  self->muted = !!muted;
  if (self->volume != NULL)
    g_object_set (self->volume, "mute", (gboolean) self->muted, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
}

/*< private >
 * playtest_player_get_first_buffer_time:
 * @self: a #PlaytestPlayer
 *
 * For the benchmark: the monotonic time (g_get_monotonic_time()) at which the current play's
 * first buffer reached the sink, or 0 if none has yet. Reliable once
 * #PlaytestPlayer::started has been emitted.
 *
 * Returns: microseconds of the monotonic clock, or 0
 */
gint64
playtest_player_get_first_buffer_time (PlaytestPlayer *self)
{
  g_return_val_if_fail (PLAYTEST_IS_PLAYER (self), 0);

  return self->first_buffer_time;
}

/**
 * playtest_player_new:
 *
 * Returns: (transfer full): a new idle #PlaytestPlayer
 */
PlaytestPlayer *
playtest_player_new (void)
{
  return g_object_new (PLAYTEST_TYPE_PLAYER, NULL);
}

static void
playtest_player_dispose (GObject *object)
{
  teardown (PLAYTEST_PLAYER (object));

  G_OBJECT_CLASS (playtest_player_parent_class)->dispose (object);
}

static void
playtest_player_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PlaytestPlayer *self = PLAYTEST_PLAYER (object);

  switch (prop_id)
    {
    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;
    case PROP_MUTED:
      g_value_set_boolean (value, self->muted);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_player_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  PlaytestPlayer *self = PLAYTEST_PLAYER (object);

  switch (prop_id)
    {
    case PROP_MUTED:
      playtest_player_set_muted (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_player_class_init (PlaytestPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = playtest_player_dispose;
  object_class->get_property = playtest_player_get_property;
  object_class->set_property = playtest_player_set_property;

  gst_init (NULL, NULL);

  /**
   * PlaytestPlayer:playing:
   *
   * Whether a play is under way: %TRUE from playtest_player_play_wav() or
   * playtest_player_begin_stream() until the play's terminal signal.
   */
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PlaytestPlayer:muted:
   *
   * Whether the output is silenced.
   */
  properties[PROP_MUTED] =
    g_param_spec_boolean ("muted", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PlaytestPlayer::started:
   *
   * The audio has begun to play (the first buffer reached the output).
   */
  signals[SIGNAL_STARTED] =
    g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * PlaytestPlayer::position:
   * @position_ms: milliseconds played
   *
   * About ten times a second while playing, and once more at the end.
   */
  signals[SIGNAL_POSITION] =
    g_signal_new ("position", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  /**
   * PlaytestPlayer::level:
   * @level: peak of the loudest channel, linear, 0 (silence) to 1 (full scale)
   *
   * How loud the voice is, about twenty times a second, for a "speaking" meter; 0 once more
   * when a play ends. Measured before muting.
   */
  signals[SIGNAL_LEVEL] =
    g_signal_new ("level", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_DOUBLE);

  /**
   * PlaytestPlayer::finished:
   *
   * The audio played to its end; for a stream, after playtest_player_end_stream().
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * PlaytestPlayer::stopped:
   *
   * playtest_player_stop(), or a new play, cut the current play short. Emitted before the
   * call that stopped it returns.
   */
  signals[SIGNAL_STOPPED] =
    g_signal_new ("stopped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * PlaytestPlayer::error:
   * @error: a #PLAYTEST_AUDIO_ERROR with a user-facing message
   *
   * The play failed: bad audio (#PLAYTEST_AUDIO_ERROR_BAD_AUDIO), no output device
   * (#PLAYTEST_AUDIO_ERROR_NO_OUTPUT) or a missing plugin. The player stays usable.
   */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
playtest_player_init (PlaytestPlayer *self)
{
  self->last_position_ms = -1;
}
