/* playtest-audio-convert-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gst/gst.h>

#include "playtest-audio-convert.h"

G_BEGIN_DECLS

/* What Convai wants as voice input: 16 kHz mono 16-bit PCM. */
#define PLAYTEST_VOICE_RATE 16000

/* PCM gathered by an appsink on its streaming thread and read on the main thread. */
typedef struct _PlaytestPcmCollector PlaytestPcmCollector;

PlaytestPcmCollector *playtest_pcm_collector_new          (void);
PlaytestPcmCollector *playtest_pcm_collector_ref          (PlaytestPcmCollector *self);
void                  playtest_pcm_collector_unref        (PlaytestPcmCollector *self);
gsize                 playtest_pcm_collector_get_n_frames (PlaytestPcmCollector *self);
guint                 playtest_pcm_collector_get_duration_ms (PlaytestPcmCollector *self);
GBytes               *playtest_pcm_collector_to_wav       (PlaytestPcmCollector *self);

GstElement           *playtest_audio_add_voice_chain      (GstBin               *bin,
                                                           GstElement           *tap,
                                                           PlaytestPcmCollector *pcm,
                                                           GError              **error);
GError               *playtest_audio_pop_bus_error        (GstElement           *pipeline);
GSource              *playtest_audio_watch_bus            (GstElement           *pipeline,
                                                           GstBusFunc            func,
                                                           gpointer              user_data,
                                                           GDestroyNotify        notify);
void                  playtest_audio_clear_source         (GSource             **source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlaytestPcmCollector, playtest_pcm_collector_unref)

G_END_DECLS
