/* playtest-timeline.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "playtest-emotion-style.h"
#include "playtest-format.h"
#include "playtest-timeline.h"

/* Segment colours: a section keeps its colour wherever it recurs (hash of its id). */
#define N_SEGMENT_COLOURS 6
/* How many words of the reply a mark's accessible label carries. */
#define MARK_LABEL_WORDS 8

/* One run of consecutive completed turns in the same section. */
typedef struct
{
  char      *section_id;   /* NULL: replies that named no section (before any that did) */
  GtkWidget *box;
  GtkWidget *label;
  GtkWidget *marks;
  guint      n_marks;
} Segment;

/* One completed turn, as a mark inside its segment. */
typedef struct
{
  PlaytestTurn *turn;
  guint         number;    /* 1-based position in the conversation */
  Segment      *segment;
  GtkWidget    *button;
} Mark;

/* What a mark should be, computed from the model before any widget is touched. */
typedef struct
{
  PlaytestTurn *turn;
  guint         number;
  const char   *section_id;
} WantedMark;

struct _PlaytestTimeline
{
  GtkWidget             parent_instance;

  PlaytestConversation *conversation;
  GHashTable           *section_names;
  GPtrArray            *turns;     /* the model, mirrored, each with notify::state connected */
  GPtrArray            *segments;  /* Segment *, oldest first */
  GPtrArray            *marks;     /* Mark *, oldest first */
  Segment              *current;   /* the emphasised (last) segment */
  gboolean              stick_to_end;

  GtkWidget            *stack;
  GtkWidget            *placeholder;
  GtkWidget            *scroller;
  GtkWidget            *segment_box;
};

G_DEFINE_FINAL_TYPE (PlaytestTimeline, playtest_timeline, GTK_TYPE_WIDGET)

enum {
  SIGNAL_TURN_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
segment_free (Segment *segment)
{
  g_free (segment->section_id);
  g_free (segment);
}

static void
mark_free (Mark *mark)
{
  g_object_unref (mark->turn);
  g_free (mark);
}

/* Segments --------------------------------------------------------------------------------- */

static const char *
segment_title (PlaytestTimeline *self,
               Segment          *segment)
{
  if (segment->section_id == NULL)
    return _("No section");

  return playtest_format_section_name (self->section_names, segment->section_id);
}

static void
label_segment (PlaytestTimeline *self,
               Segment          *segment)
{
  const char *title = segment_title (self, segment);

  gtk_label_set_text (GTK_LABEL (segment->label), title);
  gtk_widget_set_tooltip_text (segment->label, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (segment->box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, -1);
}

static Segment *
append_segment (PlaytestTimeline *self,
                const char       *section_id)
{
  Segment *segment = g_new0 (Segment, 1);
  g_autofree char *colour = NULL;

  segment->section_id = g_strdup (section_id);
  segment->box = g_object_new (GTK_TYPE_BOX,
                               "orientation", GTK_ORIENTATION_VERTICAL,
                               "spacing", 2,
                               "accessible-role", GTK_ACCESSIBLE_ROLE_GROUP,
                               NULL);
  colour = g_strdup_printf ("timeline-colour-%u",
                            section_id ? g_str_hash (section_id) % N_SEGMENT_COLOURS : 0);
  gtk_widget_add_css_class (segment->box, "timeline-segment");
  gtk_widget_add_css_class (segment->box, section_id ? colour : "timeline-colour-none");

  segment->label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (segment->label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (segment->label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (segment->label), 28);
  gtk_widget_add_css_class (segment->label, "caption-heading");
  gtk_box_append (GTK_BOX (segment->box), segment->label);

  segment->marks = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_box_append (GTK_BOX (segment->box), segment->marks);

  label_segment (self, segment);
  gtk_box_append (GTK_BOX (self->segment_box), segment->box);
  g_ptr_array_add (self->segments, segment);

  return segment;
}

static void
emphasise_current (PlaytestTimeline *self)
{
  Segment *last = self->segments->len > 0
                  ? g_ptr_array_index (self->segments, self->segments->len - 1) : NULL;

  if (last == self->current)
    return;

  if (self->current != NULL)
    gtk_widget_remove_css_class (self->current->box, "current");
  if (last != NULL)
    gtk_widget_add_css_class (last->box, "current");
  self->current = last;
}

/* Marks ------------------------------------------------------------------------------------ */

static char *
first_words (const char *text)
{
  g_auto(GStrv) words = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  guint n = 0;

  if (text == NULL)
    return g_strdup ("");

  words = g_strsplit_set (text, " \t\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (n++ == MARK_LABEL_WORDS)
        {
          g_string_append (out, "…");
          break;
        }
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, words[i]);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
describe_mark (PlaytestTimeline *self,
               const WantedMark *wanted)
{
  g_autofree char *time = playtest_format_clock_time (playtest_turn_get_sent_at (wanted->turn));
  const char *emotion = playtest_turn_get_emotion (wanted->turn);
  const char *reply = playtest_turn_get_reply_text (wanted->turn);
  g_autofree char *shortened = NULL;

  if (reply != NULL && g_utf8_strlen (reply, -1) > 200)
    {
      g_autofree char *head = g_utf8_substring (reply, 0, 200);

      shortened = g_strconcat (head, "…", NULL);
    }

  /* Translators: a timeline mark's tooltip: turn number, time, emotion, then the reply */
  return g_strdup_printf (_("Turn %u · %s · %s\n%s"), wanted->number, time,
                          emotion ? emotion : _("no emotion"),
                          shortened ? shortened : reply ? reply : "");
}

static void
mark_clicked_cb (GtkButton        *button,
                 PlaytestTimeline *self)
{
  PlaytestTurn *turn = g_object_get_data (G_OBJECT (button), "playtest-turn");

  g_signal_emit (self, signals[SIGNAL_TURN_ACTIVATED], 0, turn);
}

static GtkWidget *
make_mark_button (PlaytestTimeline *self,
                  const WantedMark *wanted)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *dot = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  const char *emotion = playtest_turn_get_emotion (wanted->turn);
  g_autofree char *words = first_words (playtest_turn_get_reply_text (wanted->turn));
  g_autofree char *label = NULL;
  g_autofree char *tooltip = describe_mark (self, wanted);

  gtk_widget_add_css_class (dot, "timeline-dot");
  gtk_widget_add_css_class (dot, "emotion-dot");
  gtk_widget_add_css_class (dot, playtest_emotion_get_css_class (emotion));
  gtk_widget_set_halign (dot, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
  gtk_button_set_child (GTK_BUTTON (button), dot);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "timeline-mark");
  gtk_widget_set_tooltip_text (button, tooltip);

  /* Translators: a timeline mark's accessible label: "Turn 3: The ring? Ah…" */
  label = *words ? g_strdup_printf (_("Turn %u: %s"), wanted->number, words)
                 : g_strdup_printf (_("Turn %u"), wanted->number);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);

  g_object_set_data_full (G_OBJECT (button), "playtest-turn", g_object_ref (wanted->turn),
                          g_object_unref);
  g_signal_connect (button, "clicked", G_CALLBACK (mark_clicked_cb), self);

  return button;
}

static void
append_mark (PlaytestTimeline *self,
             const WantedMark *wanted)
{
  Segment *segment = self->segments->len > 0
                     ? g_ptr_array_index (self->segments, self->segments->len - 1) : NULL;
  Mark *mark = g_new0 (Mark, 1);

  if (segment == NULL || g_strcmp0 (segment->section_id, wanted->section_id) != 0)
    segment = append_segment (self, wanted->section_id);

  mark->turn = g_object_ref (wanted->turn);
  mark->number = wanted->number;
  mark->segment = segment;
  mark->button = make_mark_button (self, wanted);
  gtk_box_append (GTK_BOX (segment->marks), mark->button);
  segment->n_marks++;
  g_ptr_array_add (self->marks, mark);
}

static void
remove_last_mark (PlaytestTimeline *self)
{
  Mark *mark = g_ptr_array_index (self->marks, self->marks->len - 1);
  Segment *segment = mark->segment;

  gtk_box_remove (GTK_BOX (segment->marks), mark->button);
  g_ptr_array_remove_index (self->marks, self->marks->len - 1);

  if (--segment->n_marks > 0)
    return;

  if (segment == self->current)
    self->current = NULL;
  gtk_box_remove (GTK_BOX (self->segment_box), segment->box);
  g_ptr_array_remove_index (self->segments, self->segments->len - 1);
}

/* Syncing with the model ------------------------------------------------------------------- */

/* Completed turns in order, each with the section it belongs to. A reply that names no
 * section leaves the character where it was, so it joins the section before it. Pending
 * and failed turns have no reply yet, hence no mark. */
static GArray *
collect_wanted (PlaytestTimeline *self)
{
  GArray *wanted = g_array_new (FALSE, FALSE, sizeof (WantedMark));
  const char *section_id = NULL;

  for (guint i = 0; i < self->turns->len; i++)
    {
      PlaytestTurn *turn = g_ptr_array_index (self->turns, i);
      WantedMark mark = { turn, i + 1, NULL };

      if (playtest_turn_get_state (turn) != PLAYTEST_TURN_COMPLETE)
        continue;
      if (playtest_turn_get_narrative_section_id (turn) != NULL)
        section_id = playtest_turn_get_narrative_section_id (turn);
      mark.section_id = section_id;
      g_array_append_val (wanted, mark);
    }

  return wanted;
}

static gboolean
mark_is (Mark             *mark,
         const WantedMark *wanted)
{
  return mark->turn == wanted->turn && mark->number == wanted->number &&
         g_strcmp0 (mark->segment->section_id, wanted->section_id) == 0;
}

/* Only the marks after the first difference are rebuilt: in a live conversation that is
 * the newest turn, so a timeline of hundreds of turns does not churn widgets. Walking the
 * model itself is a cheap pointer walk. */
static void
sync_marks (PlaytestTimeline *self)
{
  g_autoptr(GArray) wanted = collect_wanted (self);
  guint keep = 0;

  while (keep < self->marks->len && keep < wanted->len &&
         mark_is (g_ptr_array_index (self->marks, keep),
                  &g_array_index (wanted, WantedMark, keep)))
    keep++;

  while (self->marks->len > keep)
    remove_last_mark (self);
  for (guint i = keep; i < wanted->len; i++)
    append_mark (self, &g_array_index (wanted, WantedMark, i));

  emphasise_current (self);
  gtk_stack_set_visible_child (GTK_STACK (self->stack),
                               self->marks->len > 0 ? self->scroller : self->placeholder);
}

static void
turn_state_cb (PlaytestTurn     *turn,
               GParamSpec       *pspec,
               PlaytestTimeline *self)
{
  sync_marks (self);
}

static void
unwatch_turns (PlaytestTimeline *self,
               guint             position,
               guint             n)
{
  for (guint i = position; i < position + n; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->turns, i), turn_state_cb,
                                          self);
  g_ptr_array_remove_range (self->turns, position, n);
}

static void
items_changed_cb (GListModel       *model,
                  guint             position,
                  guint             removed,
                  guint             added,
                  PlaytestTimeline *self)
{
  unwatch_turns (self, position, removed);

  for (guint i = 0; i < added; i++)
    {
      PlaytestTurn *turn = g_list_model_get_item (model, position + i);

      g_signal_connect_object (turn, "notify::state", G_CALLBACK (turn_state_cb), self, 0);
      g_ptr_array_insert (self->turns, position + i, turn);
    }

  sync_marks (self);
}

/* Following the end while the user has not scrolled back. */
static void
adjustment_changed_cb (GtkAdjustment    *adjustment,
                       PlaytestTimeline *self)
{
  if (self->stick_to_end)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                          gtk_adjustment_get_page_size (adjustment));
}

static void
adjustment_value_changed_cb (GtkAdjustment    *adjustment,
                             PlaytestTimeline *self)
{
  self->stick_to_end = gtk_adjustment_get_value (adjustment) +
                       gtk_adjustment_get_page_size (adjustment) >=
                       gtk_adjustment_get_upper (adjustment) - 1;
}

/* Public API ------------------------------------------------------------------------------- */

/**
 * playtest_timeline_new:
 *
 * Returns: (transfer floating): a new, empty timeline
 */
GtkWidget *
playtest_timeline_new (void)
{
  return g_object_new (PLAYTEST_TYPE_TIMELINE, NULL);
}

/**
 * playtest_timeline_set_conversation:
 * @self: a timeline
 * @conversation: (nullable): the conversation to show
 *
 * Shows @conversation's path through the narrative and follows it as turns complete.
 */
void
playtest_timeline_set_conversation (PlaytestTimeline     *self,
                                    PlaytestConversation *conversation)
{
  guint n = 0;

  g_return_if_fail (PLAYTEST_IS_TIMELINE (self));
  g_return_if_fail (conversation == NULL || PLAYTEST_IS_CONVERSATION (conversation));

  if (self->conversation == conversation)
    return;

  if (self->conversation != NULL)
    g_signal_handlers_disconnect_by_data (self->conversation, self);
  unwatch_turns (self, 0, self->turns->len);
  g_set_object (&self->conversation, conversation);
  self->stick_to_end = TRUE;

  if (conversation != NULL)
    {
      g_signal_connect_object (conversation, "items-changed", G_CALLBACK (items_changed_cb),
                               self, 0);
      n = g_list_model_get_n_items (G_LIST_MODEL (conversation));
    }

  items_changed_cb (G_LIST_MODEL (conversation), 0, 0, n, self);
}

/**
 * playtest_timeline_set_section_names:
 * @self: a timeline
 * @section_names: (nullable) (element-type utf8 utf8): section id → section name
 *
 * Names the segments; a segment whose section has no name shows the section id.
 */
void
playtest_timeline_set_section_names (PlaytestTimeline *self,
                                     GHashTable       *section_names)
{
  g_return_if_fail (PLAYTEST_IS_TIMELINE (self));

  if (self->section_names == section_names)
    return;

  g_clear_pointer (&self->section_names, g_hash_table_unref);
  if (section_names != NULL)
    self->section_names = g_hash_table_ref (section_names);

  for (guint i = 0; i < self->segments->len; i++)
    label_segment (self, g_ptr_array_index (self->segments, i));
}

/**
 * playtest_timeline_get_n_segments:
 * @self: a timeline
 *
 * Returns: how many segments (runs of turns in one section) the timeline shows
 */
guint
playtest_timeline_get_n_segments (PlaytestTimeline *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TIMELINE (self), 0);

  return self->segments->len;
}

/* GObject ---------------------------------------------------------------------------------- */

static void
playtest_timeline_dispose (GObject *object)
{
  PlaytestTimeline *self = PLAYTEST_TIMELINE (object);

  if (self->conversation != NULL)
    g_signal_handlers_disconnect_by_data (self->conversation, self);
  g_clear_object (&self->conversation);
  if (self->turns != NULL)
    unwatch_turns (self, 0, self->turns->len);
  g_clear_pointer (&self->marks, g_ptr_array_unref);
  g_clear_pointer (&self->segments, g_ptr_array_unref);
  g_clear_pointer (&self->turns, g_ptr_array_unref);
  g_clear_pointer (&self->section_names, g_hash_table_unref);
  self->current = NULL;
  g_clear_pointer (&self->stack, gtk_widget_unparent);

  G_OBJECT_CLASS (playtest_timeline_parent_class)->dispose (object);
}

static void
playtest_timeline_class_init (PlaytestTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = playtest_timeline_dispose;

  /**
   * PlaytestTimeline::turn-activated:
   * @self: the timeline
   * @turn: the turn whose mark was clicked
   *
   * The user asked to see @turn: the conversation view scrolls to it.
   */
  signals[SIGNAL_TURN_ACTIVATED] =
    g_signal_new ("turn-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, PLAYTEST_TYPE_TURN);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "timeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
build_scroller (PlaytestTimeline *self)
{
  GtkAdjustment *adjustment;

  self->segment_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (self->segment_box, "timeline-segments");

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller),
                                  GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), self->segment_box);

  adjustment = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (self->scroller));
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (adjustment_changed_cb), self, 0);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (adjustment_value_changed_cb), self, 0);
}

static void
playtest_timeline_init (PlaytestTimeline *self)
{
  self->turns = g_ptr_array_new_with_free_func (g_object_unref);
  self->segments = g_ptr_array_new_with_free_func ((GDestroyNotify) segment_free);
  self->marks = g_ptr_array_new_with_free_func ((GDestroyNotify) mark_free);
  self->stick_to_end = TRUE;

  self->placeholder = gtk_label_new (_("The narrative timeline fills in as the character "
                                       "moves through its story."));
  gtk_label_set_wrap (GTK_LABEL (self->placeholder), TRUE);
  gtk_widget_add_css_class (self->placeholder, "dim-label");
  gtk_widget_add_css_class (self->placeholder, "caption");

  build_scroller (self);

  self->stack = gtk_stack_new ();
  gtk_stack_add_child (GTK_STACK (self->stack), self->placeholder);
  gtk_stack_add_child (GTK_STACK (self->stack), self->scroller);
  gtk_stack_set_visible_child (GTK_STACK (self->stack), self->placeholder);
  gtk_widget_set_parent (self->stack, GTK_WIDGET (self));

  gtk_widget_add_css_class (GTK_WIDGET (self), "narrative-timeline");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Narrative timeline"), -1);
}
