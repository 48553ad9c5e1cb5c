/* playtest-wav.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PLAYTEST_WAV_ERROR (playtest_wav_error_quark ())

typedef enum
{
  PLAYTEST_WAV_ERROR_NOT_RIFF,
  PLAYTEST_WAV_ERROR_UNSUPPORTED,
  PLAYTEST_WAV_ERROR_NO_AUDIO,
  PLAYTEST_WAV_ERROR_TRUNCATED,
} PlaytestWavError;

/**
 * PlaytestWavInfo:
 * @sample_rate: frames per second, from the `fmt ` chunk
 * @channels: number of interleaved channels
 * @bits_per_sample: sample depth in bits
 * @format_tag: 1 for integer PCM, 3 for IEEE float
 * @data_offset: byte offset of the first sample in the file
 * @data_size: bytes of sample data actually present, whole frames only
 * @truncated: whether the file ends before the size its `data` chunk declares
 *
 * What the RIFF header of a WAV file says, checked against the bytes that follow it.
 */
typedef struct
{
  guint    sample_rate;
  guint    channels;
  guint    bits_per_sample;
  guint    format_tag;
  gsize    data_offset;
  gsize    data_size;
  gboolean truncated;
} PlaytestWavInfo;

GQuark    playtest_wav_error_quark          (void);

gboolean  playtest_wav_parse                (const guint8     *data,
                                             gsize             size,
                                             PlaytestWavInfo  *info,
                                             GError          **error);
gboolean  playtest_wav_parse_bytes          (GBytes           *bytes,
                                             PlaytestWavInfo  *info,
                                             GError          **error);
gboolean  playtest_wav_check_voice_input    (GBytes           *bytes,
                                             PlaytestWavInfo  *info,
                                             GError          **error);
guint     playtest_wav_info_get_duration_ms (const PlaytestWavInfo *info);
GBytes   *playtest_wav_new_pcm16            (const gint16     *samples,
                                             gsize             n_frames,
                                             guint             sample_rate,
                                             guint             channels);
GBytes   *playtest_wav_join                 (GPtrArray        *chunks,
                                             guint            *n_skipped);

G_END_DECLS
