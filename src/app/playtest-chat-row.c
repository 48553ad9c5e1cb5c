/* playtest-chat-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "playtest-chat-row.h"
#include "playtest-format.h"

struct _PlaytestChatRow
{
  GtkWidget     parent_instance;

  PlaytestTurn *turn;
  gulong        turn_notify_id;
  GHashTable   *section_names;
  char         *character_name;

  GtkWidget    *user_box;
  GtkWidget    *user_time_label;
  GtkWidget    *voice_icon;
  GtkWidget    *user_label;
  GtkWidget    *recording_button;
  GtkWidget    *reply_box;
  GtkWidget    *name_label;
  GtkWidget    *reply_time_label;
  GtkWidget    *typing_box;
  GtkWidget    *typing_spinner;
  GtkWidget    *typing_label;
  GtkWidget    *reply_label;
  GtkWidget    *chips_box;
  GtkWidget    *latency_label;
  GtkWidget    *warnings_box;
  GtkWidget    *warnings_label;
  GtkWidget    *error_box;
  GtkWidget    *error_label;
  GtkWidget    *retry_button;
  GtkWidget    *play_button;

  gboolean      playing;
};

G_DEFINE_FINAL_TYPE (PlaytestChatRow, playtest_chat_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TURN,
  N_PROPS
};

enum {
  SIGNAL_RETRY,
  SIGNAL_PLAY,
  SIGNAL_STOP,
  SIGNAL_PLAY_RECORDING,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Formatting ------------------------------------------------------------------------------- */

static char *
format_voice_message (guint duration_ms)
{
  guint seconds = (duration_ms + 500) / 1000;

  /* Translators: a recorded line not yet transcribed, with its length in minutes:seconds */
  return g_strdup_printf (_("Voice message (%u:%02u)"), seconds / 60, seconds % 60);
}

/* Chips ------------------------------------------------------------------------------------ */

static void
add_chip (PlaytestChatRow *self,
          const char      *text,
          const char      *css_class,
          const char      *accessible_label)
{
  GtkWidget *chip = gtk_label_new (text);

  gtk_label_set_ellipsize (GTK_LABEL (chip), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (chip), 32);
  gtk_widget_set_tooltip_text (chip, accessible_label);
  gtk_widget_add_css_class (chip, "chip");
  gtk_widget_add_css_class (chip, "caption");
  gtk_widget_add_css_class (chip, css_class);
  gtk_accessible_update_property (GTK_ACCESSIBLE (chip),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);
  gtk_box_append (GTK_BOX (self->chips_box), chip);
}

static void
update_chips (PlaytestChatRow *self)
{
  GtkWidget *child;
  const char *emotion = playtest_turn_get_emotion (self->turn);
  const char * const *actions = playtest_turn_get_actions (self->turn);
  const char *action = playtest_turn_get_action (self->turn);
  const char *section_id = playtest_turn_get_narrative_section_id (self->turn);

  while ((child = gtk_widget_get_first_child (self->chips_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->chips_box), child);

  if (emotion != NULL && *emotion != '\0')
    {
      g_autofree char *label = g_strdup_printf (_("Emotion: %s"), emotion);
      add_chip (self, emotion, "emotion-chip", label);
    }

  if (actions != NULL && actions[0] != NULL)
    {
      for (guint i = 0; actions[i] != NULL; i++)
        {
          g_autofree char *label = g_strdup_printf (_("Action: %s"), actions[i]);
          add_chip (self, actions[i], "action-chip", label);
        }
    }
  else if (action != NULL && *action != '\0')
    {
      g_autofree char *label = g_strdup_printf (_("Action: %s"), action);
      add_chip (self, action, "action-chip", label);
    }

  if (section_id != NULL && *section_id != '\0')
    {
      const char *name = playtest_format_section_name (self->section_names, section_id);
      g_autofree char *text = g_strdup_printf ("§ %s", name);
      g_autofree char *label = g_strdup_printf (_("Narrative section: %s"), name);
      add_chip (self, text, "section-chip", label);
    }

  gtk_widget_set_visible (self->chips_box, gtk_widget_get_first_child (self->chips_box) != NULL);
}

/* Updating from the turn ------------------------------------------------------------------- */

static const char *
get_character_name (PlaytestChatRow *self)
{
  if (self->character_name != NULL && *self->character_name != '\0')
    return self->character_name;

  return playtest_turn_get_character_id (self->turn);
}

static void
update_user (PlaytestChatRow *self)
{
  const char *query = playtest_turn_get_user_query (self->turn);
  g_autofree char *time = playtest_format_time (playtest_turn_get_sent_at (self->turn));
  gboolean voice = playtest_turn_is_voice (self->turn);

  gtk_label_set_text (GTK_LABEL (self->user_time_label), time);
  gtk_widget_set_visible (self->voice_icon, voice);
  gtk_widget_set_visible (self->recording_button,
                          voice &&
                          (playtest_turn_get_user_audio (self->turn) != NULL ||
                           playtest_turn_get_user_audio_path (self->turn) != NULL));

  /* A spoken line reads as its length until the service's transcript arrives. */
  if (voice && query != NULL && *query != '\0')
    gtk_label_set_text (GTK_LABEL (self->user_label), query);
  else if (voice)
    {
      g_autofree char *text =
        format_voice_message (playtest_turn_get_user_audio_duration_ms (self->turn));
      gtk_label_set_text (GTK_LABEL (self->user_label), text);
    }
  else
    gtk_label_set_text (GTK_LABEL (self->user_label), playtest_turn_get_user_text (self->turn));
}

static void
update_reply_text (PlaytestChatRow *self)
{
  const char *text = playtest_turn_get_reply_text (self->turn);
  PlaytestTurnState state = playtest_turn_get_state (self->turn);
  gboolean has_text = text != NULL && *text != '\0';
  gboolean waiting = state == PLAYTEST_TURN_PENDING ||
                     (state == PLAYTEST_TURN_STREAMING && !has_text);

  gtk_label_set_text (GTK_LABEL (self->reply_label), has_text ? text : "");
  gtk_widget_set_visible (self->reply_label, has_text);
  gtk_widget_set_visible (self->typing_box, waiting);
  gtk_spinner_set_spinning (GTK_SPINNER (self->typing_spinner), waiting);
}

static void
update_reply_time (PlaytestChatRow *self)
{
  GDateTime *sent_at = playtest_turn_get_sent_at (self->turn);
  gint64 latency = playtest_turn_get_latency_ms (self->turn);
  g_autoptr(GDateTime) replied_at = NULL;
  g_autofree char *time = NULL;

  if (sent_at != NULL && latency >= 0 &&
      playtest_turn_get_state (self->turn) == PLAYTEST_TURN_COMPLETE)
    replied_at = g_date_time_add (sent_at, latency * G_TIME_SPAN_MILLISECOND);

  time = playtest_format_time (replied_at);
  gtk_label_set_text (GTK_LABEL (self->reply_time_label), time);
}

static void
update_latency (PlaytestChatRow *self)
{
  gint64 latency = playtest_turn_get_latency_ms (self->turn);
  gint64 first_audio = playtest_turn_get_first_audio_ms (self->turn);
  g_autofree char *total = NULL;
  g_autofree char *text = NULL;

  if (playtest_turn_get_state (self->turn) != PLAYTEST_TURN_COMPLETE || latency < 0)
    {
      gtk_widget_set_visible (self->latency_label, FALSE);
      return;
    }

  total = playtest_format_duration (latency);
  if (first_audio >= 0)
    {
      g_autofree char *audio = playtest_format_duration (first_audio);
      /* Translators: the reply's total time, then when its first audio was there */
      text = g_strdup_printf (_("%s (first audio %s)"), total, audio);
    }
  else
    text = g_steal_pointer (&total);

  gtk_label_set_text (GTK_LABEL (self->latency_label), text);
  gtk_widget_set_visible (self->latency_label, TRUE);
}

static void
update_warnings (PlaytestChatRow *self)
{
  const char * const *warnings = playtest_turn_get_warnings (self->turn);
  g_autofree char *text = NULL;

  if (warnings == NULL || warnings[0] == NULL)
    {
      gtk_widget_set_visible (self->warnings_box, FALSE);
      return;
    }

  text = g_strjoinv ("\n", (char **) warnings);
  gtk_label_set_text (GTK_LABEL (self->warnings_label), text);
  gtk_widget_set_visible (self->warnings_box, TRUE);
}

static void
update_error (PlaytestChatRow *self)
{
  const GError *error;
  gboolean failed = playtest_turn_get_state (self->turn) == PLAYTEST_TURN_FAILED;

  gtk_widget_set_visible (self->error_box, failed);
  if (!failed)
    return;

  /* The core's message is written for the user: status, the server's words, and when a
   * rate limit says to wait, for how long. */
  error = playtest_turn_get_error (self->turn);
  gtk_label_set_text (GTK_LABEL (self->error_label),
                      error != NULL ? error->message : _("The turn failed."));
}

static void
update_name (PlaytestChatRow *self)
{
  const char *name = get_character_name (self);
  /* Translators: shown while the character's reply is on its way; %s is the character */
  g_autofree char *typing = g_strdup_printf (_("%s is typing…"), name);

  gtk_label_set_text (GTK_LABEL (self->name_label), name);
  gtk_label_set_text (GTK_LABEL (self->typing_label), typing);
}

/* Play while idle, stop while this row's reply plays; shown wherever there is audio. */
static void
update_play_button (PlaytestChatRow *self)
{
  gboolean has_audio = self->turn != NULL &&
                       (playtest_turn_get_reply_audio (self->turn) != NULL ||
                        playtest_turn_get_reply_audio_path (self->turn) != NULL);
  /* Translators: the play button of a reply while its voice plays */
  const char *label = self->playing ? _("Stop") : _("Play reply");

  gtk_widget_set_visible (self->play_button, has_audio || self->playing);
  gtk_button_set_icon_name (GTK_BUTTON (self->play_button),
                            self->playing ? "media-playback-stop-symbolic"
                                          : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (self->play_button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (self->playing)
    gtk_widget_add_css_class (GTK_WIDGET (self), "playing");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "playing");
}

static void
update_all (PlaytestChatRow *self)
{
  if (self->turn == NULL)
    {
      gtk_spinner_set_spinning (GTK_SPINNER (self->typing_spinner), FALSE);
      return;
    }

  update_user (self);
  update_name (self);
  update_reply_text (self);
  update_reply_time (self);
  update_chips (self);
  update_latency (self);
  update_warnings (self);
  update_error (self);
  update_play_button (self);
}

static void
turn_notify_cb (PlaytestChatRow *self,
                GParamSpec      *pspec,
                PlaytestTurn    *turn)
{
  g_assert (turn == self->turn);

  /* A streamed reply notifies once per piece; only the text needs redoing then. */
  if (g_strcmp0 (pspec->name, "reply-text") == 0 &&
      playtest_turn_get_state (turn) == PLAYTEST_TURN_STREAMING)
    update_reply_text (self);
  else
    update_all (self);
}

static void
retry_clicked_cb (PlaytestChatRow *self)
{
  if (self->turn != NULL && playtest_turn_get_state (self->turn) == PLAYTEST_TURN_FAILED)
    g_signal_emit (self, signals[SIGNAL_RETRY], 0);
}

static void
play_clicked_cb (PlaytestChatRow *self)
{
  if (self->turn != NULL)
    g_signal_emit (self, signals[self->playing ? SIGNAL_STOP : SIGNAL_PLAY], 0);
}

static void
recording_clicked_cb (PlaytestChatRow *self)
{
  if (self->turn != NULL)
    g_signal_emit (self, signals[SIGNAL_PLAY_RECORDING], 0);
}

/* GObject ---------------------------------------------------------------------------------- */

static void
playtest_chat_row_dispose (GObject *object)
{
  PlaytestChatRow *self = PLAYTEST_CHAT_ROW (object);

  playtest_chat_row_set_turn (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PLAYTEST_TYPE_CHAT_ROW);
  g_clear_pointer (&self->section_names, g_hash_table_unref);
  g_clear_pointer (&self->character_name, g_free);

  G_OBJECT_CLASS (playtest_chat_row_parent_class)->dispose (object);
}

static void
playtest_chat_row_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PlaytestChatRow *self = PLAYTEST_CHAT_ROW (object);

  switch (prop_id)
    {
    case PROP_TURN:
      g_value_set_object (value, self->turn);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_chat_row_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  PlaytestChatRow *self = PLAYTEST_CHAT_ROW (object);

  switch (prop_id)
    {
    case PROP_TURN:
      playtest_chat_row_set_turn (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_chat_row_class_init (PlaytestChatRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = playtest_chat_row_dispose;
  object_class->get_property = playtest_chat_row_get_property;
  object_class->set_property = playtest_chat_row_set_property;

  /**
   * PlaytestChatRow:turn: (nullable)
   *
   * The turn the row shows; rows are recycled, so it changes.
   */
  properties[PROP_TURN] =
    g_param_spec_object ("turn", NULL, NULL,
                         PLAYTEST_TYPE_TURN,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PlaytestChatRow::retry:
   *
   * Emitted when the user asks to send a failed turn again.
   */
  signals[SIGNAL_RETRY] =
    g_signal_new ("retry",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * PlaytestChatRow::play:
   *
   * Emitted when the user asks to hear the reply; the row does not play it itself.
   */
  signals[SIGNAL_PLAY] =
    g_signal_new ("play", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * PlaytestChatRow::stop:
   *
   * Emitted when the user asks to stop the reply playing in this row.
   */
  signals[SIGNAL_STOP] =
    g_signal_new ("stop", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * PlaytestChatRow::play-recording:
   *
   * Emitted when the user asks to hear their own recording of a voice turn; the row does
   * not play it itself.
   */
  signals[SIGNAL_PLAY_RECORDING] =
    g_signal_new ("play-recording", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/convai_playtest/Playtest/"
                                               "playtest-chat-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, user_box);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, user_time_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, voice_icon);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, user_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, recording_button);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, reply_box);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, reply_time_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, typing_box);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, typing_spinner);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, typing_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, reply_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, chips_box);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, latency_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, warnings_box);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, warnings_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, error_box);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, PlaytestChatRow, play_button);
  gtk_widget_class_bind_template_callback (widget_class, play_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, recording_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_clicked_cb);

  gtk_widget_class_set_css_name (widget_class, "chatrow");
}

static void
playtest_chat_row_init (PlaytestChatRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public API ------------------------------------------------------------------------------- */

/**
 * playtest_chat_row_new:
 *
 * Creates a row with no turn; the conversation view's factory binds one.
 *
 * Returns: (transfer full): a new #PlaytestChatRow
 */
GtkWidget *
playtest_chat_row_new (void)
{
  return g_object_new (PLAYTEST_TYPE_CHAT_ROW, NULL);
}

/**
 * playtest_chat_row_get_turn:
 * @self: a #PlaytestChatRow
 *
 * Returns: (transfer none) (nullable): the turn shown
 */
PlaytestTurn *
playtest_chat_row_get_turn (PlaytestChatRow *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CHAT_ROW (self), NULL);

  return self->turn;
}

/**
 * playtest_chat_row_set_turn:
 * @self: a #PlaytestChatRow
 * @turn: (nullable): the turn to show
 *
 * Shows @turn and follows its changes, forgetting the turn shown before: a recycled row
 * never updates from a turn it no longer shows.
 */
void
playtest_chat_row_set_turn (PlaytestChatRow *self,
                            PlaytestTurn    *turn)
{
  g_return_if_fail (PLAYTEST_IS_CHAT_ROW (self));
  g_return_if_fail (turn == NULL || PLAYTEST_IS_TURN (turn));

  if (self->turn == turn)
    return;

  if (self->turn != NULL)
    g_clear_signal_handler (&self->turn_notify_id, self->turn);
  g_set_object (&self->turn, turn);

  if (turn != NULL)
    self->turn_notify_id = g_signal_connect_object (turn, "notify",
                                                    G_CALLBACK (turn_notify_cb), self,
                                                    G_CONNECT_SWAPPED);

  update_all (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TURN]);
}

/**
 * playtest_chat_row_set_section_names:
 * @self: a #PlaytestChatRow
 * @section_names: (nullable) (element-type utf8 utf8): section id → section name
 *
 * Sets the names shown on the section chip; the id is shown where no name is known.
 */
void
playtest_chat_row_set_section_names (PlaytestChatRow *self,
                                     GHashTable      *section_names)
{
  g_return_if_fail (PLAYTEST_IS_CHAT_ROW (self));

  /* The same table may come back with more names in it, so no early return. */
  if (section_names != NULL)
    g_hash_table_ref (section_names);
  g_clear_pointer (&self->section_names, g_hash_table_unref);
  self->section_names = section_names;

  if (self->turn != NULL)
    update_chips (self);
}

/**
 * playtest_chat_row_set_character_name:
 * @self: a #PlaytestChatRow
 * @name: (nullable): the character's display name; %NULL shows the character id
 *
 * Sets the name over the character's replies.
 */
void
playtest_chat_row_set_character_name (PlaytestChatRow *self,
                                      const char      *name)
{
  g_return_if_fail (PLAYTEST_IS_CHAT_ROW (self));

  if (g_strcmp0 (self->character_name, name) == 0)
    return;

  g_free (self->character_name);
  self->character_name = g_strdup (name);

  if (self->turn != NULL)
    update_name (self);
}

/**
 * playtest_chat_row_set_playing:
 * @self: a #PlaytestChatRow
 * @playing: whether this row's reply is the one playing
 *
 * Marks the row playing (the `playing` style class, a stop button) or not.
 */
void
playtest_chat_row_set_playing (PlaytestChatRow *self,
                               gboolean         playing)
{
  g_return_if_fail (PLAYTEST_IS_CHAT_ROW (self));

  playing = !!playing;
  if (self->playing == playing)
    return;

  self->playing = playing;
  update_play_button (self);
}

/**
 * playtest_chat_row_get_playing:
 * @self: a #PlaytestChatRow
 *
 * Returns: whether the row is marked playing
 */
gboolean
playtest_chat_row_get_playing (PlaytestChatRow *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CHAT_ROW (self), FALSE);

  return self->playing;
}
