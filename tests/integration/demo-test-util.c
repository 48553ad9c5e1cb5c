/* demo-test-util.c: checks shared by the tests that talk to the demo backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "demo-test-util.h"
#include "playtest-wav.h"

/* A session id as the demo (and the live service) makes them: 32 hex digits. */
gboolean
demo_test_is_session_id (const char *id)
{
  if (id == NULL || strlen (id) != 32)
    return FALSE;

  for (const char *p = id; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;

  return TRUE;
}

/* A 16-bit WAV of a quiet hum; zero seconds gives a bare header. */
GBytes *
demo_test_make_wav (guint  rate,
                    guint  channels,
                    double seconds)
{
  gsize frames = (gsize)(rate * seconds);
  g_autofree gint16 *samples = g_new0 (gint16, MAX (frames * channels, 1));

  for (gsize i = 0; i < frames * channels; i++)
    samples[i] = (gint16)(8000 * sin (2 * G_PI * 220 * (i / channels) / rate));

  return playtest_wav_new_pcm16 (samples, frames, rate, channels);
}

/* A WAV a listener would hear: the format Convai sends, long enough, not silent. */
void
demo_test_assert_speech (GBytes *wav,
                         guint   min_ms)
{
  g_autoptr(GError) error = NULL;
  PlaytestWavInfo info;
  const gint16 *samples;
  double energy = 0;
  gsize n;

  g_assert_true (playtest_wav_parse_bytes (wav, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.sample_rate, ==, 22050);
  g_assert_cmpuint (info.channels, ==, 1);
  g_assert_cmpuint (info.bits_per_sample, ==, 16);
  g_assert_cmpuint (info.format_tag, ==, 1);
  g_assert_cmpuint (playtest_wav_info_get_duration_ms (&info), >=, min_ms);

  samples = (const gint16 *)((const guint8 *)g_bytes_get_data (wav, NULL) + info.data_offset);
  n = info.data_size / 2;
  g_assert_cmpuint (n, >, 0);
  for (gsize i = 0; i < n; i++)
    energy += (double)samples[i] * samples[i];
  g_assert_cmpfloat (sqrt (energy / n), >, 300.0);
}

/* Removes a folder and everything below it (symbolic links, not what they point to). */
void
demo_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        demo_test_remove_tree (child);
      else
        g_unlink (child);
    }

  g_rmdir (path);
}
