/* playtest-cli-play.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "playtest-audio-device.h"
#include "playtest-cli-private.h"

/* `say --play`: the reply's audio on the default sound device, whole or as it streams in. A
 * machine without sound only costs a warning: the reply itself has been printed either way. */

static void
playback_done (PlaytestCliPlayback *playback,
               const GError        *error)
{
  playback->done = TRUE;
  if (error != NULL && playback->error == NULL)
    playback->error = g_error_copy (error);
  if (playback->loop != NULL)
    g_main_loop_quit (playback->loop);
}

static void
player_finished_cb (PlaytestPlayer      *player,
                    PlaytestCliPlayback *playback)
{
  playback_done (playback, NULL);
}

static void
player_error_cb (PlaytestPlayer      *player,
                 const GError        *error,
                 PlaytestCliPlayback *playback)
{
  playback_done (playback, error);
}

/**
 * playtest_cli_playback_init:
 * @playback: the playback
 *
 * Prepares @playback; nothing plays until a chunk or playtest_cli_playback_finish() comes.
 */
void
playtest_cli_playback_init (PlaytestCliPlayback *playback)
{
  *playback = (PlaytestCliPlayback) { 0 };
  playback->player = playtest_player_new ();
  g_signal_connect (playback->player, "finished", G_CALLBACK (player_finished_cb), playback);
  g_signal_connect (playback->player, "stopped", G_CALLBACK (player_finished_cb), playback);
  g_signal_connect (playback->player, "error", G_CALLBACK (player_error_cb), playback);
}

/**
 * playtest_cli_playback_clear:
 * @playback: the playback
 *
 * Stops whatever still plays (a reply that failed half-way) and frees what @playback holds.
 */
void
playtest_cli_playback_clear (PlaytestCliPlayback *playback)
{
  if (playback->player != NULL)
    {
      g_signal_handlers_disconnect_by_data (playback->player, playback);
      playtest_player_stop (playback->player);
    }
  g_clear_object (&playback->player);
  g_clear_pointer (&playback->loop, g_main_loop_unref);
  g_clear_error (&playback->error);
}

static void
audio_chunk_cb (PlaytestTurnRequest *request,
                GBytes              *wav,
                PlaytestCliPlayback *playback)
{
  if (!playback->streaming)
    {
      /* Started by the first chunk, so a reply without audio never opens the device. */
      playback->streaming = TRUE;
      playtest_player_begin_stream (playback->player);
    }

  if (!playback->done)
    playtest_player_push_chunk (playback->player, wav);
}

/**
 * playtest_cli_playback_follow:
 * @playback: the playback
 * @request: a streamed turn
 *
 * Plays @request's audio chunks as they arrive.
 */
void
playtest_cli_playback_follow (PlaytestCliPlayback *playback,
                              PlaytestTurnRequest *request)
{
  g_signal_connect (request, "audio-chunk", G_CALLBACK (audio_chunk_cb), playback);
}

static void
interrupted_cb (GCancellable        *cancellable,
                PlaytestCliPlayback *playback)
{
  /* Emits ::stopped, which ends the wait. */
  playtest_player_stop (playback->player);
}

/* Ctrl+C (or SIGTERM) stops the playback rather than killing the program mid-sound. */
static void
playback_wait (PlaytestCliPlayback *playback)
{
  g_auto(PlaytestCliWait) wait = { 0 };
  g_autoptr(GAsyncResult) none = NULL;

  if (playback->done)
    return;

  playtest_cli_wait_init (&wait);
  playback->loop = g_main_loop_ref (wait.loop);
  g_cancellable_connect (wait.cancellable, G_CALLBACK (interrupted_cb), playback, NULL);
  none = playtest_cli_wait_run (&wait);
}

/**
 * playtest_cli_playback_finish:
 * @playback: the playback
 * @audio: (nullable): the whole reply's audio, played if no chunk was streamed
 *
 * Lets the reply's audio play to its end, then warns on stderr if it could not be played.
 */
void
playtest_cli_playback_finish (PlaytestCliPlayback *playback,
                              GBytes              *audio)
{
  if (playback->streaming)
    playtest_player_end_stream (playback->player);
  else if (audio != NULL)
    playtest_player_play_wav (playback->player, audio);
  else
    return;

  playback_wait (playback);

  if (g_error_matches (playback->error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_NO_OUTPUT))
    playtest_cli_warning ("%s", _("No sound output device was found; the reply was not played."));
  else if (playback->error != NULL)
    playtest_cli_warning (_("The reply was not played: %s"), playback->error->message);
}
