/* playtest-turn-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "playtest-turn-request-private.h"
#include "playtest-wav.h"

struct _PlaytestTurnRequest
{
  GObject   parent_instance;

  char     *character_id;
  char     *session_id;
  char     *user_text;
  GBytes   *audio;
  gboolean  voice_response;
  gboolean  stream;
};

G_DEFINE_FINAL_TYPE (PlaytestTurnRequest, playtest_turn_request, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CHARACTER_ID,
  PROP_SESSION_ID,
  PROP_USER_TEXT,
  PROP_AUDIO,
  PROP_VOICE_RESPONSE,
  PROP_STREAM,
  N_PROPS
};

enum {
  SIGNAL_TEXT_PIECE,
  SIGNAL_AUDIO_CHUNK,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
playtest_turn_request_finalize (GObject *object)
{
  PlaytestTurnRequest *self = (PlaytestTurnRequest *) object;

  g_clear_pointer (&self->character_id, g_free);
  g_clear_pointer (&self->session_id, g_free);
  g_clear_pointer (&self->user_text, g_free);
  g_clear_pointer (&self->audio, g_bytes_unref);

  G_OBJECT_CLASS (playtest_turn_request_parent_class)->finalize (object);
}

static void
playtest_turn_request_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  PlaytestTurnRequest *self = PLAYTEST_TURN_REQUEST (object);

  switch (prop_id)
    {
    case PROP_CHARACTER_ID:
      g_value_set_string (value, self->character_id);
      break;

    case PROP_SESSION_ID:
      g_value_set_string (value, self->session_id);
      break;

    case PROP_USER_TEXT:
      g_value_set_string (value, self->user_text);
      break;

    case PROP_AUDIO:
      g_value_set_boxed (value, self->audio);
      break;

    case PROP_VOICE_RESPONSE:
      g_value_set_boolean (value, self->voice_response);
      break;

    case PROP_STREAM:
      g_value_set_boolean (value, self->stream);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_turn_request_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  PlaytestTurnRequest *self = PLAYTEST_TURN_REQUEST (object);

  switch (prop_id)
    {
    case PROP_CHARACTER_ID:
      self->character_id = g_value_dup_string (value);
      break;

    case PROP_SESSION_ID:
      playtest_turn_request_set_session_id (self, g_value_get_string (value));
      break;

    case PROP_USER_TEXT:
      self->user_text = g_value_dup_string (value);
      break;

    case PROP_AUDIO:
      self->audio = g_value_dup_boxed (value);
      break;

    case PROP_VOICE_RESPONSE:
      playtest_turn_request_set_voice_response (self, g_value_get_boolean (value));
      break;

    case PROP_STREAM:
      playtest_turn_request_set_stream (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_turn_request_class_init (PlaytestTurnRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = playtest_turn_request_finalize;
  object_class->get_property = playtest_turn_request_get_property;
  object_class->set_property = playtest_turn_request_set_property;

  properties[PROP_CHARACTER_ID] =
    g_param_spec_string ("character-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /* Settable because a conversation continues with the id the previous reply carried. */
  properties[PROP_SESSION_ID] =
    g_param_spec_string ("session-id", NULL, NULL, PLAYTEST_NEW_SESSION_ID,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);

  properties[PROP_USER_TEXT] =
    g_param_spec_string ("user-text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_AUDIO] =
    g_param_spec_boxed ("audio", NULL, NULL, G_TYPE_BYTES,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_VOICE_RESPONSE] =
    g_param_spec_boolean ("voice-response", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);

  properties[PROP_STREAM] =
    g_param_spec_boolean ("stream", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PlaytestTurnRequest::text-piece:
   * @self: the request
   * @piece: a new piece of the reply's text (repeats are not emitted)
   *
   * Emitted while a streamed reply arrives.
   */
  signals[SIGNAL_TEXT_PIECE] =
    g_signal_new ("text-piece", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * PlaytestTurnRequest::audio-chunk:
   * @self: the request
   * @wav: one complete little WAV file of the streamed reply
   *
   * Emitted while a streamed reply arrives.
   */
  signals[SIGNAL_AUDIO_CHUNK] =
    g_signal_new ("audio-chunk", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_BYTES | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
playtest_turn_request_init (PlaytestTurnRequest *self)
{
  self->voice_response = TRUE;
}

/**
 * playtest_turn_request_new:
 * @character_id: the character to talk to
 * @session_id: (nullable): the session to continue, or %NULL / `"-1"` for a new one
 * @user_text: what the user typed; must not be empty (callers validate input first)
 *
 * Creates a typed turn.
 *
 * Returns: (transfer full): a new request
 */
PlaytestTurnRequest *
playtest_turn_request_new (const char *character_id,
                           const char *session_id,
                           const char *user_text)
{
  g_return_val_if_fail (character_id != NULL, NULL);
  g_return_val_if_fail (user_text != NULL && *user_text != '\0', NULL);

  return g_object_new (PLAYTEST_TYPE_TURN_REQUEST,
                       "character-id", character_id,
                       "session-id", session_id,
                       "user-text", user_text,
                       NULL);
}

/**
 * playtest_turn_request_new_for_audio:
 * @character_id: the character to talk to
 * @session_id: (nullable): the session to continue, or %NULL / `"-1"` for a new one
 * @wav: the recording, a complete WAV file (mono, 16-bit)
 *
 * Creates a spoken turn. The recording is kept for the request's lifetime, so the client can
 * send it again (see playtest_client_get_audio_without_text()).
 *
 * Returns: (transfer full): a new request
 */
PlaytestTurnRequest *
playtest_turn_request_new_for_audio (const char *character_id,
                                     const char *session_id,
                                     GBytes     *wav)
{
  g_return_val_if_fail (character_id != NULL, NULL);
  g_return_val_if_fail (wav != NULL, NULL);

  return g_object_new (PLAYTEST_TYPE_TURN_REQUEST,
                       "character-id", character_id,
                       "session-id", session_id,
                       "audio", wav,
                       NULL);
}

/**
 * playtest_turn_request_get_character_id:
 * @self: a #PlaytestTurnRequest
 *
 * Returns: the character id sent as `charID`
 */
const char *
playtest_turn_request_get_character_id (PlaytestTurnRequest *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN_REQUEST (self), NULL);

  return self->character_id;
}

/**
 * playtest_turn_request_get_session_id:
 * @self: a #PlaytestTurnRequest
 *
 * Returns: the session id sent as `sessionID`; `"-1"` asks for a new session
 */
const char *
playtest_turn_request_get_session_id (PlaytestTurnRequest *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN_REQUEST (self), NULL);

  return self->session_id;
}

/**
 * playtest_turn_request_set_session_id:
 * @self: a #PlaytestTurnRequest
 * @session_id: (nullable): the session to continue, or %NULL for a new one
 *
 * Sets the session id. The client never changes it: after a reply, the caller uses the reply's
 * `sessionID` for the next turn.
 */
void
playtest_turn_request_set_session_id (PlaytestTurnRequest *self,
                                      const char          *session_id)
{
  g_return_if_fail (PLAYTEST_IS_TURN_REQUEST (self));

  if (session_id == NULL || *session_id == '\0')
    session_id = PLAYTEST_NEW_SESSION_ID;

  if (g_strcmp0 (self->session_id, session_id) == 0)
    return;

  g_free (self->session_id);
  self->session_id = g_strdup (session_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_ID]);
}

/**
 * playtest_turn_request_get_user_text:
 * @self: a #PlaytestTurnRequest
 *
 * Returns: (nullable): the typed text, or %NULL for a spoken turn
 */
const char *
playtest_turn_request_get_user_text (PlaytestTurnRequest *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN_REQUEST (self), NULL);

  return self->user_text;
}

/**
 * playtest_turn_request_get_audio:
 * @self: a #PlaytestTurnRequest
 *
 * Returns: (nullable) (transfer none): the recorded WAV, or %NULL for a typed turn
 */
GBytes *
playtest_turn_request_get_audio (PlaytestTurnRequest *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN_REQUEST (self), NULL);

  return self->audio;
}

/**
 * playtest_turn_request_get_voice_response:
 * @self: a #PlaytestTurnRequest
 *
 * Returns: whether the reply should carry speech (`voiceResponse`)
 */
gboolean
playtest_turn_request_get_voice_response (PlaytestTurnRequest *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN_REQUEST (self), FALSE);

  return self->voice_response;
}

/**
 * playtest_turn_request_set_voice_response:
 * @self: a #PlaytestTurnRequest
 * @voice_response: whether the reply should carry speech
 *
 * Sets `voiceResponse`. The default is %TRUE.
 */
void
playtest_turn_request_set_voice_response (PlaytestTurnRequest *self,
                                          gboolean             voice_response)
{
  g_return_if_fail (PLAYTEST_IS_TURN_REQUEST (self));

  voice_response = !!voice_response;
  if (self->voice_response == voice_response)
    return;

  self->voice_response = voice_response;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VOICE_RESPONSE]);
}

/**
 * playtest_turn_request_get_stream:
 * @self: a #PlaytestTurnRequest
 *
 * Returns: whether the reply is asked for as server-sent events
 */
gboolean
playtest_turn_request_get_stream (PlaytestTurnRequest *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN_REQUEST (self), FALSE);

  return self->stream;
}

/**
 * playtest_turn_request_set_stream:
 * @self: a #PlaytestTurnRequest
 * @stream: whether to ask for a streamed reply
 *
 * Sets whether to send `stream=True`. The default is %FALSE.
 */
void
playtest_turn_request_set_stream (PlaytestTurnRequest *self,
                                  gboolean             stream)
{
  g_return_if_fail (PLAYTEST_IS_TURN_REQUEST (self));

  stream = !!stream;
  if (self->stream == stream)
    return;

  self->stream = stream;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STREAM]);
}

static void
append_audio_parts (PlaytestTurnRequest *self,
                    SoupMultipart       *multipart)
{
  PlaytestWavInfo info;

  /* Only a hint for the service; a WAV the client would refuse simply goes without it. */
  if (playtest_wav_parse_bytes (self->audio, &info, NULL))
    {
      g_autofree char *rate = g_strdup_printf ("%u", info.sample_rate);

      soup_multipart_append_form_string (multipart, "sample_rate", rate);
    }

  soup_multipart_append_form_file (multipart, "file", "audio.wav", "audio/wav", self->audio);
}

/**
 * playtest_turn_request_build_multipart:
 * @self: a #PlaytestTurnRequest
 * @with_user_text: for a spoken turn, whether to send the contract's `userText`
 *   placeholder (`"(USER_PERFORMED_ACTIONS)"`); %FALSE is the fallback for services that
 *   accept only one of `userText` and `file`. Ignored for typed turns.
 *
 * Builds the `multipart/form-data` body of `POST /character/getResponse`, fields in the
 * contract's order: `userText`, `charID`, `sessionID`, `voiceResponse` (`true`/`false`, which
 * the contract's validator accepts as a boolean), `stream=True` when streaming, then for a
 * spoken turn `sample_rate` (from the WAV header) and the `file` part (`audio.wav`,
 * `audio/wav`).
 *
 * A typed turn must have non-empty text: callers refuse empty input before building a
 * request.
 *
 * Returns: (transfer full): the form
 */
SoupMultipart *
playtest_turn_request_build_multipart (PlaytestTurnRequest *self,
                                       gboolean             with_user_text)
{
  SoupMultipart *multipart;
  const char *user_text = NULL;

  g_return_val_if_fail (PLAYTEST_IS_TURN_REQUEST (self), NULL);
  g_return_val_if_fail (self->character_id != NULL, NULL);
  g_return_val_if_fail (self->audio != NULL ||
                        (self->user_text != NULL && *self->user_text != '\0'), NULL);

  if (self->audio == NULL)
    user_text = self->user_text;
  else if (with_user_text)
    user_text = PLAYTEST_USER_PERFORMED_ACTIONS;

  multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);

  if (user_text != NULL)
    soup_multipart_append_form_string (multipart, "userText", user_text);
  soup_multipart_append_form_string (multipart, "charID", self->character_id);
  soup_multipart_append_form_string (multipart, "sessionID", self->session_id);
  soup_multipart_append_form_string (multipart, "voiceResponse",
                                     self->voice_response ? "true" : "false");

  /* Not in the contract; Convai's docs spell it this way. */
  if (self->stream)
    soup_multipart_append_form_string (multipart, "stream", "True");

  if (self->audio != NULL)
    append_audio_parts (self, multipart);

  return multipart;
}

/**
 * playtest_turn_request_emit_text_piece: (skip)
 * @self: a #PlaytestTurnRequest
 * @piece: the text a streamed reply just added
 *
 * Emits #PlaytestTurnRequest::text-piece; the client calls it as stream events arrive.
 */
void
playtest_turn_request_emit_text_piece (PlaytestTurnRequest *self,
                                       const char          *piece)
{
  g_return_if_fail (PLAYTEST_IS_TURN_REQUEST (self));

  g_signal_emit (self, signals[SIGNAL_TEXT_PIECE], 0, piece);
}

/**
 * playtest_turn_request_emit_audio_chunk: (skip)
 * @self: a #PlaytestTurnRequest
 * @wav: the WAV file a streamed reply just delivered
 *
 * Emits #PlaytestTurnRequest::audio-chunk; the client calls it as stream events arrive.
 */
void
playtest_turn_request_emit_audio_chunk (PlaytestTurnRequest *self,
                                        GBytes              *wav)
{
  g_return_if_fail (PLAYTEST_IS_TURN_REQUEST (self));

  g_signal_emit (self, signals[SIGNAL_AUDIO_CHUNK], 0, wav);
}
