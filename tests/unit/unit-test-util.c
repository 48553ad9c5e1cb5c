/* unit-test-util.c: what several unit tests build or compare
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "playtest-wav.h"
#include "unit-test-util.h"

/**
 * unit_test_make_wav:
 * @n_frames: how many samples
 * @rate: the sample rate
 * @offset: added to every sample, so that two recordings of one length differ
 *
 * Returns: (transfer full): a mono 16-bit WAV holding a sawtooth
 */
GBytes *
unit_test_make_wav (gsize  n_frames,
                    guint  rate,
                    gint16 offset)
{
  g_autofree gint16 *samples = g_new (gint16, n_frames);

  for (gsize i = 0; i < n_frames; i++)
    samples[i] = offset + (gint16) ((i % 20) * 300);

  return playtest_wav_new_pcm16 (samples, n_frames, rate, 1);
}

/**
 * unit_test_assert_same_record:
 * @a: a turn's record
 * @b: the record it should equal, field by field
 */
void
unit_test_assert_same_record (const PlaytestTurnRecord *a,
                              const PlaytestTurnRecord *b)
{
  g_assert_cmpint (a->id, ==, b->id);
  g_assert_cmpstr (a->character_id, ==, b->character_id);
  g_assert_cmpstr (a->session_id, ==, b->session_id);
  g_assert_true (g_date_time_equal (a->sent_at, b->sent_at));
  g_assert_cmpint (a->state, ==, b->state);
  g_assert_cmpstr (a->user_text, ==, b->user_text);
  g_assert_cmpstr (a->user_audio_path, ==, b->user_audio_path);
  g_assert_cmpuint (a->user_audio_duration_ms, ==, b->user_audio_duration_ms);
  g_assert_cmpstr (a->reply_text, ==, b->reply_text);
  g_assert_cmpstr (a->user_query, ==, b->user_query);
  g_assert_cmpstr (a->emotion, ==, b->emotion);
  g_assert_cmpstr (a->action, ==, b->action);
  g_assert_cmpstrv (a->actions, b->actions);
  g_assert_cmpstr (a->narrative_section_id, ==, b->narrative_section_id);
  g_assert_cmpstr (a->reply_audio_path, ==, b->reply_audio_path);
  g_assert_cmpuint (a->reply_audio_duration_ms, ==, b->reply_audio_duration_ms);
  g_assert_cmpstr (a->reply_json, ==, b->reply_json);
  g_assert_cmpstrv (a->warnings, b->warnings);
  g_assert_cmpstr (a->request_description, ==, b->request_description);
  g_assert_cmpint (a->first_byte_ms, ==, b->first_byte_ms);
  g_assert_cmpint (a->first_audio_ms, ==, b->first_audio_ms);
  g_assert_cmpint (a->total_ms, ==, b->total_ms);
  g_assert_cmpint (a->error_code, ==, b->error_code);
  g_assert_cmpuint (a->error_status, ==, b->error_status);
  g_assert_cmpstr (a->error_message, ==, b->error_message);
  g_assert_cmpint (a->retry_after, ==, b->retry_after);
}
