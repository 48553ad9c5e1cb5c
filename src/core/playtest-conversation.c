/* playtest-conversation.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "playtest-conversation.h"

/* Turns go out one at a time: each waits for the reply before it, since the next one must
 * carry the session id that reply brings (the first turn of a new session has none). */

struct _PlaytestConversation
{
  GObject              parent_instance;

  PlaytestClient      *client;
  PlaytestHistory     *history;
  char                *id;
  char                *character_id;
  char                *session_id;
  gboolean             stored;         /* the store knows the conversation by its id */

  GPtrArray           *turns;          /* PlaytestTurn, oldest first */
  GQueue               waiting;        /* PlaytestTurn (a ref each) not sent yet, in order */
  PlaytestTurn        *sending;
  PlaytestTurnRequest *request;
  GCancellable        *cancellable;

  gboolean             voice_response;
  gboolean             stream;
  gboolean             busy;
};

static void playtest_conversation_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PlaytestConversation, playtest_conversation, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      playtest_conversation_list_model_init))

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_HISTORY,
  PROP_ID,
  PROP_CHARACTER_ID,
  PROP_SESSION_ID,
  PROP_BUSY,
  PROP_VOICE_RESPONSE,
  PROP_STREAM,
  N_PROPS
};

enum {
  SIGNAL_TURN_COMPLETED,
  SIGNAL_TURN_FAILED,
  SIGNAL_TURN_SAVED,
  SIGNAL_HISTORY_ERROR,
  SIGNAL_AUDIO_CHUNK,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void send_next (PlaytestConversation *self);

/* GListModel ------------------------------------------------------------------------------- */

static GType
playtest_conversation_get_item_type (GListModel *model)
{
  return PLAYTEST_TYPE_TURN;
}

static guint
playtest_conversation_get_n_items (GListModel *model)
{
  PlaytestConversation *self = PLAYTEST_CONVERSATION (model);

  return self->turns->len;
}

static gpointer
playtest_conversation_get_item (GListModel *model,
                                guint       position)
{
  PlaytestConversation *self = PLAYTEST_CONVERSATION (model);

  if (position >= self->turns->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->turns, position));
}

static void
playtest_conversation_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = playtest_conversation_get_item_type;
  iface->get_n_items = playtest_conversation_get_n_items;
  iface->get_item = playtest_conversation_get_item;
}

/* GObject ---------------------------------------------------------------------------------- */

static void
playtest_conversation_constructed (GObject *object)
{
  PlaytestConversation *self = PLAYTEST_CONVERSATION (object);

  G_OBJECT_CLASS (playtest_conversation_parent_class)->constructed (object);

  g_assert (PLAYTEST_IS_CLIENT (self->client));
  g_assert (self->character_id != NULL);

  /* A conversation restored from the store comes with its id. */
  if (self->id != NULL)
    return;

  /* A store that cannot start the conversation now is asked again at the first save, which
   * reports the error: nobody listens yet. */
  if (self->history != NULL)
    self->id = playtest_history_new_conversation (self->history, self->character_id, NULL);
  self->stored = self->id != NULL;
  if (self->id == NULL)
    self->id = g_uuid_string_random ();
}

static void
playtest_conversation_dispose (GObject *object)
{
  PlaytestConversation *self = PLAYTEST_CONVERSATION (object);

  g_cancellable_cancel (self->cancellable);
  g_queue_clear_full (&self->waiting, g_object_unref);

  G_OBJECT_CLASS (playtest_conversation_parent_class)->dispose (object);
}

static void
playtest_conversation_finalize (GObject *object)
{
  PlaytestConversation *self = PLAYTEST_CONVERSATION (object);

  g_clear_object (&self->client);
  g_clear_object (&self->history);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->character_id, g_free);
  g_clear_pointer (&self->session_id, g_free);
  g_clear_pointer (&self->turns, g_ptr_array_unref);
  g_clear_object (&self->sending);
  g_clear_object (&self->request);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (playtest_conversation_parent_class)->finalize (object);
}

static void
playtest_conversation_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  PlaytestConversation *self = PLAYTEST_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_CLIENT:         g_value_set_object (value, self->client); break;
    case PROP_HISTORY:        g_value_set_object (value, self->history); break;
    case PROP_ID:             g_value_set_string (value, self->id); break;
    case PROP_CHARACTER_ID:   g_value_set_string (value, self->character_id); break;
    case PROP_SESSION_ID:     g_value_set_string (value, self->session_id); break;
    case PROP_BUSY:           g_value_set_boolean (value, self->busy); break;
    case PROP_VOICE_RESPONSE: g_value_set_boolean (value, self->voice_response); break;
    case PROP_STREAM:         g_value_set_boolean (value, self->stream); break;
    default:                  G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_conversation_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  PlaytestConversation *self = PLAYTEST_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_CLIENT:         self->client = g_value_dup_object (value); break;
    case PROP_HISTORY:        self->history = g_value_dup_object (value); break;
    case PROP_ID:             self->id = g_value_dup_string (value); break;
    case PROP_CHARACTER_ID:   self->character_id = g_value_dup_string (value); break;
    case PROP_VOICE_RESPONSE:
      playtest_conversation_set_voice_response (self, g_value_get_boolean (value));
      break;
    case PROP_STREAM:
      playtest_conversation_set_stream (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
install_properties (GObjectClass *object_class)
{
  const GParamFlags construct_only = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                     G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags read_only = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                G_PARAM_STATIC_STRINGS;
  const GParamFlags read_write = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                 G_PARAM_STATIC_STRINGS;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, PLAYTEST_TYPE_CLIENT, construct_only);
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, PLAYTEST_TYPE_HISTORY, construct_only);
  /* The store's id for the conversation (a local one when there is no store). */
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, construct_only);
  properties[PROP_CHARACTER_ID] =
    g_param_spec_string ("character-id", NULL, NULL, NULL, construct_only);
  /* The service's session id: NULL until the first reply brings one. */
  properties[PROP_SESSION_ID] = g_param_spec_string ("session-id", NULL, NULL, NULL, read_only);
  /* Whether a turn is on its way or waiting to go. */
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, read_only);
  properties[PROP_VOICE_RESPONSE] =
    g_param_spec_boolean ("voice-response", NULL, NULL, TRUE, read_write);
  properties[PROP_STREAM] = g_param_spec_boolean ("stream", NULL, NULL, FALSE, read_write);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
playtest_conversation_class_init (PlaytestConversationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = playtest_conversation_constructed;
  object_class->dispose = playtest_conversation_dispose;
  object_class->finalize = playtest_conversation_finalize;
  object_class->get_property = playtest_conversation_get_property;
  object_class->set_property = playtest_conversation_set_property;

  install_properties (object_class);

  /**
   * PlaytestConversation::turn-completed:
   * @self: the conversation
   * @turn: the turn whose reply arrived
   *
   * Emitted once the reply filled the turn. The history store commits it in the background
   * (see #PlaytestConversation::turn-saved and #PlaytestConversation::history-error), so
   * that the window never waits for the disk.
   */
  signals[SIGNAL_TURN_COMPLETED] =
    g_signal_new ("turn-completed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PLAYTEST_TYPE_TURN);

  /**
   * PlaytestConversation::turn-failed:
   * @self: the conversation
   * @turn: the turn that failed; it stays in the list, and can be sent again with
   *   playtest_conversation_retry()
   *
   * Emitted when the service, the network or the user (playtest_conversation_cancel())
   * ended a turn and the error is in it. The history store commits it in the background,
   * as for #PlaytestConversation::turn-completed.
   */
  signals[SIGNAL_TURN_FAILED] =
    g_signal_new ("turn-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PLAYTEST_TYPE_TURN);

  /**
   * PlaytestConversation::turn-saved:
   * @self: the conversation
   * @turn: the turn the history store committed
   *
   * Emitted once a completed or failed turn is in the store, with its audio files: from
   * here on it survives a crash. Turns are saved, and this is emitted, in the order they
   * completed or failed; a turn retried is saved (and this emitted) again.
   */
  signals[SIGNAL_TURN_SAVED] =
    g_signal_new ("turn-saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PLAYTEST_TYPE_TURN);

  /**
   * PlaytestConversation::history-error:
   * @self: the conversation
   * @error: why the history store could not commit a turn
   *
   * The turn itself stays in the conversation, in memory; this is for telling the user
   * that it is not on disk.
   */
  signals[SIGNAL_HISTORY_ERROR] =
    g_signal_new ("history-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * PlaytestConversation::audio-chunk:
   * @self: the conversation
   * @turn: the turn being streamed
   * @wav: one chunk of the reply's voice, a complete WAV file of its own
   *
   * Emitted, with streaming on, for each chunk of voice as it arrives, so that playback
   * can start with the first one instead of waiting for the whole reply.
   */
  signals[SIGNAL_AUDIO_CHUNK] =
    g_signal_new ("audio-chunk", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, PLAYTEST_TYPE_TURN, G_TYPE_BYTES);
}

static void
playtest_conversation_init (PlaytestConversation *self)
{
  self->turns = g_ptr_array_new_with_free_func (g_object_unref);
  g_queue_init (&self->waiting);
  self->voice_response = TRUE;
}

/* Sending ---------------------------------------------------------------------------------- */

static void
update_busy (PlaytestConversation *self)
{
  gboolean busy = self->sending != NULL || !g_queue_is_empty (&self->waiting);

  if (self->busy == busy)
    return;

  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
set_session_id (PlaytestConversation *self,
                const char           *session_id)
{
  if (session_id == NULL || g_strcmp0 (self->session_id, session_id) == 0)
    return;

  g_free (self->session_id);
  self->session_id = g_strdup (session_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_ID]);
}

/* The store learns of the conversation late when it could not start it at first. */
static gboolean
ensure_stored (PlaytestConversation  *self,
               GError               **error)
{
  g_autofree char *id = NULL;

  if (self->stored)
    return TRUE;

  id = playtest_history_new_conversation (self->history, self->character_id, error);
  if (id == NULL)
    return FALSE;

  g_free (self->id);
  self->id = g_steal_pointer (&id);
  self->stored = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);

  return TRUE;
}

typedef struct
{
  PlaytestConversation *self;
  PlaytestTurn         *turn;
} Saving;

static void
saving_free (Saving *saving)
{
  g_object_unref (saving->self);
  g_object_unref (saving->turn);
  g_free (saving);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Saving, saving_free)

/* A store error must not lose the turn: it stays in memory, and the user is told. */
static void
save_turn_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Saving) saving = user_data;
  g_autoptr(GError) error = NULL;

  if (playtest_history_save_turn_finish (PLAYTEST_HISTORY (source), result, &error))
    g_signal_emit (saving->self, signals[SIGNAL_TURN_SAVED], 0, saving->turn);
  else
    g_signal_emit (saving->self, signals[SIGNAL_HISTORY_ERROR], 0, error);
}

/* The store copies the turn as it is now and commits it on its own thread: the UI thread
 * does not wait for the disk (see playtest-history.c). The turn learns its id back here. */
static void
save_turn (PlaytestConversation *self,
           PlaytestTurn         *turn)
{
  g_autoptr(GError) error = NULL;
  Saving *saving;

  if (self->history == NULL)
    return;

  if (!ensure_stored (self, &error))
    {
      g_signal_emit (self, signals[SIGNAL_HISTORY_ERROR], 0, error);
      return;
    }

  saving = g_new0 (Saving, 1);
  saving->self = g_object_ref (self);
  saving->turn = g_object_ref (turn);
  playtest_history_save_turn_async (self->history, self->id, turn, save_turn_cb, saving);
}

static void
finish_turn (PlaytestConversation *self,
             PlaytestTurn         *turn,
             PlaytestReply        *reply,
             const GError         *error)
{
  if (reply != NULL)
    {
      playtest_turn_complete (turn, reply);
      set_session_id (self, playtest_reply_get_session_id (reply));
    }
  else
    {
      playtest_turn_fail (turn, error);
    }

  save_turn (self, turn);

  g_signal_emit (self, signals[reply != NULL ? SIGNAL_TURN_COMPLETED : SIGNAL_TURN_FAILED], 0,
                 turn);
}

static void
get_response_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PlaytestConversation) self = user_data;
  g_autoptr(PlaytestTurn) turn = g_steal_pointer (&self->sending);
  g_autoptr(PlaytestTurnRequest) request = g_steal_pointer (&self->request);
  g_autoptr(PlaytestReply) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = playtest_client_get_response_finish (PLAYTEST_CLIENT (source), result, &error);

  /* A text piece that arrives after the reply would only repeat it. */
  g_signal_handlers_disconnect_by_data (request, turn);
  g_clear_object (&self->cancellable);

  finish_turn (self, turn, reply, error);

  send_next (self);
}

/* Puts @turn on its way in the conversation's session as it is now, or fails it when it
 * cannot be sent at all. Returns whether it went. */
static void
request_audio_chunk_cb (PlaytestTurnRequest  *request,
                        GBytes               *wav,
                        PlaytestConversation *self)
{
  if (self->sending != NULL)
    g_signal_emit (self, signals[SIGNAL_AUDIO_CHUNK], 0, self->sending, wav);
}

static gboolean
send_turn (PlaytestConversation *self,
           PlaytestTurn         *turn)
{
  g_autoptr(PlaytestTurnRequest) request = NULL;

  playtest_turn_set_session_id (turn, self->session_id);
  request = playtest_turn_build_request (turn, self->voice_response, self->stream);
  if (request == NULL)
    {
      g_autoptr(GError) error =
        g_error_new_literal (PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_INVALID_INPUT,
                             _("The recording of this turn is no longer available"));

      finish_turn (self, turn, NULL, error);
      return FALSE;
    }

  if (self->stream)
    g_signal_connect_object (request, "text-piece", G_CALLBACK (playtest_turn_append_text), turn,
                             G_CONNECT_SWAPPED);
  if (self->stream)
    g_signal_connect_object (request, "audio-chunk", G_CALLBACK (request_audio_chunk_cb), self, 0);

  self->sending = g_object_ref (turn);
  self->request = g_object_ref (request);
  self->cancellable = g_cancellable_new ();
  playtest_client_get_response_async (self->client, request, self->cancellable,
                                      get_response_cb, g_object_ref (self));
  return TRUE;
}

static void
send_next (PlaytestConversation *self)
{
  while (self->sending == NULL && !g_queue_is_empty (&self->waiting))
    {
      g_autoptr(PlaytestTurn) turn = g_queue_pop_head (&self->waiting);

      send_turn (self, turn);
    }

  update_busy (self);
}

static void
enqueue (PlaytestConversation *self,
         PlaytestTurn         *turn)
{
  g_queue_push_tail (&self->waiting, g_object_ref (turn));
  update_busy (self);
  send_next (self);
}

static PlaytestTurn *
append_and_send (PlaytestConversation *self,
                 PlaytestTurn         *turn)
{
  g_ptr_array_add (self->turns, turn);
  g_list_model_items_changed (G_LIST_MODEL (self), self->turns->len - 1, 0, 1);
  enqueue (self, turn);

  return turn;
}

/* Public API ------------------------------------------------------------------------------- */

/**
 * playtest_conversation_new:
 * @client: the client that sends the turns
 * @history: (nullable): the store that keeps them, or %NULL to keep them in memory only
 * @character_id: who the conversation is with
 *
 * Starts a conversation in a new session: the first turn asks the service for one, later
 * turns carry the id its reply brought. With a @history the conversation is in the store
 * at once (its id is the store's).
 *
 * Returns: (transfer full): a new, empty conversation
 */
PlaytestConversation *
playtest_conversation_new (PlaytestClient  *client,
                           PlaytestHistory *history,
                           const char      *character_id)
{
  g_return_val_if_fail (PLAYTEST_IS_CLIENT (client), NULL);
  g_return_val_if_fail (history == NULL || PLAYTEST_IS_HISTORY (history), NULL);
  g_return_val_if_fail (character_id != NULL, NULL);

  return g_object_new (PLAYTEST_TYPE_CONVERSATION,
                       "client", client,
                       "history", history,
                       "character-id", character_id,
                       NULL);
}

/* The session to continue in: the store's, else the last one a turn of it knew. */
static const char *
find_session_id (PlaytestConversationInfo *info,
                 GPtrArray                *turns)
{
  if (info->session_id != NULL)
    return info->session_id;

  for (guint i = turns->len; i > 0; i--)
    {
      const char *session_id = playtest_turn_get_session_id (g_ptr_array_index (turns, i - 1));

      if (session_id != NULL)
        return session_id;
    }

  return NULL;
}

/**
 * playtest_conversation_new_from_history:
 * @client: the client that sends the turns
 * @history: the store
 * @conversation_id: a conversation's id in @history
 * @error: return location for a #PLAYTEST_HISTORY_ERROR
 *
 * Reopens a stored conversation with its turns. New turns continue its session (the
 * session id the last reply brought) and are saved into it.
 *
 * Returns: (transfer full) (nullable): the conversation, or %NULL with @error set
 */
PlaytestConversation *
playtest_conversation_new_from_history (PlaytestClient   *client,
                                        PlaytestHistory  *history,
                                        const char       *conversation_id,
                                        GError          **error)
{
  g_autoptr(PlaytestConversationInfo) info = NULL;
  g_autoptr(GPtrArray) turns = NULL;
  PlaytestConversation *self;

  g_return_val_if_fail (PLAYTEST_IS_CLIENT (client), NULL);
  g_return_val_if_fail (PLAYTEST_IS_HISTORY (history), NULL);
  g_return_val_if_fail (conversation_id != NULL, NULL);

  info = playtest_history_get_conversation (history, conversation_id, error);
  if (info == NULL)
    return NULL;
  turns = playtest_history_load_turns (history, conversation_id, error);
  if (turns == NULL)
    return NULL;

  self = g_object_new (PLAYTEST_TYPE_CONVERSATION,
                       "client", client,
                       "history", history,
                       "character-id", info->character_id,
                       "id", conversation_id,
                       NULL);
  self->stored = TRUE;
  self->session_id = g_strdup (find_session_id (info, turns));
  for (guint i = 0; i < turns->len; i++)
    g_ptr_array_add (self->turns, g_object_ref (g_ptr_array_index (turns, i)));

  return self;
}

/**
 * playtest_conversation_get_id:
 * @self: a #PlaytestConversation
 *
 * Returns: the history store's id for the conversation (a local one without a store)
 */
const char *
playtest_conversation_get_id (PlaytestConversation *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CONVERSATION (self), NULL);

  return self->id;
}

/**
 * playtest_conversation_get_character_id:
 * @self: a #PlaytestConversation
 *
 * Returns: who the conversation is with
 */
const char *
playtest_conversation_get_character_id (PlaytestConversation *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CONVERSATION (self), NULL);

  return self->character_id;
}

/**
 * playtest_conversation_get_session_id:
 * @self: a #PlaytestConversation
 *
 * Returns: (nullable): the service's session id, or %NULL until the first reply brings one
 */
const char *
playtest_conversation_get_session_id (PlaytestConversation *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CONVERSATION (self), NULL);

  return self->session_id;
}

/**
 * playtest_conversation_get_busy:
 * @self: a #PlaytestConversation
 *
 * Returns: whether a turn is on its way or waiting to go
 */
gboolean
playtest_conversation_get_busy (PlaytestConversation *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CONVERSATION (self), FALSE);

  return self->busy;
}

/**
 * playtest_conversation_get_voice_response:
 * @self: a #PlaytestConversation
 *
 * Returns: whether turns sent from now on ask for a spoken reply (default %TRUE)
 */
gboolean
playtest_conversation_get_voice_response (PlaytestConversation *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CONVERSATION (self), FALSE);

  return self->voice_response;
}

/**
 * playtest_conversation_set_voice_response:
 * @self: a #PlaytestConversation
 * @voice: whether to ask for spoken replies
 *
 * Applies to turns sent from now on, including those already waiting to go.
 */
void
playtest_conversation_set_voice_response (PlaytestConversation *self,
                                          gboolean              voice)
{
  g_return_if_fail (PLAYTEST_IS_CONVERSATION (self));

  voice = !!voice;
  if (self->voice_response == voice)
    return;

  self->voice_response = voice;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VOICE_RESPONSE]);
}

/**
 * playtest_conversation_get_stream:
 * @self: a #PlaytestConversation
 *
 * Returns: whether turns sent from now on ask for a streamed reply (default %FALSE)
 */
gboolean
playtest_conversation_get_stream (PlaytestConversation *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CONVERSATION (self), FALSE);

  return self->stream;
}

/**
 * playtest_conversation_set_stream:
 * @self: a #PlaytestConversation
 * @stream: whether to ask for streamed replies
 *
 * Applies to turns sent from now on. While a streamed reply arrives, its turn is
 * %PLAYTEST_TURN_STREAMING and its reply text grows.
 */
void
playtest_conversation_set_stream (PlaytestConversation *self,
                                  gboolean              stream)
{
  g_return_if_fail (PLAYTEST_IS_CONVERSATION (self));

  stream = !!stream;
  if (self->stream == stream)
    return;

  self->stream = stream;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STREAM]);
}

/**
 * playtest_conversation_get_last_turn:
 * @self: a #PlaytestConversation
 *
 * Returns: (transfer none) (nullable): the newest turn, or %NULL if there is none
 */
PlaytestTurn *
playtest_conversation_get_last_turn (PlaytestConversation *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CONVERSATION (self), NULL);

  if (self->turns->len == 0)
    return NULL;

  return g_ptr_array_index (self->turns, self->turns->len - 1);
}

/**
 * playtest_conversation_send_text:
 * @self: a #PlaytestConversation
 * @text: what the user typed, not empty
 *
 * Appends a pending turn at once (#GListModel::items-changed) and sends it when the turns
 * before it are done.
 *
 * Returns: (transfer none): the new turn
 */
PlaytestTurn *
playtest_conversation_send_text (PlaytestConversation *self,
                                 const char           *text)
{
  g_return_val_if_fail (PLAYTEST_IS_CONVERSATION (self), NULL);
  g_return_val_if_fail (text != NULL && *text != '\0', NULL);

  return append_and_send (self, playtest_turn_new (self->character_id, text));
}

/**
 * playtest_conversation_send_audio:
 * @self: a #PlaytestConversation
 * @wav: what the user said, a WAV file
 *
 * Like playtest_conversation_send_text(), for a spoken line.
 *
 * Returns: (transfer none): the new turn
 */
PlaytestTurn *
playtest_conversation_send_audio (PlaytestConversation *self,
                                  GBytes               *wav)
{
  g_return_val_if_fail (PLAYTEST_IS_CONVERSATION (self), NULL);
  g_return_val_if_fail (wav != NULL, NULL);

  return append_and_send (self, playtest_turn_new_for_audio (self->character_id, wav));
}

/**
 * playtest_conversation_retry:
 * @self: a #PlaytestConversation
 * @turn: a failed turn of @self
 *
 * Sends @turn again, in place: it becomes pending in the same row, and goes out in the
 * conversation's current session after the turns already waiting.
 */
void
playtest_conversation_retry (PlaytestConversation *self,
                             PlaytestTurn         *turn)
{
  g_return_if_fail (PLAYTEST_IS_CONVERSATION (self));
  g_return_if_fail (PLAYTEST_IS_TURN (turn));
  g_return_if_fail (g_ptr_array_find (self->turns, turn, NULL));

  if (playtest_turn_get_state (turn) != PLAYTEST_TURN_FAILED)
    return;

  playtest_turn_mark_pending (turn);
  enqueue (self, turn);
}

/**
 * playtest_conversation_cancel:
 * @self: a #PlaytestConversation
 *
 * Cancels the turn on its way, if any: it fails with %PLAYTEST_CLIENT_ERROR_CANCELLED and
 * stays in the list, to be retried. Turns waiting behind it go next.
 */
void
playtest_conversation_cancel (PlaytestConversation *self)
{
  g_return_if_fail (PLAYTEST_IS_CONVERSATION (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}
