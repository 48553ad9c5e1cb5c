/* playtest-demo-speech.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "playtest-demo-character.h"

G_BEGIN_DECLS

/* Demo speech is always 22050 Hz, mono, 16-bit: what Convai's voices send. */
#define PLAYTEST_DEMO_SPEECH_RATE 22050

/**
 * PlaytestDemoSpeechEngine:
 * @PLAYTEST_DEMO_SPEECH_AUTO: libespeak-ng when it works, else the synthetic voice
 * @PLAYTEST_DEMO_SPEECH_SYNTHETIC: always the synthetic voice-like signal
 *
 * Which engine speaks demo replies.
 */
typedef enum
{
  PLAYTEST_DEMO_SPEECH_AUTO,
  PLAYTEST_DEMO_SPEECH_SYNTHETIC,
} PlaytestDemoSpeechEngine;

gboolean  playtest_demo_speech_has_espeak        (void);
gboolean  playtest_demo_speech_has_voice         (const char               *espeak_voice);

GBytes   *playtest_demo_speech_synthesize        (const char               *text,
                                                  const PlaytestDemoVoice  *voice,
                                                  PlaytestDemoSpeechEngine  engine);
GBytes   *playtest_demo_speech_synthesize_synthetic
                                                 (const char               *text,
                                                  double                    base_hz);

void      playtest_demo_speech_synthesize_async  (const char               *text,
                                                  const PlaytestDemoVoice  *voice,
                                                  PlaytestDemoSpeechEngine  engine,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data);
GBytes   *playtest_demo_speech_synthesize_finish (GAsyncResult             *result,
                                                  GError                  **error);

G_END_DECLS
