/* test-wav.c: RIFF/WAVE header parsing and the voice-input check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "playtest-wav.h"

/* A WAV built chunk by chunk, so each test can describe exactly the header it needs. */

static void
put_le32 (GByteArray *wav,
          guint32     v)
{
  guint8 b[4] = { v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF, (v >> 24) & 0xFF };

  g_byte_array_append (wav, b, 4);
}

static void
put_le16 (GByteArray *wav,
          guint16     v)
{
  guint8 b[2] = { v & 0xFF, (v >> 8) & 0xFF };

  g_byte_array_append (wav, b, 2);
}

static GByteArray *
wav_begin (guint32 riff_size)
{
  GByteArray *wav = g_byte_array_new ();

  g_byte_array_append (wav, (const guint8 *) "RIFF", 4);
  put_le32 (wav, riff_size);
  g_byte_array_append (wav, (const guint8 *) "WAVE", 4);

  return wav;
}

/* A chunk whose header says @declared bytes and which holds @len bytes of @body, padded to
 * an even length as RIFF requires. */
static void
add_chunk (GByteArray *wav,
           const char *id,
           guint32     declared,
           const void *body,
           gsize       len)
{
  g_byte_array_append (wav, (const guint8 *) id, 4);
  put_le32 (wav, declared);
  if (len > 0)
    g_byte_array_append (wav, body, len);
  if (len % 2 == 1 && declared == len)
    g_byte_array_append (wav, (const guint8 *) "", 1);
}

static void
add_fmt (GByteArray *wav,
         guint16     tag,
         guint16     channels,
         guint32     rate,
         guint16     bits)
{
  guint16 align = channels * ((bits + 7) / 8);

  g_byte_array_append (wav, (const guint8 *) "fmt ", 4);
  put_le32 (wav, 16);
  put_le16 (wav, tag);
  put_le16 (wav, channels);
  put_le32 (wav, rate);
  put_le32 (wav, rate * align);
  put_le16 (wav, align);
  put_le16 (wav, bits);
}

/* WAVE_FORMAT_EXTENSIBLE with the sub-format GUID of plain format @subformat. */
static void
add_fmt_extensible (GByteArray *wav,
                    guint16     subformat,
                    guint16     channels,
                    guint32     rate,
                    guint16     bits,
                    gboolean    valid_guid)
{
  static const guint8 guid_tail[14] = {
    0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71
  };
  guint16 align = channels * ((bits + 7) / 8);

  g_byte_array_append (wav, (const guint8 *) "fmt ", 4);
  put_le32 (wav, 40);
  put_le16 (wav, 0xFFFE);
  put_le16 (wav, channels);
  put_le32 (wav, rate);
  put_le32 (wav, rate * align);
  put_le16 (wav, align);
  put_le16 (wav, bits);
  put_le16 (wav, 22);
  put_le16 (wav, bits);
  put_le32 (wav, channels == 1 ? 0x4 : 0x3);
  put_le16 (wav, subformat);
  if (valid_guid)
    g_byte_array_append (wav, guid_tail, sizeof guid_tail);
  else
    g_byte_array_append (wav, (const guint8 *) "not-a-real-guid", 14);
}

static GBytes *
wav_end (GByteArray *wav)
{
  return g_byte_array_free_to_bytes (wav);
}

/* RIFF, one plain fmt chunk, then a data chunk that declares @declared bytes and holds
 * @present bytes of non-silent samples. */
static GBytes *
simple_wav (guint16 tag,
            guint16 channels,
            guint32 rate,
            guint16 bits,
            guint32 declared,
            gsize   present)
{
  GByteArray *builder = wav_begin (36 + declared);
  g_autofree guint8 *samples = g_malloc (present + 1);

  memset (samples, 1, present + 1);
  add_fmt (builder, tag, channels, rate, bits);
  add_chunk (builder, "data", declared, samples, present);

  return wav_end (builder);
}

static GBytes *
make_tone (gsize n_frames,
           guint rate,
           guint channels)
{
  g_autofree gint16 *samples = g_new0 (gint16, n_frames * channels);

  for (gsize i = 0; i < n_frames * channels; i++)
    samples[i] = (gint16) ((i * 997) % 20000 - 10000);

  return playtest_wav_new_pcm16 (samples, n_frames, rate, channels);
}

static void
test_valid_mono_16k (void)
{
  g_autoptr(GBytes) wav = make_tone (16000, 16000, 1);
  g_autoptr(GError) error = NULL;
  PlaytestWavInfo info;

  g_assert_cmpuint (g_bytes_get_size (wav), ==, 44 + 32000);
  g_assert_true (playtest_wav_parse_bytes (wav, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.sample_rate, ==, 16000);
  g_assert_cmpuint (info.channels, ==, 1);
  g_assert_cmpuint (info.bits_per_sample, ==, 16);
  g_assert_cmpuint (info.format_tag, ==, 1);
  g_assert_cmpuint (info.data_offset, ==, 44);
  g_assert_cmpuint (info.data_size, ==, 32000);
  g_assert_false (info.truncated);
  g_assert_cmpuint (playtest_wav_info_get_duration_ms (&info), ==, 1000);

  memset (&info, 0, sizeof info);
  g_assert_true (playtest_wav_check_voice_input (wav, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.sample_rate, ==, 16000);
}

static void
test_new_pcm16_layout (void)
{
  const gint16 samples[] = { 1, -2, 0x1234, G_MININT16 };
  g_autoptr(GBytes) wav = playtest_wav_new_pcm16 (samples, 2, 22050, 2);
  const guint8 *d = g_bytes_get_data (wav, NULL);
  const guint8 expected_data[] = { 0x01, 0x00, 0xFE, 0xFF, 0x34, 0x12, 0x00, 0x80 };

  g_assert_cmpuint (g_bytes_get_size (wav), ==, 44 + 8);
  g_assert_cmpmem (d, 4, "RIFF", 4);
  g_assert_cmpuint (d[4] | d[5] << 8, ==, 36 + 8);
  g_assert_cmpmem (d + 8, 8, "WAVEfmt ", 8);
  g_assert_cmpuint (d[22], ==, 2);                      /* channels */
  g_assert_cmpuint (d[24] | d[25] << 8, ==, 22050);     /* rate */
  g_assert_cmpuint (d[32], ==, 4);                      /* block align */
  g_assert_cmpuint (d[34], ==, 16);                     /* bits */
  g_assert_cmpmem (d + 36, 4, "data", 4);
  g_assert_cmpmem (d + 44, 8, expected_data, sizeof expected_data);
}

static void
test_stereo_rejected (void)
{
  g_autoptr(GBytes) wav = make_tone (1600, 16000, 2);
  g_autoptr(GError) error = NULL;
  PlaytestWavInfo info;

  /* A fine WAV file ... */
  g_assert_true (playtest_wav_parse_bytes (wav, &info, NULL));
  g_assert_cmpuint (info.channels, ==, 2);

  /* ... but not what Convai takes as voice input. */
  g_assert_false (playtest_wav_check_voice_input (wav, NULL, &error));
  g_assert_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "mono"));
  g_assert_nonnull (strstr (error->message, "2 channels"));
}

static void
test_8bit_rejected (void)
{
  g_autoptr(GBytes) wav = simple_wav (1, 1, 8000, 8, 100, 100);
  g_autoptr(GError) error = NULL;
  PlaytestWavInfo info;

  g_assert_true (playtest_wav_parse_bytes (wav, &info, NULL));
  g_assert_cmpuint (info.bits_per_sample, ==, 8);
  g_assert_cmpuint (playtest_wav_info_get_duration_ms (&info), ==, 12);

  g_assert_false (playtest_wav_check_voice_input (wav, NULL, &error));
  g_assert_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "16 bits"));
}

static void
test_float_rejected (void)
{
  g_autoptr(GBytes) wav = simple_wav (3, 1, 16000, 32, 16, 16);
  g_autoptr(GError) error = NULL;
  PlaytestWavInfo info;

  g_assert_true (playtest_wav_parse_bytes (wav, &info, NULL));
  g_assert_cmpuint (info.format_tag, ==, 3);
  g_assert_false (playtest_wav_check_voice_input (wav, NULL, &error));
  g_assert_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "PCM"));
}

static void
test_header_only_rejected (void)
{
  g_autoptr(GBytes) wav = playtest_wav_new_pcm16 (NULL, 0, 16000, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) voice_error = NULL;

  g_assert_cmpuint (g_bytes_get_size (wav), ==, 44);
  g_assert_false (playtest_wav_parse_bytes (wav, NULL, &error));
  g_assert_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_NO_AUDIO);

  g_assert_false (playtest_wav_check_voice_input (wav, NULL, &voice_error));
  g_assert_error (voice_error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_NO_AUDIO);
  g_assert_nonnull (strstr (voice_error->message, "no sound"));
}

static void
test_empty_voice_rejected (void)
{
  GByteArray *builder = wav_begin (0xFFFFFFFF);
  g_autoptr(GBytes) streamed_header = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;

  /* A streaming writer's header with nothing after it. */
  add_fmt (builder, 1, 1, 16000, 16);
  add_chunk (builder, "data", 0xFFFFFFFF, NULL, 0);
  streamed_header = wav_end (builder);
  g_assert_cmpuint (g_bytes_get_size (streamed_header), ==, 44);
  g_assert_false (playtest_wav_check_voice_input (streamed_header, NULL, &error));
  g_assert_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_NO_AUDIO);

  g_clear_error (&error);
  g_assert_false (playtest_wav_check_voice_input (empty, NULL, &error));
  g_assert_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_NO_AUDIO);

  g_clear_error (&error);
  g_assert_false (playtest_wav_check_voice_input (NULL, NULL, &error));
  g_assert_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_NO_AUDIO);
}

static void
test_truncated (void)
{
  g_autoptr(GBytes) wav = simple_wav (1, 1, 16000, 16, 1000, 101);
  g_autoptr(GError) error = NULL;
  PlaytestWavInfo info;

  /* Whatever audio arrived is usable; half a frame is not counted. */
  g_assert_true (playtest_wav_parse_bytes (wav, &info, &error));
  g_assert_no_error (error);
  g_assert_true (info.truncated);
  g_assert_cmpuint (info.data_offset, ==, 44);
  g_assert_cmpuint (info.data_size, ==, 100);
  g_assert_true (playtest_wav_check_voice_input (wav, NULL, NULL));
}

static void
test_truncated_without_audio (void)
{
  g_autoptr(GBytes) wav = simple_wav (1, 1, 16000, 16, 1000, 1);
  g_autoptr(GBytes) cut_in_header = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) whole = make_tone (100, 16000, 1);

  g_assert_false (playtest_wav_parse_bytes (wav, NULL, &error));
  g_assert_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_TRUNCATED);

  /* Cut inside the fmt chunk. */
  g_clear_error (&error);
  cut_in_header = g_bytes_new_from_bytes (whole, 0, 30);
  g_assert_false (playtest_wav_parse_bytes (cut_in_header, NULL, &error));
  g_assert_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_TRUNCATED);

  /* Cut between fmt and data. */
  g_clear_error (&error);
  g_clear_pointer (&cut_in_header, g_bytes_unref);
  cut_in_header = g_bytes_new_from_bytes (whole, 0, 40);
  g_assert_false (playtest_wav_parse_bytes (cut_in_header, NULL, &error));
  g_assert_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_TRUNCATED);
}

static void
test_junk (void)
{
  const char *junks[] = {
    "",
    "RIFF",
    "hello, this is certainly not audio at all",
    "RIFF\x10\x00\x00\x00WAVX....",
    "<html><body>502 Bad Gateway</body></html>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (junks); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (junks[i], strlen (junks[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) voice_error = NULL;

      g_test_message ("junk %u", i);
      g_assert_false (playtest_wav_parse_bytes (bytes, NULL, &error));
      g_assert_nonnull (error);
      g_assert_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_NOT_RIFF);
      g_assert_false (playtest_wav_check_voice_input (bytes, NULL, &voice_error));
      g_assert_nonnull (voice_error);
    }
}

static void
test_bad_fmt (void)
{
  g_autoptr(GError) error = NULL;
  GByteArray *builder;
  g_autoptr(GBytes) no_fmt = NULL;
  g_autoptr(GBytes) short_fmt = NULL;
  g_autoptr(GBytes) zero_channels = NULL;

  builder = wav_begin (4 + 8 + 4);
  add_chunk (builder, "data", 4, "\1\0\2\0", 4);
  no_fmt = wav_end (builder);
  g_assert_false (playtest_wav_parse_bytes (no_fmt, NULL, &error));
  g_assert_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_UNSUPPORTED);

  g_clear_error (&error);
  builder = wav_begin (0);
  add_chunk (builder, "fmt ", 8, "\1\0\1\0\x80\x3e\0\0", 8);
  add_chunk (builder, "data", 4, "\1\0\2\0", 4);
  short_fmt = wav_end (builder);
  g_assert_false (playtest_wav_parse_bytes (short_fmt, NULL, &error));
  g_assert_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_UNSUPPORTED);

  g_clear_error (&error);
  builder = wav_begin (0);
  add_fmt (builder, 1, 0, 16000, 16);
  add_chunk (builder, "data", 4, "\1\0\2\0", 4);
  zero_channels = wav_end (builder);
  g_assert_false (playtest_wav_parse_bytes (zero_channels, NULL, &error));
  g_assert_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_UNSUPPORTED);
}

static void
test_extensible (void)
{
  guint8 samples[64] = { 0 };
  struct
  {
    guint16  subformat;
    gboolean valid_guid;
    guint    expected_tag;
    gboolean voice_ok;
  } cases[] = {
    { 1, TRUE, 1, TRUE },
    { 3, TRUE, 3, FALSE },
    { 1, FALSE, 0xFFFE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GByteArray *builder = wav_begin (0);
      g_autoptr(GBytes) wav = NULL;
      g_autoptr(GError) error = NULL;
      PlaytestWavInfo info;

      add_fmt_extensible (builder, cases[i].subformat, 1, 44100, 32, cases[i].valid_guid);
      add_chunk (builder, "data", sizeof samples, samples, sizeof samples);
      wav = wav_end (builder);

      g_assert_true (playtest_wav_parse_bytes (wav, &info, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (info.format_tag, ==, cases[i].expected_tag);
      g_assert_cmpuint (info.sample_rate, ==, 44100);
      g_assert_cmpuint (info.bits_per_sample, ==, 32);
      g_assert_cmpuint (info.data_offset, ==, 12 + 8 + 40 + 8);
      g_assert_cmpuint (info.data_size, ==, sizeof samples);
      g_assert_cmpint (playtest_wav_check_voice_input (wav, NULL, NULL), ==, cases[i].voice_ok);
    }
}

static void
test_list_chunk_and_padding (void)
{
  GByteArray *builder = wav_begin (0);
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(GError) error = NULL;
  PlaytestWavInfo info;
  const char *list = "INFOISFT\x05\x00\x00\x00Lavf\x00";
  guint8 samples[10] = { 1, 0, 2, 0, 3, 0, 4, 0, 5, 0 };

  /* An odd-sized chunk before fmt, a LIST chunk between fmt and data, a chunk after. */
  add_chunk (builder, "junk", 3, "abc", 3);
  add_fmt (builder, 1, 1, 22050, 16);
  add_chunk (builder, "LIST", 17, list, 17);
  add_chunk (builder, "data", sizeof samples, samples, sizeof samples);
  add_chunk (builder, "id3 ", 4, "ID3x", 4);
  wav = wav_end (builder);

  g_assert_true (playtest_wav_parse_bytes (wav, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.data_offset, ==, 12 + (8 + 4) + (8 + 16) + (8 + 18) + 8);
  g_assert_cmpuint (info.data_size, ==, sizeof samples);
  g_assert_false (info.truncated);
  g_assert_cmpmem ((const guint8 *) g_bytes_get_data (wav, NULL) + info.data_offset, 10,
                   samples, 10);
  g_assert_true (playtest_wav_check_voice_input (wav, NULL, NULL));
}

static void
test_data_before_fmt (void)
{
  GByteArray *builder = wav_begin (0);
  g_autoptr(GBytes) wav = NULL;
  PlaytestWavInfo info;

  add_chunk (builder, "data", 4, "\1\0\2\0", 4);
  add_fmt (builder, 1, 1, 8000, 16);
  wav = wav_end (builder);

  g_assert_true (playtest_wav_parse_bytes (wav, &info, NULL));
  g_assert_cmpuint (info.data_offset, ==, 20);
  g_assert_cmpuint (info.data_size, ==, 4);
  g_assert_cmpuint (info.sample_rate, ==, 8000);
}

static void
test_streamed_sizes (void)
{
  GByteArray *builder = wav_begin (0xFFFFFFFF);
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(GBytes) zeros = NULL;
  guint8 samples[2000] = { 0 };
  PlaytestWavInfo info;

  add_fmt (builder, 1, 1, 22050, 16);
  add_chunk (builder, "data", 0xFFFFFFFF, samples, sizeof samples);
  wav = wav_end (builder);

  g_assert_true (playtest_wav_parse_bytes (wav, &info, NULL));
  g_assert_cmpuint (info.data_size, ==, sizeof samples);
  g_assert_false (info.truncated);

  /* Some writers leave both sizes at 0 until the end, which never comes in a stream. */
  builder = wav_begin (0);
  add_fmt (builder, 1, 1, 22050, 16);
  add_chunk (builder, "data", 0, samples, sizeof samples);
  zeros = wav_end (builder);
  g_assert_true (playtest_wav_parse_bytes (zeros, &info, NULL));
  g_assert_cmpuint (info.data_size, ==, sizeof samples);
}

static GBytes *
tone_with_value (gint16 value,
                 gsize  n_frames,
                 guint  rate)
{
  g_autofree gint16 *samples = g_new (gint16, n_frames);

  for (gsize i = 0; i < n_frames; i++)
    samples[i] = value;

  return playtest_wav_new_pcm16 (samples, n_frames, rate, 1);
}

static void
test_join (void)
{
  g_autoptr(GPtrArray) chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GBytes) joined = NULL;
  PlaytestWavInfo info;
  const gint16 *pcm;
  guint skipped = 99;

  g_ptr_array_add (chunks, tone_with_value (100, 10, 22050));
  g_ptr_array_add (chunks, g_bytes_new_static ("junk", 4));
  g_ptr_array_add (chunks, tone_with_value (200, 5, 22050));
  g_ptr_array_add (chunks, tone_with_value (999, 7, 44100));     /* other rate: left out */
  g_ptr_array_add (chunks, tone_with_value (300, 3, 22050));

  joined = playtest_wav_join (chunks, &skipped);
  g_assert_nonnull (joined);
  g_assert_cmpuint (skipped, ==, 2);
  g_assert_true (playtest_wav_parse_bytes (joined, &info, NULL));
  g_assert_cmpuint (info.sample_rate, ==, 22050);
  g_assert_cmpuint (info.channels, ==, 1);
  g_assert_cmpuint (info.data_size, ==, (10 + 5 + 3) * 2);

  pcm = (const gint16 *) ((const guint8 *) g_bytes_get_data (joined, NULL) + info.data_offset);
  g_assert_cmpint (GINT16_FROM_LE (pcm[0]), ==, 100);
  g_assert_cmpint (GINT16_FROM_LE (pcm[10]), ==, 200);
  g_assert_cmpint (GINT16_FROM_LE (pcm[15]), ==, 300);
  g_assert_cmpint (GINT16_FROM_LE (pcm[17]), ==, 300);
}

static void
test_join_edge_cases (void)
{
  g_autoptr(GPtrArray) chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GBytes) joined = NULL;
  GBytes *only;
  guint skipped = 99;

  g_assert_null (playtest_wav_join (chunks, &skipped));
  g_assert_cmpuint (skipped, ==, 0);

  g_ptr_array_add (chunks, g_bytes_new_static ("junk", 4));
  g_assert_null (playtest_wav_join (chunks, &skipped));
  g_assert_cmpuint (skipped, ==, 1);

  only = tone_with_value (5, 100, 22050);
  g_ptr_array_add (chunks, only);
  joined = playtest_wav_join (chunks, NULL);
  g_assert_true (g_bytes_equal (joined, only));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wav/valid-mono-16k", test_valid_mono_16k);
  g_test_add_func ("/wav/new-pcm16-layout", test_new_pcm16_layout);
  g_test_add_func ("/wav/voice/stereo-rejected", test_stereo_rejected);
  g_test_add_func ("/wav/voice/8bit-rejected", test_8bit_rejected);
  g_test_add_func ("/wav/voice/float-rejected", test_float_rejected);
  g_test_add_func ("/wav/voice/header-only-rejected", test_header_only_rejected);
  g_test_add_func ("/wav/voice/empty-rejected", test_empty_voice_rejected);
  g_test_add_func ("/wav/truncated", test_truncated);
  g_test_add_func ("/wav/truncated-without-audio", test_truncated_without_audio);
  g_test_add_func ("/wav/junk", test_junk);
  g_test_add_func ("/wav/bad-fmt", test_bad_fmt);
  g_test_add_func ("/wav/extensible", test_extensible);
  g_test_add_func ("/wav/list-chunk-and-padding", test_list_chunk_and_padding);
  g_test_add_func ("/wav/data-before-fmt", test_data_before_fmt);
  g_test_add_func ("/wav/streamed-sizes", test_streamed_sizes);
  g_test_add_func ("/wav/join", test_join);
  g_test_add_func ("/wav/join-edge-cases", test_join_edge_cases);

  return g_test_run ();
}
