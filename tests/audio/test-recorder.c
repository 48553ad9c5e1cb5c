/* test-recorder.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The recorder against a live audiotestsrc (PLAYTEST_AUDIO=fake), and audio file conversion
 * of files made here: a 44.1 kHz stereo WAV, an Ogg Vorbis (or FLAC) file, junk.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <gst/gst.h>

#include "playtest-audio-convert.h"
#include "playtest-audio-device.h"
#include "playtest-recorder.h"
#include "playtest-wav.h"

/* Only against hangs: nothing here is expected to take more than a few seconds. */
#define HANG_GUARD_SECONDS 60

static char *tmp_dir;

static gboolean
hang_guard_cb (gpointer user_data)
{
  g_error ("%s: nothing happened for %d s", (const char *) user_data, HANG_GUARD_SECONDS);
  return G_SOURCE_REMOVE;
}

static guint
hang_guard_new (const char *what)
{
  return g_timeout_add_seconds (HANG_GUARD_SECONDS, hang_guard_cb, (gpointer) what);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  guint guard = hang_guard_new ("waiting for a result");

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
  return g_steal_pointer (slot);
}

static void
record_until (PlaytestRecorder *recorder,
              guint             duration_ms)
{
  guint guard = hang_guard_new ("recording");

  while (playtest_recorder_get_duration_ms (recorder) < duration_ms)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
}

/* The recorder fails the test if it reports an error nobody expected. */
static void
unexpected_error_cb (PlaytestRecorder *recorder,
                     const GError     *error,
                     gpointer          user_data)
{
  g_assert_no_error (error);
}

static PlaytestRecorder *
recorder_new (void)
{
  PlaytestRecorder *recorder = playtest_recorder_new ();

  g_signal_connect (recorder, "error", G_CALLBACK (unexpected_error_cb), NULL);
  return recorder;
}

static GBytes *
stop_recording (PlaytestRecorder  *recorder,
                GError           **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  playtest_recorder_stop_async (recorder, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  return playtest_recorder_stop_finish (recorder, result, error);
}

/* The loudest sample of a 16-bit WAV: 0 for silence. */
static guint
peak_of (GBytes                *wav,
         const PlaytestWavInfo *info)
{
  const guint8 *data = (const guint8 *) g_bytes_get_data (wav, NULL) + info->data_offset;
  guint peak = 0;

  for (gsize i = 0; i + 1 < info->data_size; i += 2)
    {
      gint16 sample = (gint16) (data[i] | (data[i + 1] << 8));

      peak = MAX (peak, (guint) ABS ((int) sample));
    }
  return peak;
}

static void
assert_voice_wav (GBytes          *wav,
                  PlaytestWavInfo *info)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (wav);
  g_assert_true (playtest_wav_parse_bytes (wav, info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info->sample_rate, ==, 16000);
  g_assert_cmpuint (info->channels, ==, 1);
  g_assert_cmpuint (info->bits_per_sample, ==, 16);
  g_assert_cmpuint (info->format_tag, ==, 1);
  g_assert_false (info->truncated);
  g_assert_true (playtest_wav_check_voice_input (wav, NULL, &error));
  g_assert_no_error (error);
}

typedef struct
{
  guint  n_duration_notifies;
  guint  n_recording_notifies;
  double loudest_level;
} Notifies;

static void
notify_cb (PlaytestRecorder *recorder,
           GParamSpec       *pspec,
           Notifies         *notifies)
{
  if (g_str_equal (pspec->name, "duration-ms"))
    notifies->n_duration_notifies++;
  else if (g_str_equal (pspec->name, "recording"))
    notifies->n_recording_notifies++;
  else if (g_str_equal (pspec->name, "level"))
    notifies->loudest_level = MAX (notifies->loudest_level,
                                   playtest_recorder_get_level (recorder));
}

static void
test_recorder_records_wav (void)
{
  g_autoptr(PlaytestRecorder) recorder = recorder_new ();
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(GError) error = NULL;
  PlaytestWavInfo info;
  Notifies notifies = { 0 };
  guint duration_ms;

  g_signal_connect (recorder, "notify", G_CALLBACK (notify_cb), &notifies);

  g_assert_true (playtest_recorder_start (recorder, &error));
  g_assert_no_error (error);
  g_assert_true (playtest_recorder_get_recording (recorder));

  record_until (recorder, 1000);
  /* It told the UI as it went, not only at the end. */
  g_assert_cmpuint (notifies.n_duration_notifies, >=, 2);
  g_assert_cmpfloat (notifies.loudest_level, >, 0.5);
  g_assert_cmpfloat (notifies.loudest_level, <=, 1.0);

  wav = stop_recording (recorder, &error);
  g_assert_no_error (error);
  g_assert_false (playtest_recorder_get_recording (recorder));
  g_assert_cmpfloat (playtest_recorder_get_level (recorder), ==, 0.0);
  g_assert_cmpuint (notifies.n_recording_notifies, ==, 2);

  assert_voice_wav (wav, &info);
  duration_ms = playtest_wav_info_get_duration_ms (&info);
  g_test_message ("recorded %u ms", duration_ms);
  g_assert_cmpuint (duration_ms, >=, 800);
  g_assert_cmpuint (duration_ms, <=, 3000);
  g_assert_cmpuint (playtest_recorder_get_duration_ms (recorder), ==, duration_ms);
  /* audiotestsrc's sine at its default volume, not silence. */
  g_assert_cmpuint (peak_of (wav, &info), >, 10000);

  g_assert_finalize_object (g_steal_pointer (&recorder));
}

static void
test_recorder_too_short (void)
{
  g_autoptr(PlaytestRecorder) recorder = recorder_new ();
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (playtest_recorder_start (recorder, &error));
  g_assert_no_error (error);

  wav = stop_recording (recorder, &error);
  g_assert_null (wav);
  g_assert_error (error, PLAYTEST_RECORDER_ERROR, PLAYTEST_RECORDER_ERROR_TOO_SHORT);
  g_assert_cmpstr (error->message, ==, "The recording is too short to send.");
  g_assert_false (playtest_recorder_get_recording (recorder));
  g_assert_cmpuint (playtest_recorder_get_duration_ms (recorder), <=, 300);

  /* Idle again: a new recording can start. */
  g_clear_error (&error);
  g_assert_true (playtest_recorder_start (recorder, &error));
  g_assert_no_error (error);
  playtest_recorder_cancel (recorder);

  g_assert_finalize_object (g_steal_pointer (&recorder));
}

static void
test_recorder_cancel (void)
{
  g_autoptr(PlaytestRecorder) recorder = recorder_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  /* Cancel while recording: back to idle, nothing kept. */
  g_assert_true (playtest_recorder_start (recorder, &error));
  g_assert_no_error (error);
  record_until (recorder, 400);
  playtest_recorder_cancel (recorder);
  g_assert_false (playtest_recorder_get_recording (recorder));
  g_assert_cmpuint (playtest_recorder_get_duration_ms (recorder), ==, 0);

  /* Nothing to stop any more. */
  wav = stop_recording (recorder, &error);
  g_assert_null (wav);
  g_assert_error (error, PLAYTEST_RECORDER_ERROR, PLAYTEST_RECORDER_ERROR_NOT_RECORDING);
  g_clear_error (&error);

  /* Cancel while a stop is under way: the stop says it was cancelled. */
  g_assert_true (playtest_recorder_start (recorder, &error));
  g_assert_no_error (error);
  record_until (recorder, 400);
  playtest_recorder_stop_async (recorder, NULL, store_result_cb, &slot);
  playtest_recorder_cancel (recorder);
  result = wait_for_result (&slot);
  wav = playtest_recorder_stop_finish (recorder, result, &error);
  g_assert_null (wav);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (playtest_recorder_get_recording (recorder));
  g_clear_object (&result);

  /* Cancelling when idle is harmless. */
  playtest_recorder_cancel (recorder);

  g_assert_finalize_object (g_steal_pointer (&recorder));
}

static void
test_recorder_start_twice (void)
{
  g_autoptr(PlaytestRecorder) recorder = recorder_new ();
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(GError) error = NULL;
  PlaytestWavInfo info;

  g_assert_true (playtest_recorder_start (recorder, &error));
  g_assert_no_error (error);

  g_assert_false (playtest_recorder_start (recorder, &error));
  g_assert_error (error, PLAYTEST_RECORDER_ERROR, PLAYTEST_RECORDER_ERROR_BUSY);
  g_clear_error (&error);

  /* The first recording goes on unharmed. */
  g_assert_true (playtest_recorder_get_recording (recorder));
  record_until (recorder, 500);
  wav = stop_recording (recorder, &error);
  g_assert_no_error (error);
  assert_voice_wav (wav, &info);

  g_assert_finalize_object (g_steal_pointer (&recorder));
}

static void
test_recorder_no_device (void)
{
  g_autoptr(PlaytestRecorder) recorder = recorder_new ();
  g_autoptr(GError) error = NULL;

  g_setenv ("PLAYTEST_AUDIO", "none", TRUE);
  g_assert_false (playtest_recorder_start (recorder, &error));
  g_setenv ("PLAYTEST_AUDIO", "fake", TRUE);

  g_assert_error (error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_NO_INPUT);
  g_assert_cmpstr (error->message, ==, "No microphone was found.");
  g_assert_false (playtest_recorder_get_recording (recorder));

  g_assert_finalize_object (g_steal_pointer (&recorder));
}

static GFile *
write_tmp_file (const char *name,
                GBytes     *contents)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (contents, &size);

  g_file_set_contents (path, data, (gssize) size, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static GBytes *
convert_file (GFile   *file,
              GError **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  playtest_audio_convert_file_async (file, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);
  return playtest_audio_convert_file_finish (result, error);
}

static void
assert_converted (GFile *file,
                  guint  expected_ms)
{
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(GError) error = NULL;
  PlaytestWavInfo info;
  guint duration_ms;

  wav = convert_file (file, &error);
  g_assert_no_error (error);
  assert_voice_wav (wav, &info);

  duration_ms = playtest_wav_info_get_duration_ms (&info);
  g_test_message ("converted to %u ms", duration_ms);
  g_assert_cmpuint (duration_ms, >=, expected_ms - 60);
  g_assert_cmpuint (duration_ms, <=, expected_ms + 60);
  g_assert_cmpuint (peak_of (wav, &info), >, 5000);
}

static void
test_convert_wav_stereo_44k (void)
{
  const gsize n_frames = 44100 * 3 / 2;
  g_autofree gint16 *samples = g_new (gint16, n_frames * 2);
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(GFile) file = NULL;

  for (gsize i = 0; i < n_frames; i++)
    {
      gint16 value = (gint16) (20000 * sin (2 * G_PI * 440 * (double) i / 44100));

      /* The right channel quieter but in phase: a downmix to mono must not cancel out. */
      samples[2 * i] = value;
      samples[2 * i + 1] = value / 2;
    }
  wav = playtest_wav_new_pcm16 (samples, n_frames, 44100, 2);
  file = write_tmp_file ("stereo-44k.wav", wav);

  assert_converted (file, 1500);
}

/* Encodes 1.5 s of a sine with whichever of Vorbis and FLAC is installed. */
static GFile *
make_compressed_file (void)
{
  const char *encoder = "vorbisenc ! oggmux";
  const char *name = "sine.ogg";
  g_autofree char *path = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autoptr(GstElementFactory) vorbis = gst_element_factory_find ("vorbisenc");
  g_autoptr(GstElementFactory) ogg = gst_element_factory_find ("oggmux");
  g_autoptr(GError) error = NULL;

  if (vorbis == NULL || ogg == NULL)
    {
      encoder = "flacenc";
      name = "sine.flac";
    }
  path = g_build_filename (tmp_dir, name, NULL);
  description = g_strdup_printf ("audiotestsrc num-buffers=150 samplesperbuffer=480 ! "
                                 "audio/x-raw,rate=48000,channels=2 ! audioconvert ! %s ! "
                                 "filesink location=\"%s\"", encoder, path);
  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);

  /* Test set-up only: waiting here does not stand for anything the app does. */
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, HANG_GUARD_SECONDS * GST_SECOND,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  return g_file_new_for_path (path);
}

static void
test_convert_compressed (void)
{
  g_autoptr(GFile) file = make_compressed_file ();

  assert_converted (file, 1500);
}

static void
test_convert_junk (void)
{
  g_autoptr(GBytes) junk = g_bytes_new_static ("This is not audio at all, only words. "
                                               "This is not audio at all, only words. ", 76);
  g_autoptr(GFile) file = write_tmp_file ("junk.bin", junk);
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/lost-voice.ogg");
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(GError) error = NULL;

  wav = convert_file (file, &error);
  g_assert_null (wav);
  g_assert_error (error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_BAD_AUDIO);
  g_assert_nonnull (strstr (error->message, "junk.bin"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  wav = convert_file (missing, &error);
  g_assert_null (wav);
  g_assert_error (error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_BAD_AUDIO);
  g_assert_nonnull (strstr (error->message, "lost-voice.ogg"));
  g_test_message ("%s", error->message);
}

static void
test_convert_cancelled (void)
{
  const gint16 samples[1600] = { 0 };
  g_autoptr(GBytes) wav = playtest_wav_new_pcm16 (samples, G_N_ELEMENTS (samples), 16000, 1);
  g_autoptr(GFile) file = write_tmp_file ("cancelled.wav", wav);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) converted = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  playtest_audio_convert_file_async (file, cancellable, store_result_cb, &slot);
  g_cancellable_cancel (cancellable);
  result = wait_for_result (&slot);
  converted = playtest_audio_convert_file_finish (result, &error);
  g_assert_null (converted);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
remove_tmp_dir (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tmp_dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (tmp_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_assert_true (playtest_audio_use_fake_devices ());

  tmp_dir = g_dir_make_tmp ("playtest-test-recorder-XXXXXX", &error);
  g_assert_no_error (error);

  /* First, before any streaming thread exists: it changes the environment. */
  g_test_add_func ("/recorder/no-device", test_recorder_no_device);
  g_test_add_func ("/recorder/records-wav", test_recorder_records_wav);
  g_test_add_func ("/recorder/too-short", test_recorder_too_short);
  g_test_add_func ("/recorder/cancel", test_recorder_cancel);
  g_test_add_func ("/recorder/start-twice", test_recorder_start_twice);
  g_test_add_func ("/convert/wav-stereo-44k", test_convert_wav_stereo_44k);
  g_test_add_func ("/convert/compressed", test_convert_compressed);
  g_test_add_func ("/convert/junk", test_convert_junk);
  g_test_add_func ("/convert/cancelled", test_convert_cancelled);

  status = g_test_run ();
  remove_tmp_dir ();
  g_free (tmp_dir);
  return status;
}
