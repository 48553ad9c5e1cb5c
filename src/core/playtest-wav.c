/* playtest-wav.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "playtest-wav.h"

#define WAV_HEADER_SIZE      44
#define FORMAT_PCM           1
#define FORMAT_IEEE_FLOAT    3
#define FORMAT_ALAW          6
#define FORMAT_MULAW         7
#define FORMAT_EXTENSIBLE    0xFFFE
#define SIZE_UNKNOWN         0xFFFFFFFFu

/* The tail of KSDATAFORMAT_SUBTYPE_* GUIDs: the first two bytes hold the plain format tag. */
static const guint8 ks_subformat_tail[14] = {
  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71
};

G_DEFINE_QUARK (playtest-wav-error-quark, playtest_wav_error)

static inline guint32
read_le32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static inline guint16
read_le16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static inline void
write_le32 (guint8  *p,
            guint32  v)
{
  p[0] = v & 0xFF;
  p[1] = (v >> 8) & 0xFF;
  p[2] = (v >> 16) & 0xFF;
  p[3] = (v >> 24) & 0xFF;
}

static inline void
write_le16 (guint8  *p,
            guint16  v)
{
  p[0] = v & 0xFF;
  p[1] = (v >> 8) & 0xFF;
}

/* Bytes per frame, or 0 when the format does not say (compressed formats). */
static gsize
frame_size (const PlaytestWavInfo *info)
{
  switch (info->format_tag)
    {
    case FORMAT_PCM:
    case FORMAT_IEEE_FLOAT:
    case FORMAT_ALAW:
    case FORMAT_MULAW:
      return (gsize) info->channels * ((info->bits_per_sample + 7) / 8);
    default:
      return 0;
    }
}

static gboolean
parse_fmt_chunk (const guint8     *chunk,
                 guint32           chunk_size,
                 PlaytestWavInfo  *info,
                 GError          **error)
{
  if (chunk_size < 16)
    {
      g_set_error_literal (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_UNSUPPORTED,
                           _("The WAV file has an invalid format description."));
      return FALSE;
    }

  info->format_tag = read_le16 (chunk);
  info->channels = read_le16 (chunk + 2);
  info->sample_rate = read_le32 (chunk + 4);
  info->bits_per_sample = read_le16 (chunk + 14);

  /* WAVE_FORMAT_EXTENSIBLE keeps the real format in the sub-format GUID. Unknown GUIDs keep
   * the extensible tag, which no caller treats as PCM. */
  if (info->format_tag == FORMAT_EXTENSIBLE && chunk_size >= 40 && read_le16 (chunk + 16) >= 22
      && memcmp (chunk + 26, ks_subformat_tail, sizeof ks_subformat_tail) == 0)
    info->format_tag = read_le16 (chunk + 24);

  if (info->channels == 0 || info->sample_rate == 0
      || ((info->format_tag == FORMAT_PCM || info->format_tag == FORMAT_IEEE_FLOAT)
          && info->bits_per_sample == 0))
    {
      g_set_error_literal (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_UNSUPPORTED,
                           _("The WAV file has an invalid format description."));
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  gboolean have_fmt;
  gboolean have_data;
  gboolean ran_out;       /* a chunk (header) reaches past the end of the bytes */
  guint32  declared_size; /* what the data chunk claims */
} ChunkWalk;

/* Records the data chunk at @body. Returns TRUE when the walk must stop here because the
 * chunk's end is unknown or lies beyond the bytes we have. */
static gboolean
take_data_chunk (gsize             body,
                 guint32           chunk_size,
                 gboolean          placeholder_sizes,
                 gsize             size,
                 PlaytestWavInfo  *info,
                 ChunkWalk        *walk)
{
  gsize available = size - body;

  walk->have_data = TRUE;
  walk->declared_size = chunk_size;
  info->data_offset = body;

  /* Streaming writers cannot know the size up front: they write 0xFFFFFFFF, or 0 in both
   * the RIFF and data sizes. Then the audio simply runs to the end of the bytes. */
  if (chunk_size == SIZE_UNKNOWN || (chunk_size == 0 && placeholder_sizes))
    {
      info->data_size = available;
      return TRUE;
    }

  if (chunk_size > available)
    {
      info->data_size = available;
      info->truncated = TRUE;
      return TRUE;
    }

  info->data_size = chunk_size;
  return FALSE;
}

static gboolean
walk_chunks (const guint8     *data,
             gsize             size,
             PlaytestWavInfo  *info,
             ChunkWalk        *walk,
             GError          **error)
{
  guint32 riff_size = read_le32 (data + 4);
  gboolean placeholder_sizes = riff_size == 0 || riff_size == SIZE_UNKNOWN;
  guint64 offset = 12;

  while (offset + 8 <= size && !(walk->have_fmt && walk->have_data))
    {
      const guint8 *chunk = data + offset;
      guint32 chunk_size = read_le32 (chunk + 4);
      gsize body = offset + 8;

      if (memcmp (chunk, "data", 4) == 0 && !walk->have_data)
        {
          if (take_data_chunk (body, chunk_size, placeholder_sizes, size, info, walk))
            break;
        }
      else if (memcmp (chunk, "fmt ", 4) == 0 && !walk->have_fmt)
        {
          if (chunk_size > size - body)
            {
              walk->ran_out = TRUE;
              break;
            }
          if (!parse_fmt_chunk (chunk + 8, chunk_size, info, error))
            return FALSE;
          walk->have_fmt = TRUE;
        }
      else if (chunk_size == SIZE_UNKNOWN)
        {
          /* An unknown chunk of unknown length: nothing after it can be found. */
          walk->ran_out = TRUE;
          break;
        }

      /* Chunks are padded to an even length; the pad byte is not counted in the size. */
      offset = (guint64) body + chunk_size + (chunk_size & 1);
    }

  if (!(walk->have_fmt && walk->have_data) && offset != size)
    walk->ran_out = TRUE;

  return TRUE;
}

static gboolean
check_walk (const PlaytestWavInfo  *info,
            const ChunkWalk        *walk,
            GError                **error)
{
  if (!walk->have_fmt && walk->ran_out)
    {
      g_set_error_literal (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_TRUNCATED,
                           _("The WAV file is cut off before its format description."));
      return FALSE;
    }
  if (!walk->have_fmt)
    {
      g_set_error_literal (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_UNSUPPORTED,
                           _("The WAV file has no format description."));
      return FALSE;
    }
  if (info->data_size == 0 && (info->truncated || (!walk->have_data && walk->ran_out)))
    {
      g_set_error_literal (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_TRUNCATED,
                           _("The WAV file is cut off before its audio begins."));
      return FALSE;
    }
  if (info->data_size == 0)
    {
      g_set_error_literal (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_NO_AUDIO,
                           _("The WAV file contains no audio."));
      return FALSE;
    }

  return TRUE;
}

/**
 * playtest_wav_parse:
 * @data: (array length=size): the bytes of a WAV file
 * @size: their length
 * @info: (out caller-allocates): what the header says
 * @error: return location for a #PLAYTEST_WAV_ERROR
 *
 * Reads a RIFF/WAVE header, walking its chunks: chunks other than `fmt ` and `data` (such as
 * `LIST`) are skipped, odd-sized chunks are padded, `WAVE_FORMAT_EXTENSIBLE` is resolved to its
 * sub-format. A `data` chunk that claims more bytes than there are is reported with the bytes
 * actually present (and @info->truncated set); it is an error only when no audio is left at
 * all. Sizes of 0xFFFFFFFF, as streaming writers produce, mean "up to the end".
 *
 * Returns: %TRUE if @data is a WAV file with some audio
 */
gboolean
playtest_wav_parse (const guint8     *data,
                    gsize             size,
                    PlaytestWavInfo  *info,
                    GError          **error)
{
  ChunkWalk walk = { 0 };
  PlaytestWavInfo parsed = { 0 };
  gsize frame;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (size < 12 || memcmp (data, "RIFF", 4) != 0 || memcmp (data + 8, "WAVE", 4) != 0)
    {
      g_set_error_literal (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_NOT_RIFF,
                           _("This is not a WAV file."));
      return FALSE;
    }

  if (!walk_chunks (data, size, &parsed, &walk, error))
    return FALSE;

  /* Half a frame cannot be played: count whole frames only. */
  frame = frame_size (&parsed);
  if (frame > 1 && walk.have_fmt)
    parsed.data_size -= parsed.data_size % frame;

  if (!check_walk (&parsed, &walk, error))
    return FALSE;

  if (info != NULL)
    *info = parsed;

  return TRUE;
}

/**
 * playtest_wav_parse_bytes:
 * @bytes: a WAV file
 * @info: (out caller-allocates) (optional): what the header says
 * @error: return location for a #PLAYTEST_WAV_ERROR
 *
 * playtest_wav_parse() on the contents of @bytes.
 *
 * Returns: %TRUE if @bytes is a WAV file with some audio
 */
gboolean
playtest_wav_parse_bytes (GBytes           *bytes,
                          PlaytestWavInfo  *info,
                          GError          **error)
{
  gsize size = 0;
  const guint8 *data;

  g_return_val_if_fail (bytes != NULL, FALSE);

  data = g_bytes_get_data (bytes, &size);
  if (data == NULL)
    data = (const guint8 *) "";

  return playtest_wav_parse (data, size, info, error);
}

/* What Convai accepts as voice input: integer PCM, mono, 16-bit or deeper. */
static gboolean
check_voice_format (const PlaytestWavInfo  *info,
                    GError                **error)
{
  if (info->format_tag != FORMAT_PCM)
    {
      g_set_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_UNSUPPORTED,
                   _("Voice input must be uncompressed integer PCM audio; this recording uses "
                     "WAV format %u."),
                   info->format_tag);
      return FALSE;
    }

  if (info->channels != 1)
    {
      g_set_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_UNSUPPORTED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Voice input must be mono; this recording has %u channel.",
                                "Voice input must be mono; this recording has %u channels.",
                                info->channels),
                   info->channels);
      return FALSE;
    }

  if (info->bits_per_sample < 16)
    {
      g_set_error (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_UNSUPPORTED,
                   _("Voice input must have 16 bits per sample or more; this recording has %u."),
                   info->bits_per_sample);
      return FALSE;
    }

  return TRUE;
}

/**
 * playtest_wav_check_voice_input:
 * @bytes: (nullable): a recording meant as voice input
 * @info: (out caller-allocates) (optional): what its header says
 * @error: return location for a #PLAYTEST_WAV_ERROR
 *
 * Checks what Convai needs from voice input: a WAV file of integer PCM, mono, 16-bit or
 * deeper, with at least some samples (the SDKs refuse files of 44 bytes or less, a bare
 * header). The error message tells the user what is wrong with the recording.
 *
 * Returns: %TRUE if @bytes may be sent as voice input
 */
gboolean
playtest_wav_check_voice_input (GBytes           *bytes,
                                PlaytestWavInfo  *info,
                                GError          **error)
{
  PlaytestWavInfo parsed = { 0 };
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      g_set_error_literal (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_NO_AUDIO,
                           _("The recording is empty."));
      return FALSE;
    }

  /* A bare header (44 bytes or less) is what a failed recording leaves behind: say so in
   * words about the recording rather than about the file format. */
  if (!playtest_wav_parse_bytes (bytes, &parsed, &local_error)
      && !g_error_matches (local_error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_NO_AUDIO))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (local_error != NULL || g_bytes_get_size (bytes) <= WAV_HEADER_SIZE)
    {
      g_set_error_literal (error, PLAYTEST_WAV_ERROR, PLAYTEST_WAV_ERROR_NO_AUDIO,
                           _("The recording holds no sound. Record a few words and try again."));
      return FALSE;
    }

  if (!check_voice_format (&parsed, error))
    return FALSE;

  if (info != NULL)
    *info = parsed;

  return TRUE;
}

/**
 * playtest_wav_info_get_duration_ms:
 * @info: a parsed header
 *
 * The length of the audio actually present, in milliseconds (rounded down).
 *
 * Returns: the duration, or 0 if the format does not allow computing it
 */
guint
playtest_wav_info_get_duration_ms (const PlaytestWavInfo *info)
{
  gsize frame;
  guint64 ms;

  g_return_val_if_fail (info != NULL, 0);

  frame = frame_size (info);
  if (frame == 0 || info->sample_rate == 0)
    return 0;

  ms = (guint64) (info->data_size / frame) * 1000 / info->sample_rate;

  return (guint) MIN (ms, G_MAXUINT);
}

static void
write_header (guint8  *header,
              guint    format_tag,
              guint    channels,
              guint    sample_rate,
              guint    bits_per_sample,
              guint32  data_size)
{
  guint block_align = channels * ((bits_per_sample + 7) / 8);

  memcpy (header, "RIFF", 4);
  write_le32 (header + 4, 36 + data_size);
  memcpy (header + 8, "WAVEfmt ", 8);
  write_le32 (header + 16, 16);
  write_le16 (header + 20, format_tag);
  write_le16 (header + 22, channels);
  write_le32 (header + 24, sample_rate);
  write_le32 (header + 28, (guint32) sample_rate * block_align);
  write_le16 (header + 32, block_align);
  write_le16 (header + 34, bits_per_sample);
  memcpy (header + 36, "data", 4);
  write_le32 (header + 40, data_size);
}

/**
 * playtest_wav_new_pcm16:
 * @samples: (array) (nullable): @n_frames × @channels interleaved samples, in host order
 * @n_frames: number of frames
 * @sample_rate: frames per second
 * @channels: number of channels
 *
 * Builds a WAV file (a canonical 44-byte header, then little-endian 16-bit PCM).
 *
 * Returns: (transfer full): the WAV file
 */
GBytes *
playtest_wav_new_pcm16 (const gint16 *samples,
                        gsize         n_frames,
                        guint         sample_rate,
                        guint         channels)
{
  gsize n_samples;
  gsize data_size;
  guint8 *wav;

  g_return_val_if_fail (samples != NULL || n_frames == 0, NULL);
  g_return_val_if_fail (channels > 0 && channels <= G_MAXUINT16, NULL);
  g_return_val_if_fail (sample_rate > 0, NULL);
  g_return_val_if_fail (n_frames <= (G_MAXUINT32 - WAV_HEADER_SIZE) / 2 / channels, NULL);

  n_samples = n_frames * channels;
  data_size = n_samples * 2;
  wav = g_malloc (WAV_HEADER_SIZE + data_size);
  write_header (wav, FORMAT_PCM, channels, sample_rate, 16, data_size);

  for (gsize i = 0; i < n_samples; i++)
    write_le16 (wav + WAV_HEADER_SIZE + 2 * i, (guint16) samples[i]);

  return g_bytes_new_take (wav, WAV_HEADER_SIZE + data_size);
}

static gboolean
same_format (const PlaytestWavInfo *a,
             const PlaytestWavInfo *b)
{
  return a->format_tag == b->format_tag && a->channels == b->channels
         && a->sample_rate == b->sample_rate && a->bits_per_sample == b->bits_per_sample;
}

/**
 * playtest_wav_join:
 * @chunks: (element-type GBytes): little WAV files, in playing order
 * @n_skipped: (out) (optional): how many chunks were left out
 *
 * Joins the audio of several WAV files into one, as a streamed reply delivers them: the
 * first usable chunk sets the format, and chunks that are not WAV or differ in format are
 * left out (counted in @n_skipped) rather than played at the wrong speed.
 *
 * Returns: (transfer full) (nullable): one WAV file, or %NULL if no chunk had audio
 */
GBytes *
playtest_wav_join (GPtrArray *chunks,
                   guint     *n_skipped)
{
  g_autoptr(GByteArray) out = NULL;
  PlaytestWavInfo first = { 0 };
  GBytes *only = NULL;
  guint skipped = 0;
  guint used = 0;

  g_return_val_if_fail (chunks != NULL, NULL);

  /* A reply that was not streamed has one chunk, already the whole file: no copy. */
  if (chunks->len == 1)
    {
      GBytes *chunk = g_ptr_array_index (chunks, 0);
      gboolean usable = chunk != NULL && playtest_wav_parse_bytes (chunk, &first, NULL);

      if (n_skipped != NULL)
        *n_skipped = usable ? 0 : 1;
      return usable ? g_bytes_ref (chunk) : NULL;
    }

  out = g_byte_array_sized_new (WAV_HEADER_SIZE);
  g_byte_array_set_size (out, WAV_HEADER_SIZE);

  for (guint i = 0; i < chunks->len; i++)
    {
      GBytes *chunk = g_ptr_array_index (chunks, i);
      PlaytestWavInfo info;

      if (chunk == NULL || !playtest_wav_parse_bytes (chunk, &info, NULL)
          || (used > 0 && !same_format (&first, &info))
          || out->len - WAV_HEADER_SIZE + info.data_size > G_MAXUINT32 - WAV_HEADER_SIZE)
        {
          skipped++;
          continue;
        }

      if (used++ == 0)
        {
          first = info;
          only = chunk;
        }
      g_byte_array_append (out, (const guint8 *) g_bytes_get_data (chunk, NULL) + info.data_offset,
                           info.data_size);
    }

  if (n_skipped != NULL)
    *n_skipped = skipped;

  if (used == 0)
    return NULL;
  if (used == 1)
    return g_bytes_ref (only);

  write_header (out->data, first.format_tag, first.channels, first.sample_rate,
                first.bits_per_sample, out->len - WAV_HEADER_SIZE);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
