/* test-timeline.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The narrative timeline against the in-process demo backend: it is labelled "Narrative
 * timeline", shows a placeholder until a reply arrives, gains a segment when the section
 * changes (and not otherwise), labels each segment for accessibility with the section's
 * name (its id when no name is known), keeps a mark per completed turn (none for a failed
 * one) whose click emits turn-activated with that turn, and grows without rebuilding the
 * segments it already has.
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "playtest-app-resources.h"
#include "playtest-timeline.h"
#include "ui-test-util.h"

#define DEMO_KEY       "timeline-secret-key"
#define PLACEHOLDER    "The narrative timeline fills in as the character moves through its story."

typedef struct
{
  UiTestBackend     backend;
  GtkWidget        *timeline;
  GPtrArray        *activated;
} Fixture;

static void
turn_activated_cb (PlaytestTimeline *timeline,
                   PlaytestTurn     *turn,
                   Fixture          *fixture)
{
  g_ptr_array_add (fixture->activated, g_object_ref (turn));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->activated = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->timeline = playtest_timeline_new ();
  g_signal_connect (fixture->timeline, "turn-activated", G_CALLBACK (turn_activated_cb),
                    fixture);
  ui_test_backend_init (&fixture->backend, DEMO_KEY, fixture->timeline, 800, 90);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  ui_test_backend_clear (&fixture->backend);
  g_clear_pointer (&fixture->activated, g_ptr_array_unref);
}

static PlaytestTimeline *
timeline (Fixture *fixture)
{
  return PLAYTEST_TIMELINE (fixture->timeline);
}

static PlaytestTurn *
say (Fixture    *fixture,
     const char *text)
{
  return ui_test_say (&fixture->backend, text);
}

static void
collect_class (GtkWidget  *widget,
               const char *css_class,
               GPtrArray  *found)
{
  if (gtk_widget_has_css_class (widget, css_class))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_class (child, css_class, found);
}

static GPtrArray *
find_class (Fixture    *fixture,
            const char *css_class)
{
  GPtrArray *found = g_ptr_array_new ();

  collect_class (fixture->timeline, css_class, found);
  return found;
}

static GtkWidget *
segment (Fixture *fixture,
         guint    index)
{
  g_autoptr(GPtrArray) segments = find_class (fixture, "timeline-segment");

  g_assert_cmpuint (segments->len, ==, playtest_timeline_get_n_segments (timeline (fixture)));
  g_assert_cmpuint (index, <, segments->len);
  return g_ptr_array_index (segments, index);
}

static guint
count_marks (GtkWidget *root)
{
  g_autoptr(GPtrArray) marks = g_ptr_array_new ();

  collect_class (root, "timeline-mark", marks);
  return marks->len;
}

static void
assert_placeholder (Fixture  *fixture,
                    gboolean  shown)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkWidget *placeholder = NULL;

  collect_class (fixture->timeline, "dim-label", labels);
  for (guint i = 0; i < labels->len; i++)
    if (GTK_IS_LABEL (labels->pdata[i]) &&
        g_strcmp0 (gtk_label_get_text (labels->pdata[i]), PLACEHOLDER) == 0)
      placeholder = labels->pdata[i];

  g_assert_nonnull (placeholder);
  g_assert_cmpint (gtk_widget_get_mapped (placeholder), ==, shown);
}

static GHashTable *
mira_section_names (void)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_hash_table_insert (names, g_strdup ("mira-arrival"), g_strdup ("Arrival"));
  g_hash_table_insert (names, g_strdup ("mira-lost-ring"), g_strdup ("The Lost Ring"));
  g_hash_table_insert (names, g_strdup ("mira-cellar-search"), g_strdup ("The Cellar Search"));
  return names;
}

/* Tests ------------------------------------------------------------------------------------ */

static void
test_empty (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_assert_true (ui_test_has_label (fixture->timeline, "Narrative timeline"));
  g_assert_cmpuint (playtest_timeline_get_n_segments (timeline (fixture)), ==, 0);
  assert_placeholder (fixture, TRUE);

  playtest_timeline_set_conversation (timeline (fixture), fixture->backend.conversation);
  g_assert_cmpuint (playtest_timeline_get_n_segments (timeline (fixture)), ==, 0);
  assert_placeholder (fixture, TRUE);
}

static void
test_segment_per_section (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GHashTable) names = mira_section_names ();
  GtkWidget *first;

  playtest_timeline_set_section_names (timeline (fixture), names);
  playtest_timeline_set_conversation (timeline (fixture), fixture->backend.conversation);

  say (fixture, "Good evening");
  g_assert_cmpuint (playtest_timeline_get_n_segments (timeline (fixture)), ==, 1);
  assert_placeholder (fixture, FALSE);
  first = segment (fixture, 0);
  g_assert_true (ui_test_has_label (first, "Arrival"));
  g_assert_cmpuint (count_marks (first), ==, 1);

  /* Staying in the section: one more mark, no new segment. */
  say (fixture, "Good evening");
  g_assert_cmpuint (playtest_timeline_get_n_segments (timeline (fixture)), ==, 1);
  g_assert_cmpuint (count_marks (first), ==, 2);

  say (fixture, "Have you seen a ring?");
  g_assert_cmpuint (playtest_timeline_get_n_segments (timeline (fixture)), ==, 2);
  g_assert_true (ui_test_has_label (segment (fixture, 1), "The Lost Ring"));
  g_assert_cmpuint (count_marks (segment (fixture, 1)), ==, 1);

  say (fixture, "I will search the cellar for it");
  g_assert_cmpuint (playtest_timeline_get_n_segments (timeline (fixture)), ==, 3);
  g_assert_true (ui_test_has_label (segment (fixture, 2), "The Cellar Search"));

  /* Grown, not rebuilt: the first segment is the same widget; only the last is emphasised. */
  g_assert_true (segment (fixture, 0) == first);
  g_assert_false (gtk_widget_has_css_class (first, "current"));
  g_assert_true (gtk_widget_has_css_class (segment (fixture, 2), "current"));
}

static void
test_ids_without_names (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GHashTable) names = mira_section_names ();

  playtest_timeline_set_conversation (timeline (fixture), fixture->backend.conversation);
  say (fixture, "Good evening");
  say (fixture, "Have you seen a ring?");
  g_assert_cmpuint (playtest_timeline_get_n_segments (timeline (fixture)), ==, 2);
  g_assert_true (ui_test_has_label (segment (fixture, 0), "mira-arrival"));
  g_assert_true (ui_test_has_label (segment (fixture, 1), "mira-lost-ring"));

  /* The names arrive later: the same segments are renamed. */
  playtest_timeline_set_section_names (timeline (fixture), names);
  g_assert_true (ui_test_has_label (segment (fixture, 0), "Arrival"));
  g_assert_true (ui_test_has_label (segment (fixture, 1), "The Lost Ring"));
}

/* "Turn 2: " and the first eight words of the reply. */
static char *
expected_mark_label (guint         number,
                     PlaytestTurn *turn)
{
  g_auto(GStrv) words = g_strsplit (playtest_turn_get_reply_text (turn), " ", 9);
  gboolean more = g_strv_length (words) > 8;
  g_autofree char *head = NULL;

  if (more)
    g_clear_pointer (&words[8], g_free);
  head = g_strjoinv (" ", words);

  return g_strdup_printf ("Turn %u: %s%s", number, head, more ? "…" : "");
}

static void
test_click_mark_activates_turn (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(GPtrArray) marks = NULL;
  g_autofree char *label = NULL;
  PlaytestTurn *second;
  GtkWidget *mark;

  playtest_timeline_set_conversation (timeline (fixture), fixture->backend.conversation);
  say (fixture, "Good evening");
  second = say (fixture, "Have you seen a ring?");

  label = expected_mark_label (2, second);
  mark = ui_test_find_by_label (fixture->timeline, label);
  g_assert_true (GTK_IS_BUTTON (mark));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (mark), "sadness"));

  marks = find_class (fixture, "timeline-mark");
  g_assert_cmpuint (marks->len, ==, 2);
  g_assert_true (marks->pdata[1] == mark);

  g_signal_emit_by_name (mark, "clicked");
  g_assert_cmpuint (fixture->activated->len, ==, 1);
  g_assert_true (g_ptr_array_index (fixture->activated, 0) == second);
}

static void
test_failed_turns_have_no_mark (Fixture       *fixture,
                                gconstpointer  user_data)
{
  PlaytestTurn *failed;

  playtest_timeline_set_conversation (timeline (fixture), fixture->backend.conversation);
  say (fixture, "Good evening");
  playtest_client_set_api_key (fixture->backend.client, "a-wrong-key");
  failed = say (fixture, "Have you seen a ring?");
  g_assert_cmpint (playtest_turn_get_state (failed), ==, PLAYTEST_TURN_FAILED);
  g_assert_cmpuint (count_marks (fixture->timeline), ==, 1);
  g_assert_cmpuint (playtest_timeline_get_n_segments (timeline (fixture)), ==, 1);

  /* Retried in place with the key put right, it gets its mark, in its own section. */
  playtest_client_set_api_key (fixture->backend.client, DEMO_KEY);
  playtest_conversation_retry (fixture->backend.conversation, failed);
  ui_test_wait_for (ui_test_turn_is_done (failed));
  g_assert_cmpint (playtest_turn_get_state (failed), ==, PLAYTEST_TURN_COMPLETE);
  g_assert_cmpuint (count_marks (fixture->timeline), ==, 2);
  g_assert_cmpuint (playtest_timeline_get_n_segments (timeline (fixture)), ==, 2);

  /* Another conversation: the timeline starts again. */
  playtest_timeline_set_conversation (timeline (fixture), NULL);
  g_assert_cmpuint (playtest_timeline_get_n_segments (timeline (fixture)), ==, 0);
  g_assert_cmpuint (count_marks (fixture->timeline), ==, 0);
  assert_placeholder (fixture, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_nonnull (playtest_app_get_resource ());

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/timeline/empty", test_empty);
  ADD ("/timeline/segment-per-section", test_segment_per_section);
  ADD ("/timeline/ids-without-names", test_ids_without_names);
  ADD ("/timeline/click-mark-activates-turn", test_click_mark_activates_turn);
  ADD ("/timeline/failed-turns-have-no-mark", test_failed_turns_have_no_mark);
#undef ADD

  return g_test_run ();
}
