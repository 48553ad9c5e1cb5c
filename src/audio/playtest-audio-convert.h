/* playtest-audio-convert.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void      playtest_audio_convert_file_async  (GFile                *file,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
GBytes   *playtest_audio_convert_file_finish (GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
