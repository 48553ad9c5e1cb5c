/* playtest-audio-device.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define PLAYTEST_AUDIO_ERROR (playtest_audio_error_quark ())

/**
 * PlaytestAudioError:
 * @PLAYTEST_AUDIO_ERROR_NO_OUTPUT: no sound output device (or no sink element) was found
 * @PLAYTEST_AUDIO_ERROR_NO_INPUT: no microphone (or no source element) was found
 * @PLAYTEST_AUDIO_ERROR_MISSING_ELEMENT: a GStreamer element the pipeline needs is not installed
 * @PLAYTEST_AUDIO_ERROR_BAD_AUDIO: the audio given cannot be played (corrupt or unsupported WAV)
 * @PLAYTEST_AUDIO_ERROR_FAILED: any other playback or recording failure
 *
 * Errors of the audio layer. Their messages are user-facing.
 */
typedef enum
{
  PLAYTEST_AUDIO_ERROR_NO_OUTPUT,
  PLAYTEST_AUDIO_ERROR_NO_INPUT,
  PLAYTEST_AUDIO_ERROR_MISSING_ELEMENT,
  PLAYTEST_AUDIO_ERROR_BAD_AUDIO,
  PLAYTEST_AUDIO_ERROR_FAILED,
} PlaytestAudioError;

GQuark      playtest_audio_error_quark               (void);

gboolean    playtest_audio_use_fake_devices          (void);

GstElement *playtest_audio_device_make_sink          (GError **error);
GstElement *playtest_audio_device_make_source        (GError **error);

gboolean    playtest_audio_device_is_missing         (GstElement  *device);
void        playtest_audio_device_set_error          (GError     **error,
                                                      GstElement  *device);

GstElement *playtest_audio_make_element              (const char  *factory,
                                                      const char  *name,
                                                      GError     **error);

G_END_DECLS
