/* playtest-conversation-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "playtest-conversation-view.h"

#include "playtest-chat-row.h"

/* How close to the end (in pixels) still counts as "at the bottom". */
#define BOTTOM_SLACK 8.0

struct _PlaytestConversationView
{
  GtkWidget             parent_instance;

  PlaytestConversation *conversation;
  GListModel           *model;
  GtkSingleSelection   *selection;
  GHashTable           *section_names;
  char                 *character_name;
  /* Only compared, never dereferenced: the selection holds the turn. */
  PlaytestTurn         *selected_turn;
  /* The turn whose reply plays; only compared, like selected_turn. */
  PlaytestTurn         *playing_turn;

  /* Every row the factory made, to pass on names; a few dozen at most. */
  GPtrArray            *rows;

  GtkWidget            *stack;
  GtkWidget            *status_page;
  GtkWidget            *scrolled_window;
  GtkWidget            *list_view;
  GtkAdjustment        *vadjustment;

  gboolean              stick_to_bottom;
  gboolean              layout_changed;
  guint                 scroll_tick_id;
  /* A turn to bring into view once the list has a size, or GTK_INVALID_LIST_POSITION. */
  guint                 scroll_to_position;
};

G_DEFINE_FINAL_TYPE (PlaytestConversationView, playtest_conversation_view, GTK_TYPE_WIDGET)

enum {
  SIGNAL_TURN_SELECTED,
  SIGNAL_RETRY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Sticking to the bottom ------------------------------------------------------------------- */

static gboolean
is_at_bottom (GtkAdjustment *adjustment)
{
  double value = gtk_adjustment_get_value (adjustment);
  double upper = gtk_adjustment_get_upper (adjustment);
  double page_size = gtk_adjustment_get_page_size (adjustment);

  return value + page_size >= upper - BOTTOM_SLACK;
}

static void queue_scroll (PlaytestConversationView *self);

static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  PlaytestConversationView *self = user_data;

  self->scroll_tick_id = 0;
  self->layout_changed = FALSE;

  /* Asked before the list was laid out, a scroll to an item is lost; ask again now. */
  if (self->scroll_to_position != GTK_INVALID_LIST_POSITION)
    {
      if (gtk_adjustment_get_page_size (self->vadjustment) <= 0)
        {
          queue_scroll (self);
          return G_SOURCE_REMOVE;
        }
      gtk_widget_activate_action (self->list_view, "list.scroll-to-item", "u",
                                  self->scroll_to_position);
      self->scroll_to_position = GTK_INVALID_LIST_POSITION;
      return G_SOURCE_REMOVE;
    }

  if (self->stick_to_bottom && !is_at_bottom (self->vadjustment))
    {
      double upper = gtk_adjustment_get_upper (self->vadjustment);
      double page_size = gtk_adjustment_get_page_size (self->vadjustment);

      gtk_adjustment_set_value (self->vadjustment, upper - page_size);
    }

  return G_SOURCE_REMOVE;
}

/* Scrolling waits for the next frame, when the list has laid out the new rows and knows
 * its new height; scrolling at once would aim at the old end. */
static void
queue_scroll (PlaytestConversationView *self)
{
  if (self->scroll_tick_id == 0)
    self->scroll_tick_id = gtk_widget_add_tick_callback (self->list_view, scroll_tick_cb,
                                                         self, NULL);
}

/* The list's height or the window's changed: not the user's doing, so it must not unstick
 * the view, even if the list moves its own value along with it. */
static void
adjustment_changed_cb (PlaytestConversationView *self)
{
  self->layout_changed = TRUE;
  queue_scroll (self);
}

static void
adjustment_value_changed_cb (PlaytestConversationView *self)
{
  if (self->layout_changed)
    return;

  /* The user scrolled (or we did): follow new turns only while at the end. */
  self->stick_to_bottom = is_at_bottom (self->vadjustment);
}

/* Rows ------------------------------------------------------------------------------------- */

static void
row_retry_cb (PlaytestConversationView *self,
              PlaytestChatRow          *row)
{
  PlaytestTurn *turn = playtest_chat_row_get_turn (row);

  if (turn != NULL)
    g_signal_emit (self, signals[SIGNAL_RETRY], 0, turn);
}

/* The view keeps a list of its rows to pass on section and character names. GTK 4.8 can
 * drop a list item without a teardown that still finds its child, so a row leaves the list
 * when it is finalized, not when the factory says so. */
static void
row_finalized_cb (gpointer  data,
                  GObject  *where_the_row_was)
{
  PlaytestConversationView *self = data;

  g_ptr_array_remove_fast (self->rows, where_the_row_was);
}

/* The rows do not play anything: they ask the window, which owns the player. */
static void
row_play_cb (PlaytestConversationView *self,
             PlaytestChatRow          *row)
{
  PlaytestTurn *turn = playtest_chat_row_get_turn (row);

  if (turn != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.play-turn", "x",
                                playtest_turn_get_id (turn));
}

static void
row_play_recording_cb (PlaytestConversationView *self,
                       PlaytestChatRow          *row)
{
  PlaytestTurn *turn = playtest_chat_row_get_turn (row);

  if (turn != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.play-recording", "x",
                                playtest_turn_get_id (turn));
}

static void
row_stop_cb (PlaytestConversationView *self,
             PlaytestChatRow          *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.stop-audio", NULL);
}

static void
setup_row_cb (PlaytestConversationView *self,
              GtkListItem              *item)
{
  GtkWidget *row = playtest_chat_row_new ();

  playtest_chat_row_set_section_names (PLAYTEST_CHAT_ROW (row), self->section_names);
  playtest_chat_row_set_character_name (PLAYTEST_CHAT_ROW (row), self->character_name);
  g_signal_connect_object (row, "retry", G_CALLBACK (row_retry_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "play", G_CALLBACK (row_play_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "stop", G_CALLBACK (row_stop_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "play-recording", G_CALLBACK (row_play_recording_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_list_item_set_child (item, row);

  g_ptr_array_add (self->rows, row);
  g_object_weak_ref (G_OBJECT (row), row_finalized_cb, self);
}

static void
bind_row_cb (PlaytestConversationView *self,
             GtkListItem              *item)
{
  PlaytestChatRow *row = PLAYTEST_CHAT_ROW (gtk_list_item_get_child (item));

  playtest_chat_row_set_turn (row, gtk_list_item_get_item (item));
  playtest_chat_row_set_playing (row, self->playing_turn != NULL &&
                                      gtk_list_item_get_item (item) == self->playing_turn);
}

static void
unbind_row_cb (PlaytestConversationView *self,
               GtkListItem              *item)
{
  PlaytestChatRow *row = PLAYTEST_CHAT_ROW (gtk_list_item_get_child (item));

  playtest_chat_row_set_turn (row, NULL);
  playtest_chat_row_set_playing (row, FALSE);
}

/* Model ------------------------------------------------------------------------------------ */

static const char *
get_display_name (PlaytestConversationView *self)
{
  if (self->character_name != NULL && *self->character_name != '\0')
    return self->character_name;
  if (self->conversation != NULL)
    return playtest_conversation_get_character_id (self->conversation);
  return NULL;
}

static void
update_placeholder (PlaytestConversationView *self)
{
  const char *name = get_display_name (self);
  g_autofree char *title = NULL;
  gboolean empty = self->model == NULL || g_list_model_get_n_items (self->model) == 0;

  /* Translators: the empty conversation's title; %s is the character's name */
  title = name != NULL ? g_strdup_printf (_("Say hello to %s"), name) : g_strdup (_("Say hello"));
  adw_status_page_set_title (ADW_STATUS_PAGE (self->status_page), title);
  gtk_stack_set_visible_child (GTK_STACK (self->stack),
                               empty ? self->status_page : self->scrolled_window);
}

static void
items_changed_cb (PlaytestConversationView *self,
                  guint                     position,
                  guint                     removed,
                  guint                     added)
{
  update_placeholder (self);

  if (added > 0 && self->stick_to_bottom)
    queue_scroll (self);
}

static void
selected_item_changed_cb (PlaytestConversationView *self)
{
  PlaytestTurn *turn = gtk_single_selection_get_selected_item (self->selection);

  /* The selection notifies on every model swap, even from nothing to nothing. */
  if (turn == self->selected_turn)
    return;

  self->selected_turn = turn;
  g_signal_emit (self, signals[SIGNAL_TURN_SELECTED], 0, turn);
}

/* GObject ---------------------------------------------------------------------------------- */

static void
playtest_conversation_view_dispose (GObject *object)
{
  PlaytestConversationView *self = PLAYTEST_CONVERSATION_VIEW (object);

  if (self->scroll_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (self->list_view, self->scroll_tick_id);
      self->scroll_tick_id = 0;
    }

  playtest_conversation_view_set_model (self, NULL);
  g_clear_object (&self->conversation);

  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_clear_object (&self->vadjustment);

  g_clear_pointer (&self->stack, gtk_widget_unparent);
  for (guint i = 0; self->rows != NULL && i < self->rows->len; i++)
    g_object_weak_unref (g_ptr_array_index (self->rows, i), row_finalized_cb, self);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->section_names, g_hash_table_unref);
  g_clear_pointer (&self->character_name, g_free);

  G_OBJECT_CLASS (playtest_conversation_view_parent_class)->dispose (object);
}

static void
playtest_conversation_view_class_init (PlaytestConversationViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = playtest_conversation_view_dispose;

  /**
   * PlaytestConversationView::turn-selected:
   * @self: the view
   * @turn: (nullable): the selected turn, or %NULL when none is
   *
   * Emitted when the selected row changes.
   */
  signals[SIGNAL_TURN_SELECTED] =
    g_signal_new ("turn-selected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PLAYTEST_TYPE_TURN);

  /**
   * PlaytestConversationView::retry:
   * @self: the view
   * @turn: the failed turn
   *
   * Emitted when the user asks to send a failed turn again. The view does not resend it
   * itself: whoever owns the conversation calls playtest_conversation_retry().
   */
  signals[SIGNAL_RETRY] =
    g_signal_new ("retry",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PLAYTEST_TYPE_TURN);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "conversationview");
}

static GtkListItemFactory *
create_factory (PlaytestConversationView *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_row_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_row_cb), self,
                           G_CONNECT_SWAPPED);
  return factory;
}

static void
create_status_page (PlaytestConversationView *self)
{
  self->status_page = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->status_page),
                                 "chat-message-new-symbolic");
  adw_status_page_set_description (ADW_STATUS_PAGE (self->status_page),
                                   _("Type a line below and press Enter to send it."));
  gtk_stack_add_named (GTK_STACK (self->stack), self->status_page, "empty");
}

static void
create_list (PlaytestConversationView *self)
{
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selected_item_changed_cb), self, G_CONNECT_SWAPPED);

  self->list_view = gtk_list_view_new (GTK_SELECTION_MODEL (self->selection),
                                       create_factory (self));
  gtk_widget_add_css_class (self->list_view, "conversation");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Conversation"),
                                  -1);

  self->scrolled_window = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled_window),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled_window), self->list_view);
  gtk_stack_add_named (GTK_STACK (self->stack), self->scrolled_window, "list");

  self->vadjustment = g_object_ref (gtk_scrolled_window_get_vadjustment (
                                      GTK_SCROLLED_WINDOW (self->scrolled_window)));
  g_signal_connect_swapped (self->vadjustment, "changed",
                            G_CALLBACK (adjustment_changed_cb), self);
  g_signal_connect_swapped (self->vadjustment, "value-changed",
                            G_CALLBACK (adjustment_value_changed_cb), self);
}

static void
playtest_conversation_view_init (PlaytestConversationView *self)
{
  self->rows = g_ptr_array_new ();
  self->stick_to_bottom = TRUE;
  self->scroll_to_position = GTK_INVALID_LIST_POSITION;

  self->stack = gtk_stack_new ();
  gtk_widget_set_parent (self->stack, GTK_WIDGET (self));

  create_status_page (self);
  create_list (self);
  update_placeholder (self);
}

/* Public API ------------------------------------------------------------------------------- */

/**
 * playtest_conversation_view_new:
 *
 * Creates an empty chat pane.
 *
 * Returns: (transfer full): a new #PlaytestConversationView
 */
GtkWidget *
playtest_conversation_view_new (void)
{
  return g_object_new (PLAYTEST_TYPE_CONVERSATION_VIEW, NULL);
}

/**
 * playtest_conversation_view_set_model:
 * @self: a #PlaytestConversationView
 * @turns: (nullable): a #GListModel of #PlaytestTurn, oldest first
 *
 * Shows @turns. playtest_conversation_view_set_conversation() is the usual way in; this
 * takes any list of turns (a past session, a test's store).
 */
void
playtest_conversation_view_set_model (PlaytestConversationView *self,
                                      GListModel               *turns)
{
  g_return_if_fail (PLAYTEST_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (turns == NULL || G_IS_LIST_MODEL (turns));

  if (self->model == turns)
    return;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, items_changed_cb, self);
  g_set_object (&self->model, turns);

  if (turns != NULL)
    g_signal_connect_object (turns, "items-changed", G_CALLBACK (items_changed_cb), self,
                             G_CONNECT_SWAPPED);

  /* A new conversation starts at its end, following new turns. */
  self->stick_to_bottom = TRUE;
  self->scroll_to_position = GTK_INVALID_LIST_POSITION;
  gtk_single_selection_set_model (self->selection, turns);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  update_placeholder (self);

  if (turns != NULL)
    queue_scroll (self);
}

/**
 * playtest_conversation_view_set_conversation:
 * @self: a #PlaytestConversationView
 * @conversation: (nullable): the conversation to show
 *
 * Shows @conversation and follows its turns as they are added and filled.
 */
void
playtest_conversation_view_set_conversation (PlaytestConversationView *self,
                                             PlaytestConversation     *conversation)
{
  g_return_if_fail (PLAYTEST_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (conversation == NULL || PLAYTEST_IS_CONVERSATION (conversation));

  if (self->conversation == conversation)
    return;

  g_set_object (&self->conversation, conversation);
  playtest_conversation_view_set_model (self, G_LIST_MODEL (conversation));
  update_placeholder (self);
}

/**
 * playtest_conversation_view_set_section_names:
 * @self: a #PlaytestConversationView
 * @section_names: (nullable) (element-type utf8 utf8): section id → section name
 *
 * Sets the names the rows show for narrative sections; rows show the id where a name is
 * missing.
 */
void
playtest_conversation_view_set_section_names (PlaytestConversationView *self,
                                              GHashTable               *section_names)
{
  g_return_if_fail (PLAYTEST_IS_CONVERSATION_VIEW (self));

  if (section_names != NULL)
    g_hash_table_ref (section_names);
  g_clear_pointer (&self->section_names, g_hash_table_unref);
  self->section_names = section_names;

  for (guint i = 0; i < self->rows->len; i++)
    playtest_chat_row_set_section_names (g_ptr_array_index (self->rows, i), section_names);
}

/**
 * playtest_conversation_view_set_character_name:
 * @self: a #PlaytestConversationView
 * @name: (nullable): the character's display name; %NULL shows its id
 *
 * Sets the name over the character's replies and in the empty conversation's greeting.
 */
void
playtest_conversation_view_set_character_name (PlaytestConversationView *self,
                                               const char               *name)
{
  g_return_if_fail (PLAYTEST_IS_CONVERSATION_VIEW (self));

  if (g_strcmp0 (self->character_name, name) == 0)
    return;

  g_free (self->character_name);
  self->character_name = g_strdup (name);

  for (guint i = 0; i < self->rows->len; i++)
    playtest_chat_row_set_character_name (g_ptr_array_index (self->rows, i), name);
  update_placeholder (self);
}

/**
 * playtest_conversation_view_scroll_to_turn:
 * @self: a #PlaytestConversationView
 * @turn: a turn of the shown conversation
 *
 * Scrolls @turn into view and selects it (so `turn-selected` is emitted). Nothing happens
 * if @turn is not in the conversation.
 */
void
playtest_conversation_view_scroll_to_turn (PlaytestConversationView *self,
                                           PlaytestTurn             *turn)
{
  guint n_items;

  g_return_if_fail (PLAYTEST_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (PLAYTEST_IS_TURN (turn));

  if (self->model == NULL)
    return;

  n_items = g_list_model_get_n_items (self->model);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(PlaytestTurn) item = g_list_model_get_item (self->model, i);

      if (item != turn)
        continue;

      /* Jumping back in history is reading, not waiting for the next turn. */
      self->stick_to_bottom = i + 1 == n_items;
      gtk_single_selection_set_selected (self->selection, i);
      /* GTK 4.8 has no gtk_list_view_scroll_to(); its "list.scroll-to-item" action does it,
       * on the next frame: asked before the list has laid out this conversation's rows (it
       * was just opened), the action fails with a warning. */
      self->scroll_to_position = i;
      queue_scroll (self);
      return;
    }
}

/**
 * playtest_conversation_view_get_selected_turn:
 * @self: a #PlaytestConversationView
 *
 * Returns: (transfer none) (nullable): the selected turn
 */
PlaytestTurn *
playtest_conversation_view_get_selected_turn (PlaytestConversationView *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CONVERSATION_VIEW (self), NULL);

  return gtk_single_selection_get_selected_item (self->selection);
}

/**
 * playtest_conversation_view_set_playing_turn:
 * @self: a #PlaytestConversationView
 * @turn: (nullable): the turn whose reply plays
 *
 * Marks @turn's row playing, and no other.
 */
void
playtest_conversation_view_set_playing_turn (PlaytestConversationView *self,
                                             PlaytestTurn             *turn)
{
  g_return_if_fail (PLAYTEST_IS_CONVERSATION_VIEW (self));

  self->playing_turn = turn;
  for (guint i = 0; i < self->rows->len; i++)
    {
      PlaytestChatRow *row = g_ptr_array_index (self->rows, i);
      PlaytestTurn *shown = playtest_chat_row_get_turn (row);

      playtest_chat_row_set_playing (row, shown != NULL && shown == turn);
    }
}
