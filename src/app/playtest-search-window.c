/* playtest-search-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "playtest-format.h"
#include "playtest-search-window.h"

/* A search shows the best matches; more would be reading, not finding. */
#define MAX_HITS 100

#define MARK_OPEN  "«"
#define MARK_CLOSE "»"

struct _PlaytestSearchWindow
{
  AdwWindow              parent_instance;

  PlaytestHistory       *history;
  PlaytestCharacterList *characters;
  GPtrArray             *hits;

  GtkWidget             *search_entry;
  GtkWidget             *stack;
  GtkWidget             *error_page;
  GtkWidget             *results_list;
};

G_DEFINE_FINAL_TYPE (PlaytestSearchWindow, playtest_search_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_HISTORY,
  N_PROPS
};

enum {
  SIGNAL_HIT_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Hit rows --------------------------------------------------------------------------------- */

/* The store marks matches as «word»; they become bold, and everything else is escaped so a
 * line with "<" or "&" in it shows as typed. */
static char *
snippet_to_markup (const char *snippet)
{
  GString *markup = g_string_new (NULL);
  const char *p = snippet != NULL ? snippet : "";
  gboolean in_match = FALSE;

  while (*p != '\0')
    {
      const char *mark = strstr (p, in_match ? MARK_CLOSE : MARK_OPEN);
      gsize len = mark != NULL ? (gsize) (mark - p) : strlen (p);
      g_autofree char *escaped = g_markup_escape_text (p, len);

      g_string_append (markup, escaped);
      if (mark == NULL)
        break;

      g_string_append (markup, in_match ? "</b>" : "<b>");
      in_match = !in_match;
      p = mark + strlen (in_match ? MARK_OPEN : MARK_CLOSE);
    }

  if (in_match)
    g_string_append (markup, "</b>");

  return g_string_free (markup, FALSE);
}

/* People know their characters by name; ids are for the dashboard. */
static const char *
character_name (PlaytestSearchWindow *self,
                const char           *character_id)
{
  PlaytestCharacterItem *item = NULL;
  const char *name;

  if (self->characters != NULL)
    item = playtest_character_list_lookup (self->characters, character_id);
  name = item != NULL ? playtest_character_item_get_name (item) : NULL;

  return name != NULL && *name != '\0' ? name : character_id;
}

static GtkWidget *
create_hit_row (const PlaytestSearchHit *hit,
                const char              *name)
{
  g_autofree char *date = playtest_format_date_time (hit->sent_at);
  g_autofree char *markup = snippet_to_markup (hit->snippet);
  g_autofree char *accessible = NULL;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *character = gtk_label_new (name);
  GtkWidget *when = gtk_label_new (date);
  GtkWidget *snippet = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (character), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (character), 0);
  gtk_widget_set_hexpand (character, TRUE);
  gtk_widget_add_css_class (character, "heading");
  gtk_widget_add_css_class (when, "dim-label");
  gtk_widget_add_css_class (when, "caption");
  gtk_widget_add_css_class (when, "numeric");
  gtk_box_append (GTK_BOX (header), character);
  gtk_box_append (GTK_BOX (header), when);

  gtk_label_set_markup (GTK_LABEL (snippet), markup);
  gtk_label_set_wrap (GTK_LABEL (snippet), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (snippet), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (snippet), 3);
  gtk_label_set_ellipsize (GTK_LABEL (snippet), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (snippet), 0);
  gtk_widget_add_css_class (snippet, "search-snippet");

  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), snippet);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  /* Translators: a search match read out: the character, when, and the matching text */
  accessible = g_strdup_printf (_("%s, %s: %s"), name, date,
                                gtk_label_get_text (GTK_LABEL (snippet)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
  return row;
}

static void
clear_results (PlaytestSearchWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->results_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->results_list), child);
  g_clear_pointer (&self->hits, g_ptr_array_unref);
}

/* Searching -------------------------------------------------------------------------------- */

static void
show_error (PlaytestSearchWindow *self,
            const char           *message)
{
  adw_status_page_set_description (ADW_STATUS_PAGE (self->error_page), message);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "error");
}

static void
search_changed_cb (PlaytestSearchWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *query = g_strstrip (g_strdup (text));
  g_autoptr(GError) error = NULL;

  clear_results (self);

  if (*query == '\0')
    {
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "start");
      return;
    }

  if (self->history == NULL)
    {
      show_error (self, _("There is no conversation history to search."));
      return;
    }

  /* FTS5 answers a query in milliseconds even for years of turns, so it runs right here;
   * the entry's own delay keeps it from running on every key. */
  self->hits = playtest_history_search (self->history, query, MAX_HITS, &error);
  if (self->hits == NULL)
    {
      show_error (self, error->message);
      return;
    }

  for (guint i = 0; i < self->hits->len; i++)
    {
      const PlaytestSearchHit *hit = g_ptr_array_index (self->hits, i);

      gtk_list_box_append (GTK_LIST_BOX (self->results_list),
                           create_hit_row (hit, character_name (self, hit->character_id)));
    }

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack),
                                    self->hits->len > 0 ? "results" : "empty");
}

static void
activate_hit (PlaytestSearchWindow *self,
              guint                 index)
{
  const PlaytestSearchHit *hit;

  if (self->hits == NULL || index >= self->hits->len)
    return;

  hit = g_ptr_array_index (self->hits, index);
  g_signal_emit (self, signals[SIGNAL_HIT_ACTIVATED], 0, hit->conversation_id, hit->turn_id);
  gtk_window_close (GTK_WINDOW (self));
}

static void
row_activated_cb (PlaytestSearchWindow *self,
                  GtkListBoxRow        *row)
{
  activate_hit (self, gtk_list_box_row_get_index (row));
}

/* Enter in the entry takes the best match: type, Enter, and you are there. */
static void
search_activate_cb (PlaytestSearchWindow *self)
{
  activate_hit (self, 0);
}

static void
stop_search_cb (PlaytestSearchWindow *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

/* Down from the entry goes into the matches, as in GNOME's other search windows. */
static gboolean
entry_key_pressed_cb (PlaytestSearchWindow  *self,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      GtkEventControllerKey *controller)
{
  GtkListBoxRow *first;

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return GDK_EVENT_PROPAGATE;

  first = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->results_list), 0);
  if (first == NULL)
    return GDK_EVENT_PROPAGATE;

  gtk_widget_grab_focus (GTK_WIDGET (first));
  return GDK_EVENT_STOP;
}

/* GObject ---------------------------------------------------------------------------------- */

static void
playtest_search_window_dispose (GObject *object)
{
  PlaytestSearchWindow *self = PLAYTEST_SEARCH_WINDOW (object);

  g_clear_pointer (&self->hits, g_ptr_array_unref);
  g_clear_object (&self->history);
  g_clear_object (&self->characters);

  G_OBJECT_CLASS (playtest_search_window_parent_class)->dispose (object);
}

static void
playtest_search_window_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  PlaytestSearchWindow *self = PLAYTEST_SEARCH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_search_window_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  PlaytestSearchWindow *self = PLAYTEST_SEARCH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_HISTORY:
      self->history = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_search_window_class_init (PlaytestSearchWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = playtest_search_window_dispose;
  object_class->get_property = playtest_search_window_get_property;
  object_class->set_property = playtest_search_window_set_property;

  /**
   * PlaytestSearchWindow:history: (nullable)
   *
   * The store searched.
   */
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL,
                         PLAYTEST_TYPE_HISTORY,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PlaytestSearchWindow::hit-activated:
   * @self: the window
   * @conversation_id: the store's id of the conversation holding the turn
   * @turn_id: the turn
   *
   * Emitted when the user picks a match; the window closes right after.
   */
  signals[SIGNAL_HIT_ACTIVATED] =
    g_signal_new ("hit-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/convai_playtest/Playtest/"
                                               "playtest-search-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PlaytestSearchWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PlaytestSearchWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, PlaytestSearchWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, PlaytestSearchWindow, results_list);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
playtest_search_window_init (PlaytestSearchWindow *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  keys = gtk_event_controller_key_new ();
  /* Before the entry's text moves its cursor with the same key. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (entry_key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->search_entry, keys);
}

/**
 * playtest_search_window_new:
 * @parent: (nullable): the main window
 * @history: (nullable): the store to search
 *
 * Creates the search window, transient for @parent; present it with gtk_window_present().
 *
 * Returns: (transfer full): a new #PlaytestSearchWindow
 */
GtkWidget *
playtest_search_window_new (GtkWindow       *parent,
                            PlaytestHistory *history)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (history == NULL || PLAYTEST_IS_HISTORY (history), NULL);

  return g_object_new (PLAYTEST_TYPE_SEARCH_WINDOW,
                       "transient-for", parent,
                       "history", history,
                       NULL);
}

/**
 * playtest_search_window_set_characters:
 * @self: a #PlaytestSearchWindow
 * @characters: (nullable): the characters whose names the hits show
 *
 * Names the character of each hit; hits of characters not in @characters show the id.
 * Takes effect with the next search.
 */
void
playtest_search_window_set_characters (PlaytestSearchWindow  *self,
                                       PlaytestCharacterList *characters)
{
  g_return_if_fail (PLAYTEST_IS_SEARCH_WINDOW (self));
  g_return_if_fail (characters == NULL || PLAYTEST_IS_CHARACTER_LIST (characters));

  g_set_object (&self->characters, characters);
}
