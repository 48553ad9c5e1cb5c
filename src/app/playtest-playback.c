/* playtest-playback.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "playtest-playback.h"

struct _PlaytestPlayback
{
  GObject               parent_instance;

  GSettings            *settings;
  PlaytestPlayer       *player;
  PlaytestConversation *conversation;
  PlaytestTurn         *playing_turn;
  /* The turn whose chunks the player is streaming, until it completes. */
  PlaytestTurn         *stream_turn;
  /* Loading an old turn's audio file; cancelled by any newer play or stop. */
  GCancellable         *loading;
  /* A streamed turn whose play failed: its later chunks are not tried again. Only compared. */
  PlaytestTurn         *failed_stream_turn;
};

G_DEFINE_FINAL_TYPE (PlaytestPlayback, playtest_playback, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PLAYING_TURN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_playing_turn (PlaytestPlayback *self,
                  PlaytestTurn     *turn)
{
  if (g_set_object (&self->playing_turn, turn))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING_TURN]);
}

/* finished, stopped or error: whatever ended, no row plays any more. */
static void
play_ended_cb (PlaytestPlayback *self)
{
  g_clear_object (&self->stream_turn);
  set_playing_turn (self, NULL);
}

static void
play_error_cb (PlaytestPlayback *self)
{
  if (self->stream_turn != NULL)
    self->failed_stream_turn = self->stream_turn;
  play_ended_cb (self);
}

/* Cuts short whatever plays or loads, so that a new play starts from a clean state. */
static void
stop_all (PlaytestPlayback *self)
{
  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  playtest_player_stop (self->player);
  play_ended_cb (self);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PlaytestPlayback) self = user_data;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;
  g_autoptr(GBytes) wav = NULL;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Could not read the audio file: %s", error->message);
          g_clear_object (&self->loading);
          set_playing_turn (self, NULL);
        }
      return;
    }

  g_clear_object (&self->loading);
  wav = g_bytes_new_take (contents, length);
  playtest_player_play_wav (self->player, wav);
}

/* Plays @wav, or else the file at @path; @mark is the turn whose reply row shows it plays
 * (%NULL for the user's recording). */
static void
play_audio (PlaytestPlayback *self,
            PlaytestTurn     *mark,
            GBytes           *wav,
            const char       *path)
{
  stop_all (self);
  if (wav == NULL && path == NULL)
    return;

  /* Set before playing: a play that fails at once clears it again. */
  set_playing_turn (self, mark);
  if (wav != NULL)
    {
      playtest_player_play_wav (self->player, wav);
    }
  else
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);

      self->loading = g_cancellable_new ();
      g_file_load_contents_async (file, self->loading, load_cb, g_object_ref (self));
    }
}

/* Turns ------------------------------------------------------------------------------------ */

static gboolean
auto_play (PlaytestPlayback *self)
{
  return self->settings == NULL || g_settings_get_boolean (self->settings, "auto-play");
}

static void
audio_chunk_cb (PlaytestPlayback     *self,
                PlaytestTurn         *turn,
                GBytes               *wav,
                PlaytestConversation *conversation)
{
  if (self->stream_turn != turn)
    {
      if (!auto_play (self) || turn == self->failed_stream_turn)
        return;

      stop_all (self);
      self->stream_turn = g_object_ref (turn);
      set_playing_turn (self, turn);
      playtest_player_begin_stream (self->player);
    }

  /* An error (no device) may have ended the stream already. */
  if (self->stream_turn == turn)
    playtest_player_push_chunk (self->player, wav);
}

static void
turn_completed_cb (PlaytestPlayback     *self,
                   PlaytestTurn         *turn,
                   PlaytestConversation *conversation)
{
  if (self->stream_turn == turn)
    {
      g_clear_object (&self->stream_turn);
      playtest_player_end_stream (self->player);
    }
  else if (auto_play (self) && playtest_playback_can_play (turn))
    {
      playtest_playback_play_turn (self, turn);
    }
}

/* GObject ---------------------------------------------------------------------------------- */

static void
playtest_playback_dispose (GObject *object)
{
  PlaytestPlayback *self = PLAYTEST_PLAYBACK (object);

  if (self->player != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->player, self);
      playtest_player_stop (self->player);
    }
  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  playtest_playback_set_conversation (self, NULL);
  g_clear_object (&self->player);
  g_clear_object (&self->stream_turn);
  g_clear_object (&self->playing_turn);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (playtest_playback_parent_class)->dispose (object);
}

static void
playtest_playback_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PlaytestPlayback *self = PLAYTEST_PLAYBACK (object);

  switch (prop_id)
    {
    case PROP_PLAYING_TURN:
      g_value_set_object (value, self->playing_turn);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_playback_class_init (PlaytestPlaybackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = playtest_playback_dispose;
  object_class->get_property = playtest_playback_get_property;

  /**
   * PlaytestPlayback:playing-turn:
   *
   * The turn whose reply is playing (or loading to play), or %NULL.
   */
  properties[PROP_PLAYING_TURN] =
    g_param_spec_object ("playing-turn", NULL, NULL, PLAYTEST_TYPE_TURN,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
playtest_playback_init (PlaytestPlayback *self)
{
  self->player = playtest_player_new ();
  g_signal_connect_swapped (self->player, "finished", G_CALLBACK (play_ended_cb), self);
  g_signal_connect_swapped (self->player, "stopped", G_CALLBACK (play_ended_cb), self);
  g_signal_connect_swapped (self->player, "error", G_CALLBACK (play_error_cb), self);
}

/* Public API ------------------------------------------------------------------------------- */

/**
 * playtest_playback_new:
 * @settings: (nullable): the app's settings, for `auto-play`; %NULL plays every reply
 *
 * Returns: (transfer full): a new #PlaytestPlayback with its own player
 */
PlaytestPlayback *
playtest_playback_new (GSettings *settings)
{
  PlaytestPlayback *self = g_object_new (PLAYTEST_TYPE_PLAYBACK, NULL);

  if (settings != NULL)
    self->settings = g_object_ref (settings);
  return self;
}

/**
 * playtest_playback_get_player:
 * @self: a #PlaytestPlayback
 *
 * Returns: (transfer none): the player, for its `level` signal and `muted` property
 */
PlaytestPlayer *
playtest_playback_get_player (PlaytestPlayback *self)
{
  g_return_val_if_fail (PLAYTEST_IS_PLAYBACK (self), NULL);

  return self->player;
}

/**
 * playtest_playback_set_conversation:
 * @self: a #PlaytestPlayback
 * @conversation: (nullable): the conversation whose replies play as they arrive
 *
 * Follows @conversation; whatever played from the one before stops.
 */
void
playtest_playback_set_conversation (PlaytestPlayback     *self,
                                    PlaytestConversation *conversation)
{
  g_return_if_fail (PLAYTEST_IS_PLAYBACK (self));

  if (self->conversation == conversation)
    return;

  if (self->conversation != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->conversation, self);
      if (self->player != NULL)
        stop_all (self);
    }
  g_set_object (&self->conversation, conversation);
  if (conversation == NULL)
    return;

  g_signal_connect_object (conversation, "audio-chunk", G_CALLBACK (audio_chunk_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (conversation, "turn-completed", G_CALLBACK (turn_completed_cb),
                           self, G_CONNECT_SWAPPED);
}

/**
 * playtest_playback_get_playing_turn:
 * @self: a #PlaytestPlayback
 *
 * Returns: (transfer none) (nullable): the turn playing
 */
PlaytestTurn *
playtest_playback_get_playing_turn (PlaytestPlayback *self)
{
  g_return_val_if_fail (PLAYTEST_IS_PLAYBACK (self), NULL);

  return self->playing_turn;
}

/**
 * playtest_playback_can_play:
 * @turn: a turn
 *
 * Returns: whether @turn's reply has audio, in memory or in the history store's files
 */
gboolean
playtest_playback_can_play (PlaytestTurn *turn)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (turn), FALSE);

  return playtest_turn_get_reply_audio (turn) != NULL ||
         playtest_turn_get_reply_audio_path (turn) != NULL;
}

/**
 * playtest_playback_play_turn:
 * @self: a #PlaytestPlayback
 * @turn: a turn with reply audio
 *
 * Plays @turn's reply, stopping whatever played. A reply already moved to the history
 * store's files is read without blocking first.
 */
void
playtest_playback_play_turn (PlaytestPlayback *self,
                             PlaytestTurn     *turn)
{
  g_return_if_fail (PLAYTEST_IS_PLAYBACK (self));
  g_return_if_fail (PLAYTEST_IS_TURN (turn));

  play_audio (self, turn, playtest_turn_get_reply_audio (turn),
              playtest_turn_get_reply_audio_path (turn));
}

/**
 * playtest_playback_play_recording:
 * @self: a #PlaytestPlayback
 * @turn: a voice turn with the user's recording
 *
 * Plays the user's own recording of @turn, stopping whatever played, from memory or (read
 * without blocking) from the history store's file. No reply row is marked playing.
 */
void
playtest_playback_play_recording (PlaytestPlayback *self,
                                  PlaytestTurn     *turn)
{
  g_return_if_fail (PLAYTEST_IS_PLAYBACK (self));
  g_return_if_fail (PLAYTEST_IS_TURN (turn));

  play_audio (self, NULL, playtest_turn_get_user_audio (turn),
              playtest_turn_get_user_audio_path (turn));
}

/**
 * playtest_playback_stop:
 * @self: a #PlaytestPlayback
 *
 * Stops whatever plays.
 */
void
playtest_playback_stop (PlaytestPlayback *self)
{
  g_return_if_fail (PLAYTEST_IS_PLAYBACK (self));

  stop_all (self);
}
