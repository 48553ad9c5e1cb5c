/* playtest-state-panel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "playtest-emotion-style.h"
#include "playtest-format.h"
#include "playtest-state-panel.h"

/* How many emotion chips the history row keeps: enough for a long play session, few
 * enough that a 10,000-turn conversation does not become 10,000 widgets. */
#define HISTORY_MAX_CHIPS 60
/* How long a fired action stays highlighted before the CSS transition fades it out. */
#define ACTION_HIGHLIGHT_MS 1500

struct _PlaytestStatePanel
{
  GtkWidget             parent_instance;

  PlaytestConversation *conversation;
  GHashTable           *section_names;
  /* Turns that may still change state (not complete yet) → their notify::state handler. */
  GHashTable           *watched;
  /* The turns the emotion history chips show, oldest first. */
  GPtrArray            *history_turns;
  PlaytestTurn         *selected;   /* chosen with set_selected_turn(), or NULL: follow */
  PlaytestTurn         *inspected;  /* the turn the inspector shows */
  PlaytestTurn         *action_turn;
  guint                 highlight_id;

  GtkWidget            *scroller;
  GtkWidget            *emotion_card;
  GtkWidget            *emotion_swatch;
  GtkWidget            *emotion_label;
  GtkWidget            *intensity_bar;
  GtkWidget            *speaking_bar;
  GtkWidget            *history_placeholder;
  GtkWidget            *emotion_history;
  GtkWidget            *action_card;
  GtkWidget            *action_label;
  GtkWidget            *action_sequence;
  GtkWidget            *action_turn_label;
  GtkWidget            *section_label;
  GtkWidget            *section_id_label;
  GtkWidget            *inspector_title;
  GtkWidget            *inspector_details;
  GtkWidget            *timings_label;
  GtkWidget            *error_label;
  GtkWidget            *warnings_label;
  GtkWidget            *request_label;
  GtkWidget            *reply_view;
  GtkWidget            *copy_button;
};

G_DEFINE_FINAL_TYPE (PlaytestStatePanel, playtest_state_panel, GTK_TYPE_WIDGET)

static void refresh (PlaytestStatePanel *self);
static void inspect (PlaytestStatePanel *self,
                     PlaytestTurn       *turn);

/* Small helpers ---------------------------------------------------------------------------- */

static guint
turn_position (PlaytestStatePanel *self,
               PlaytestTurn       *turn)
{
  guint n = self->conversation ? g_list_model_get_n_items (G_LIST_MODEL (self->conversation)) : 0;

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(PlaytestTurn) item = g_list_model_get_item (G_LIST_MODEL (self->conversation),
                                                            i - 1);
      if (item == turn)
        return i;
    }

  return 0;
}

/* "Turn 3 · 10:02:14": which turn, and when it was sent. */
static char *
describe_turn (PlaytestStatePanel *self,
               PlaytestTurn       *turn)
{
  g_autofree char *time = playtest_format_clock_time (playtest_turn_get_sent_at (turn));
  guint position = turn_position (self, turn);

  if (position == 0)
    return g_strdup (time);

  /* Translators: "Turn 3 · 10:02:14" */
  return g_strdup_printf (_("Turn %u · %s"), position, time);
}

/* A GtkLabel makes its text its accessible label; the panel's value labels keep the names
 * the issue fixes ("Emotion", "Action"…) and carry the value as their description. */
static void
set_value (GtkWidget  *label,
           const char *name,
           const char *text)
{
  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

static void
set_dim (GtkWidget *widget,
         gboolean   dim)
{
  if (dim)
    gtk_widget_add_css_class (widget, "dim-label");
  else
    gtk_widget_remove_css_class (widget, "dim-label");
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_FLOW_BOX (box))
        gtk_flow_box_remove (GTK_FLOW_BOX (box), child);
      else
        gtk_box_remove (GTK_BOX (box), child);
    }
}

/* Emotion ---------------------------------------------------------------------------------- */

static void
show_emotion (PlaytestStatePanel *self,
              PlaytestTurn       *turn)
{
  const char *emotion = turn ? playtest_turn_get_emotion (turn) : NULL;
  g_autofree char *label = NULL;
  guint intensity = 0;

  if (emotion != NULL)
    label = playtest_emotion_parse (emotion, &intensity);

  set_value (self->emotion_label, _("Emotion"), label ? label : _("No emotion yet"));
  set_dim (self->emotion_label, label == NULL);
  playtest_emotion_set_css_class (self->emotion_swatch, emotion);
  gtk_widget_set_visible (self->emotion_swatch, emotion != NULL);
  playtest_emotion_set_css_class (self->emotion_card, emotion);

  gtk_widget_set_visible (self->intensity_bar, intensity > 0);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (self->intensity_bar), intensity);
  if (intensity > 0)
    {
      /* Translators: the emotion's intensity on Convai's 1–3 scale */
      g_autofree char *tip = g_strdup_printf (_("Intensity %u of 3"), intensity);

      gtk_widget_set_tooltip_text (self->intensity_bar, tip);
    }
}

static GtkWidget *
make_history_chip (PlaytestStatePanel *self,
                   PlaytestTurn       *turn)
{
  const char *emotion = playtest_turn_get_emotion (turn);
  const char *reply = playtest_turn_get_reply_text (turn);
  g_autofree char *when = describe_turn (self, turn);
  g_autofree char *tip = g_strdup_printf ("%s · %s\n%s", when, emotion, reply ? reply : "");
  GtkWidget *chip = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_widget_add_css_class (chip, "emotion-dot");
  gtk_widget_add_css_class (chip, "emotion-history-dot");
  gtk_widget_add_css_class (chip, playtest_emotion_get_css_class (emotion));
  gtk_widget_set_tooltip_text (chip, tip);
  gtk_widget_set_halign (chip, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (chip, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (chip), GTK_ACCESSIBLE_PROPERTY_LABEL, emotion,
                                  -1);
  return chip;
}

static gboolean
same_turns (GPtrArray *a,
            GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    if (a->pdata[i] != b->pdata[i])
      return FALSE;

  return TRUE;
}

/* The chips are rebuilt only when the set of turns they show changed: at most one rebuild
 * of HISTORY_MAX_CHIPS small widgets per completed turn. */
static void
show_history (PlaytestStatePanel *self,
              GPtrArray          *turns)
{
  GtkWidget *child;

  if (same_turns (turns, self->history_turns))
    return;

  clear_box (self->emotion_history);
  for (guint i = 0; i < turns->len; i++)
    {
      gtk_flow_box_append (GTK_FLOW_BOX (self->emotion_history),
                           make_history_chip (self, turns->pdata[i]));
      /* The chips are for the eye and the tooltip; Tab should not stop at each one. */
      child = gtk_widget_get_last_child (self->emotion_history);
      gtk_widget_set_focusable (child, FALSE);
    }

  gtk_widget_set_visible (self->emotion_history, turns->len > 0);
  gtk_widget_set_visible (self->history_placeholder, turns->len == 0);
  g_ptr_array_set_size (self->history_turns, 0);
  for (guint i = 0; i < turns->len; i++)
    g_ptr_array_add (self->history_turns, g_object_ref (turns->pdata[i]));
}

/* Action ----------------------------------------------------------------------------------- */

static GtkWidget *
make_action_chip (const char *text,
                  gboolean    arrow)
{
  GtkWidget *label = gtk_label_new (text);

  if (arrow)
    {
      gtk_widget_add_css_class (label, "dim-label");
      gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      /* Translators: read out between two actions of a
                                       * sequence, as in "Wave then Offer Drink" */
                                      _("then"), -1);
    }
  else
    {
      gtk_widget_add_css_class (label, "action-chip");
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
    }

  return label;
}

static void
show_action (PlaytestStatePanel *self,
             PlaytestTurn       *turn)
{
  const char * const *actions = turn ? playtest_turn_get_actions (turn) : NULL;
  const char *action = turn ? playtest_turn_get_action (turn) : NULL;
  guint n = actions ? g_strv_length ((char **) actions) : 0;

  if (action == NULL && n > 0)
    action = actions[0];

  set_value (self->action_label, _("Action"), action ? action : _("none yet"));
  set_dim (self->action_label, action == NULL);

  clear_box (self->action_sequence);
  for (guint i = 0; n > 1 && i < n; i++)
    {
      if (i > 0)
        gtk_flow_box_append (GTK_FLOW_BOX (self->action_sequence), make_action_chip ("→", TRUE));
      gtk_flow_box_append (GTK_FLOW_BOX (self->action_sequence),
                           make_action_chip (actions[i], FALSE));
    }
  gtk_widget_set_visible (self->action_sequence, n > 1);

  gtk_widget_set_visible (self->action_turn_label, turn != NULL);
  if (turn != NULL)
    {
      g_autofree char *when = describe_turn (self, turn);

      gtk_label_set_text (GTK_LABEL (self->action_turn_label), when);
    }

  g_set_object (&self->action_turn, turn);
}

static gboolean
end_highlight_cb (gpointer user_data)
{
  PlaytestStatePanel *self = user_data;

  self->highlight_id = 0;
  gtk_widget_remove_css_class (self->action_card, "action-fired");
  return G_SOURCE_REMOVE;
}

/* The class shows the highlight at once; removing it lets style.css fade it out. With
 * animations off, GTK skips the fade and the highlight simply ends. */
static void
highlight_action (PlaytestStatePanel *self)
{
  g_clear_handle_id (&self->highlight_id, g_source_remove);
  gtk_widget_add_css_class (self->action_card, "action-fired");
  self->highlight_id = g_timeout_add (ACTION_HIGHLIGHT_MS, end_highlight_cb, self);
}

/* Narrative section ------------------------------------------------------------------------ */

static void
show_section (PlaytestStatePanel *self,
              const char         *section_id)
{
  const char *name = playtest_format_section_name (self->section_names, section_id);

  if (section_id == NULL)
    set_value (self->section_label, _("Narrative section"), _("Unknown section"));
  else
    set_value (self->section_label, _("Narrative section"), name);

  set_dim (self->section_label, section_id == NULL);
  set_value (self->section_id_label, _("Narrative section id"), section_id ? section_id : "");
  /* The id is repeated under the name only when there is a name to tell it from. */
  gtk_widget_set_visible (self->section_id_label, name != section_id);
}

/* Following the conversation --------------------------------------------------------------- */

static gboolean
is_complete (PlaytestTurn *turn)
{
  return playtest_turn_get_state (turn) == PLAYTEST_TURN_COMPLETE;
}

static gboolean
has_actions (PlaytestTurn *turn)
{
  const char * const *actions = playtest_turn_get_actions (turn);

  return playtest_turn_get_action (turn) != NULL || (actions != NULL && actions[0] != NULL);
}

/* Walks back from the newest turn to the latest emotion, action and section, collecting the
 * emotions of this session for the history row on the way. */
static void
refresh (PlaytestStatePanel *self)
{
  GListModel *model = self->conversation ? G_LIST_MODEL (self->conversation) : NULL;
  guint n = model ? g_list_model_get_n_items (model) : 0;
  g_autoptr(GPtrArray) walked = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) emotions = g_ptr_array_new ();
  PlaytestTurn *action_turn = NULL;
  const char *section_id = NULL;

  for (guint i = n; i > 0; i--)
    {
      PlaytestTurn *turn;

      if (emotions->len >= HISTORY_MAX_CHIPS && action_turn != NULL && section_id != NULL)
        break;

      turn = g_list_model_get_item (model, i - 1);
      g_ptr_array_add (walked, turn);
      if (!is_complete (turn))
        continue;
      if (playtest_turn_get_emotion (turn) != NULL && emotions->len < HISTORY_MAX_CHIPS)
        g_ptr_array_insert (emotions, 0, turn);
      if (action_turn == NULL && has_actions (turn))
        action_turn = turn;
      if (section_id == NULL)
        section_id = playtest_turn_get_narrative_section_id (turn);
    }

  show_emotion (self, emotions->len > 0 ? g_ptr_array_index (emotions, emotions->len - 1) : NULL);
  show_action (self, action_turn);
  show_section (self, section_id);
  show_history (self, emotions);
  inspect (self, self->selected != NULL ? self->selected
                 : walked->len > 0 ? g_ptr_array_index (walked, 0) : NULL);
}

/* Inspector -------------------------------------------------------------------------------- */

static char *
describe_timings (PlaytestTurn *turn)
{
  const PlaytestTimings *timings = playtest_turn_get_timings (turn);
  gint64 first_byte = -1;
  g_autofree char *byte = NULL;
  g_autofree char *audio = NULL;
  g_autofree char *total = NULL;

  if (timings != NULL && timings->first_byte > 0)
    first_byte = (timings->first_byte - timings->request_start) / 1000;

  byte = playtest_format_duration (first_byte);
  audio = playtest_format_duration (playtest_turn_get_first_audio_ms (turn));
  total = playtest_format_duration (playtest_turn_get_latency_ms (turn));

  return g_strdup_printf (_("First byte %s · first audio %s · total %s"), byte, audio, total);
}

static const char *
describe_state (PlaytestTurn *turn)
{
  switch (playtest_turn_get_state (turn))
    {
    case PLAYTEST_TURN_PENDING:
      /* Translators: the state of a turn in the inspector, after "Turn 3 · 10:02:14 ·" */
      return _("waiting for the reply");
    case PLAYTEST_TURN_STREAMING:
      return _("reply arriving");
    case PLAYTEST_TURN_COMPLETE:
      return _("complete");
    case PLAYTEST_TURN_FAILED:
      return _("failed");
    default:
      return "";
    }
}

static void
show_text (GtkWidget  *label,
           const char *name,
           const char *text)
{
  set_value (label, name, text ? text : "");
  gtk_widget_set_visible (label, text != NULL && *text);
}

/* The reply view is only rewritten when the JSON changed, so a selection the user is making
 * survives unrelated property notifications of the turn. */
static void
show_reply_json (PlaytestStatePanel *self,
                 const char         *json)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->reply_view));
  GtkTextIter start, end;
  g_autofree char *current = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  current = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (g_strcmp0 (current, json ? json : "") != 0)
    gtk_text_buffer_set_text (buffer, json ? json : "", -1);

  /* The button's sensitivity is set directly rather than through the action: GTK 4.8 loses
   * an action's enabled state in its buttons when the panel is moved to another parent. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "state-panel.copy-json",
                                 json != NULL && *json);
  gtk_widget_set_sensitive (self->copy_button, json != NULL && *json);
}

static void
update_inspector (PlaytestStatePanel *self)
{
  PlaytestTurn *turn = self->inspected;
  g_autofree char *when = NULL;
  g_autofree char *title = NULL;
  g_autofree char *timings = NULL;
  g_autofree char *warnings = NULL;
  const GError *error;
  const char * const *warning_list;

  gtk_widget_set_visible (self->inspector_details, turn != NULL);
  if (turn == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->inspector_title), _("No turn yet"));
      show_reply_json (self, NULL);
      return;
    }

  when = describe_turn (self, turn);
  title = g_strdup_printf ("%s · %s", when, describe_state (turn));
  gtk_label_set_text (GTK_LABEL (self->inspector_title), title);

  timings = describe_timings (turn);
  set_value (self->timings_label, _("Timings"), timings);

  error = playtest_turn_get_error (turn);
  show_text (self->error_label, _("Error"), error ? error->message : NULL);

  warning_list = playtest_turn_get_warnings (turn);
  warnings = warning_list ? g_strjoinv ("\n", (char **) warning_list) : NULL;
  show_text (self->warnings_label, _("Warnings"), warnings);

  show_text (self->request_label, _("Request fields"),
             playtest_turn_get_request_description (turn));
  show_reply_json (self, playtest_turn_get_reply_json (turn));
}

static void
inspected_notify_cb (PlaytestTurn       *turn,
                     GParamSpec         *pspec,
                     PlaytestStatePanel *self)
{
  update_inspector (self);
}

static void
inspect (PlaytestStatePanel *self,
         PlaytestTurn       *turn)
{
  if (turn != self->inspected)
    {
      if (self->inspected != NULL)
        g_signal_handlers_disconnect_by_func (self->inspected, inspected_notify_cb, self);
      g_set_object (&self->inspected, turn);
      if (turn != NULL)
        g_signal_connect_object (turn, "notify", G_CALLBACK (inspected_notify_cb), self, 0);
    }

  update_inspector (self);
}

static void
copy_clicked_cb (PlaytestStatePanel *self)
{
  const char *json = self->inspected ? playtest_turn_get_reply_json (self->inspected) : NULL;

  if (json != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), json);
}

static void
copy_json_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  copy_clicked_cb (PLAYTEST_STATE_PANEL (widget));
}

/* Watching turns --------------------------------------------------------------------------- */

static void
unwatch (PlaytestStatePanel *self,
         PlaytestTurn       *turn)
{
  g_signal_handlers_disconnect_by_data (turn, self);
}

static void
turn_state_cb (PlaytestTurn       *turn,
               GParamSpec         *pspec,
               PlaytestStatePanel *self)
{
  refresh (self);

  if (!is_complete (turn))
    return;

  if (turn == self->action_turn)
    highlight_action (self);

  /* A complete turn never changes again. */
  if (turn != self->inspected)
    unwatch (self, turn);
  else
    g_signal_handlers_disconnect_by_func (turn, turn_state_cb, self);
  g_hash_table_remove (self->watched, turn);
}

/* Only turns that can still change state are watched (normally one or two, whatever the
 * length of the conversation); a failed turn can be retried, so it stays watched. */
static void
watch_turns (PlaytestStatePanel *self)
{
  GListModel *model = G_LIST_MODEL (self->conversation);
  g_autoptr(GHashTable) live = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer turn;

  for (guint i = 0, n = g_list_model_get_n_items (model); i < n; i++)
    {
      g_autoptr(PlaytestTurn) item = g_list_model_get_item (model, i);

      if (is_complete (item))
        continue;
      g_hash_table_add (live, item);
      if (!g_hash_table_contains (self->watched, item))
        {
          g_signal_connect_object (item, "notify::state", G_CALLBACK (turn_state_cb), self, 0);
          g_hash_table_add (self->watched, g_object_ref (item));
        }
    }

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &turn, NULL))
    if (!g_hash_table_contains (live, turn))
      {
        g_signal_handlers_disconnect_by_func (turn, turn_state_cb, self);
        g_hash_table_iter_remove (&iter);
      }
}

static void
items_changed_cb (GListModel         *model,
                  guint               position,
                  guint               removed,
                  guint               added,
                  PlaytestStatePanel *self)
{
  watch_turns (self);
  refresh (self);
}

static void
forget_conversation (PlaytestStatePanel *self)
{
  GHashTableIter iter;
  gpointer turn;

  if (self->conversation != NULL)
    g_signal_handlers_disconnect_by_data (self->conversation, self);
  g_clear_object (&self->conversation);

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &turn, NULL))
    {
      g_signal_handlers_disconnect_by_func (turn, turn_state_cb, self);
      g_hash_table_iter_remove (&iter);
    }

  if (self->inspected != NULL)
    g_signal_handlers_disconnect_by_func (self->inspected, inspected_notify_cb, self);
  g_clear_object (&self->inspected);
  g_clear_object (&self->selected);
  g_clear_object (&self->action_turn);
  g_clear_handle_id (&self->highlight_id, g_source_remove);
  /* NULL when dispose runs again after the template children are gone. */
  if (self->action_card != NULL)
    gtk_widget_remove_css_class (self->action_card, "action-fired");
}

/* Public API ------------------------------------------------------------------------------- */

/**
 * playtest_state_panel_new:
 *
 * Returns: (transfer floating): a new, empty state panel
 */
GtkWidget *
playtest_state_panel_new (void)
{
  return g_object_new (PLAYTEST_TYPE_STATE_PANEL, NULL);
}

/**
 * playtest_state_panel_set_conversation:
 * @self: a state panel
 * @conversation: (nullable): the conversation to follow
 *
 * Shows the state of @conversation's character and follows it as turns complete. The
 * highlight of a fired action is kept for live turns, not for turns that were already
 * complete when the conversation was set.
 */
void
playtest_state_panel_set_conversation (PlaytestStatePanel   *self,
                                       PlaytestConversation *conversation)
{
  g_return_if_fail (PLAYTEST_IS_STATE_PANEL (self));
  g_return_if_fail (conversation == NULL || PLAYTEST_IS_CONVERSATION (conversation));

  if (self->conversation == conversation)
    return;

  forget_conversation (self);
  if (conversation != NULL)
    {
      self->conversation = g_object_ref (conversation);
      g_signal_connect_object (conversation, "items-changed", G_CALLBACK (items_changed_cb),
                               self, 0);
      watch_turns (self);
    }

  refresh (self);
}

/**
 * playtest_state_panel_set_section_names:
 * @self: a state panel
 * @section_names: (nullable) (element-type utf8 utf8): section id → section name
 *
 * Names the narrative sections; the panel shows the id of a section it has no name for.
 */
void
playtest_state_panel_set_section_names (PlaytestStatePanel *self,
                                        GHashTable         *section_names)
{
  g_return_if_fail (PLAYTEST_IS_STATE_PANEL (self));

  if (self->section_names == section_names)
    return;

  g_clear_pointer (&self->section_names, g_hash_table_unref);
  if (section_names != NULL)
    self->section_names = g_hash_table_ref (section_names);

  refresh (self);
}

/**
 * playtest_state_panel_set_selected_turn:
 * @self: a state panel
 * @turn: (nullable): the turn to inspect, or %NULL to follow the newest turn
 *
 * Chooses the turn the inspector shows.
 */
void
playtest_state_panel_set_selected_turn (PlaytestStatePanel *self,
                                        PlaytestTurn       *turn)
{
  g_return_if_fail (PLAYTEST_IS_STATE_PANEL (self));
  g_return_if_fail (turn == NULL || PLAYTEST_IS_TURN (turn));

  g_set_object (&self->selected, turn);
  refresh (self);
}

/* GObject ---------------------------------------------------------------------------------- */

static void
playtest_state_panel_dispose (GObject *object)
{
  PlaytestStatePanel *self = PLAYTEST_STATE_PANEL (object);

  forget_conversation (self);
  g_clear_pointer (&self->section_names, g_hash_table_unref);
  g_clear_pointer (&self->history_turns, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), PLAYTEST_TYPE_STATE_PANEL);

  G_OBJECT_CLASS (playtest_state_panel_parent_class)->dispose (object);
}

static void
playtest_state_panel_finalize (GObject *object)
{
  PlaytestStatePanel *self = PLAYTEST_STATE_PANEL (object);

  g_hash_table_unref (self->watched);

  G_OBJECT_CLASS (playtest_state_panel_parent_class)->finalize (object);
}

static void
playtest_state_panel_class_init (PlaytestStatePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = playtest_state_panel_dispose;
  object_class->finalize = playtest_state_panel_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/convai_playtest/Playtest/"
                                               "playtest-state-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, emotion_card);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, emotion_swatch);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, emotion_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, intensity_bar);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, speaking_bar);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, history_placeholder);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, emotion_history);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, action_card);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, action_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, action_sequence);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, action_turn_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, section_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, section_id_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, inspector_title);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, inspector_details);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, timings_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, error_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, warnings_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, request_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, reply_view);
  gtk_widget_class_bind_template_child (widget_class, PlaytestStatePanel, copy_button);
  gtk_widget_class_bind_template_callback (widget_class, copy_clicked_cb);

  gtk_widget_class_install_action (widget_class, "state-panel.copy-json", NULL,
                                   copy_json_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
playtest_state_panel_init (PlaytestStatePanel *self)
{
  GtkLevelBar *bar;

  self->watched = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->history_turns = g_ptr_array_new_with_free_func (g_object_unref);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The intensity is a level, not a warning: one colour for every block. */
  bar = GTK_LEVEL_BAR (self->intensity_bar);
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_FULL);

  /* Loudness, not a warning either. */
  bar = GTK_LEVEL_BAR (self->speaking_bar);
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_FULL);

  refresh (self);
}

/**
 * playtest_state_panel_set_speaking_level:
 * @self: a #PlaytestStatePanel
 * @level: how loud the character speaks now, 0 (silent) to 1
 *
 * Moves the "Speaking" meter, a stand-in for lip-sync.
 */
void
playtest_state_panel_set_speaking_level (PlaytestStatePanel *self,
                                         double              level)
{
  g_return_if_fail (PLAYTEST_IS_STATE_PANEL (self));

  gtk_level_bar_set_value (GTK_LEVEL_BAR (self->speaking_bar), CLAMP (level, 0.0, 1.0));
}
