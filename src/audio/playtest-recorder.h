/* playtest-recorder.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PLAYTEST_RECORDER_ERROR (playtest_recorder_error_quark ())

/**
 * PlaytestRecorderError:
 * @PLAYTEST_RECORDER_ERROR_BUSY: a recording is already running or being finished
 * @PLAYTEST_RECORDER_ERROR_NOT_RECORDING: there is no recording to stop
 * @PLAYTEST_RECORDER_ERROR_TOO_SHORT: the recording lasts #PLAYTEST_RECORDER_MIN_DURATION_MS
 *   or less, too short to send
 *
 * Errors of the recorder's own making; device and pipeline failures are #PLAYTEST_AUDIO_ERROR.
 * Their messages are user-facing.
 */
typedef enum
{
  PLAYTEST_RECORDER_ERROR_BUSY,
  PLAYTEST_RECORDER_ERROR_NOT_RECORDING,
  PLAYTEST_RECORDER_ERROR_TOO_SHORT,
} PlaytestRecorderError;

/**
 * PLAYTEST_RECORDER_MIN_DURATION_MS:
 *
 * Recordings this long or shorter are refused rather than sent: a click, not speech.
 */
#define PLAYTEST_RECORDER_MIN_DURATION_MS 300

#define PLAYTEST_TYPE_RECORDER (playtest_recorder_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestRecorder, playtest_recorder, PLAYTEST, RECORDER, GObject)

GQuark            playtest_recorder_error_quark     (void);

PlaytestRecorder *playtest_recorder_new             (void);

gboolean          playtest_recorder_start           (PlaytestRecorder     *self,
                                                     GError              **error);
void              playtest_recorder_stop_async      (PlaytestRecorder     *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GBytes           *playtest_recorder_stop_finish     (PlaytestRecorder     *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void              playtest_recorder_cancel          (PlaytestRecorder     *self);

gboolean          playtest_recorder_get_recording   (PlaytestRecorder     *self);
guint             playtest_recorder_get_duration_ms (PlaytestRecorder     *self);
double            playtest_recorder_get_level       (PlaytestRecorder     *self);

G_END_DECLS
