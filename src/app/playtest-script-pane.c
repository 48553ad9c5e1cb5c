/* playtest-script-pane.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "playtest-audio-convert.h"
#include "playtest-run-record.h"
#include "playtest-script-pane.h"

/* A script is short and bounded: one plain list box row per step, updated in place as the
 * runner reports each step. The pane shows either the script loaded (and its latest run),
 * or a past run read back from the history store for the session the window shows. */

typedef enum
{
  SHOW_EMPTY,
  SHOW_ERROR,
  SHOW_SCRIPT,
  SHOW_RECORD,
} Showing;

typedef struct
{
  GtkWidget *row;
  GtkWidget *status;   /* a stack: the status icon, or a spinner while the step runs */
  GtkWidget *icon;
  GtkWidget *spinner;
  GtkWidget *subtitle;
  GtkWidget *details;  /* the checks that did not hold, the error, the rate-limit waits */
} StepRow;

struct _PlaytestScriptPane
{
  GtkWidget              parent_instance;

  /* Template widgets */
  GtkWidget             *content;     /* the only child: bound so that dispose unparents it */
  GtkWidget             *run_button;
  GtkWidget             *stop_button;
  GtkStack              *stack;
  AdwStatusPage         *error_page;
  GtkLabel              *name_label;
  GtkLabel              *details_label;
  GtkStack              *summary_status;
  GtkImage              *summary_icon;
  GtkSpinner            *summary_spinner;
  GtkLabel              *summary_label;
  GtkListBox            *steps_list;

  PlaytestClient        *client;
  PlaytestHistory       *history;
  PlaytestCharacterList *characters;
  char                  *default_character_id;

  Showing                showing;
  PlaytestScript        *script;
  PlaytestRunner        *runner;      /* the latest run of the script, or NULL */
  GCancellable          *cancellable; /* of the run under way */
  GError                *run_error;   /* why the latest run ended early */
  PlaytestScriptRun     *record;      /* the past run shown */
  GPtrArray             *record_steps;
  GPtrArray             *rows;        /* StepRow */
  guint                  waiting_seconds; /* a rate limit waited out now, or 0 */
};

G_DEFINE_FINAL_TYPE (PlaytestScriptPane, playtest_script_pane, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SCRIPT,
  PROP_RUNNING,
  PROP_CAN_RUN,
  PROP_CONVERSATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_summary (PlaytestScriptPane *self);

/* Words ------------------------------------------------------------------------------------ */

static const char *
status_word (PlaytestStepStatus status)
{
  switch (status)
    {
    case PLAYTEST_STEP_STATUS_RUNNING: return _("Running");
    case PLAYTEST_STEP_STATUS_PASSED:  return _("Passed");
    case PLAYTEST_STEP_STATUS_FAILED:  return _("Failed");
    case PLAYTEST_STEP_STATUS_ERROR:   return _("No answer");
    case PLAYTEST_STEP_STATUS_SKIPPED: return _("Skipped");
    case PLAYTEST_STEP_STATUS_WAITING:
    default:                           return _("Not run yet");
    }
}

static const char *
status_icon (PlaytestStepStatus status)
{
  switch (status)
    {
    case PLAYTEST_STEP_STATUS_PASSED:  return "emblem-ok-symbolic";
    case PLAYTEST_STEP_STATUS_FAILED:  return "dialog-error-symbolic";
    case PLAYTEST_STEP_STATUS_ERROR:   return "dialog-warning-symbolic";
    case PLAYTEST_STEP_STATUS_SKIPPED: return "media-skip-forward-symbolic";
    case PLAYTEST_STEP_STATUS_RUNNING:
    case PLAYTEST_STEP_STATUS_WAITING:
    default:                           return "radio-symbolic";
    }
}

/* libadwaita's own colours, so that dark mode and high contrast follow. */
static const char *
status_class (PlaytestStepStatus status)
{
  switch (status)
    {
    case PLAYTEST_STEP_STATUS_PASSED:  return "success";
    case PLAYTEST_STEP_STATUS_FAILED:  return "error";
    case PLAYTEST_STEP_STATUS_ERROR:   return "warning";
    case PLAYTEST_STEP_STATUS_SKIPPED:
    case PLAYTEST_STEP_STATUS_RUNNING:
    case PLAYTEST_STEP_STATUS_WAITING:
    default:                           return "dim-label";
    }
}

static char *
quoted (const char *text)
{
  /* Translators: a quotation in a script step's summary, as in emotion “joy” */
  return g_strdup_printf (_("“%s”"), text);
}

static char *
quoted_list (char **items)
{
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_autofree char *item = quoted (items[i]);

      if (i > 0)
        /* Translators: the separator of a list in a script step's summary */
        g_string_append (list, _(", "));
      g_string_append (list, item);
    }

  return g_string_free (g_steal_pointer (&list), FALSE);
}

static void add_part (GPtrArray  *parts,
                      const char *format,
                      ...) G_GNUC_PRINTF (2, 3);

static void
add_part (GPtrArray  *parts,
          const char *format,
          ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (parts, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
add_text_parts (GPtrArray                  *parts,
                const PlaytestExpectations *expect)
{
  g_autofree char *contains = expect->text_contains ? quoted (expect->text_contains) : NULL;
  g_autofree char *lacks = expect->text_not_contains ? quoted (expect->text_not_contains) : NULL;
  g_autofree char *pattern = expect->text_matches ? quoted (expect->text_matches) : NULL;
  g_autofree char *heard = expect->user_query_contains ? quoted (expect->user_query_contains)
                                                       : NULL;

  if (contains != NULL)
    /* Translators: a script step expects the reply to contain this, as in says “evening” */
    add_part (parts, _("says %s"), contains);
  if (lacks != NULL)
    /* Translators: a script step expects the reply not to contain this */
    add_part (parts, _("never says %s"), lacks);
  if (pattern != NULL)
    /* Translators: a script step expects the reply to match a regular expression */
    add_part (parts, _("matches %s"), pattern);
  if (heard != NULL)
    /* Translators: a script step expects the service to have heard this in a voice step */
    add_part (parts, _("hears %s"), heard);
}

static void
add_state_parts (GPtrArray                  *parts,
                 const PlaytestExpectations *expect)
{
  g_autofree char *emotion = expect->emotion ? quoted (expect->emotion) : NULL;
  g_autofree char *emotions = expect->emotion_in ? quoted_list (expect->emotion_in) : NULL;
  g_autofree char *action = expect->action ? quoted (expect->action) : NULL;
  g_autofree char *actions = expect->actions_include ? quoted_list (expect->actions_include)
                                                     : NULL;
  g_autofree char *section = expect->section ? quoted (expect->section) : NULL;

  if (emotion != NULL)
    /* Translators: a script step expects this emotion, as in emotion “joy” */
    add_part (parts, _("emotion %s"), emotion);
  if (emotions != NULL)
    /* Translators: a script step expects one of these emotions */
    add_part (parts, _("emotion one of %s"), emotions);
  if (action != NULL)
    /* Translators: a script step expects this action, as in action “Wave” */
    add_part (parts, _("action %s"), action);
  if (actions != NULL)
    /* Translators: a script step expects these actions among the reply's */
    add_part (parts, _("actions %s"), actions);
  if (section != NULL)
    /* Translators: a script step expects this narrative section */
    add_part (parts, _("section %s"), section);
  if (expect->section_changed >= 0)
    g_ptr_array_add (parts, g_strdup (expect->section_changed ? _("section changes")
                                                              : _("section stays")));
}

static void
add_reply_parts (GPtrArray                  *parts,
                 const PlaytestExpectations *expect)
{
  if (expect->has_audio >= 0)
    g_ptr_array_add (parts, g_strdup (expect->has_audio ? _("with voice") : _("without voice")));

  if (expect->max_latency_ms >= 0 && expect->max_latency_ms % 1000 == 0)
    /* Translators: a script step expects the answer within a time, as in within 5 s */
    add_part (parts, _("within %lu s"), (gulong) (expect->max_latency_ms / 1000));
  else if (expect->max_latency_ms >= 0)
    /* Translators: a script step expects the answer within a time, as in within 500 ms */
    add_part (parts, _("within %lu ms"), (gulong) expect->max_latency_ms);
}

/* What a step expects, on one line: "emotion “joy” · actions “Wave” · within 5 s". */
static char *
describe_expectations (const PlaytestScriptStep *step)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (step->kind == PLAYTEST_STEP_NEW_SESSION)
    return NULL;
  if (step->expect == NULL || playtest_expectations_is_empty (step->expect))
    return g_strdup (_("Expects nothing: any answer passes"));

  add_state_parts (parts, step->expect);
  add_text_parts (parts, step->expect);
  add_reply_parts (parts, step->expect);
  g_ptr_array_add (parts, NULL);

  /* Translators: the separator between a step's expectations */
  return g_strjoinv (_(" · "), (char **) parts->pdata);
}

/* For a past run, whose script may be gone: the keys it checked. */
static char *
describe_checked_keys (GPtrArray *checks)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autofree char *list = NULL;

  for (guint i = 0; checks != NULL && i < checks->len; i++)
    g_ptr_array_add (keys, ((PlaytestCheck *) g_ptr_array_index (checks, i))->key);
  if (keys->len == 0)
    return NULL;

  g_ptr_array_add (keys, NULL);
  list = g_strjoinv (", ", (char **) keys->pdata);
  /* Translators: the expectations a past run checked, by key, as in Checked emotion, section */
  return g_strdup_printf (_("Checked %s"), list);
}

static const char *
character_name (PlaytestScriptPane *self,
                const char         *id)
{
  PlaytestCharacterItem *item = self->characters != NULL && id != NULL
                                  ? playtest_character_list_lookup (self->characters, id)
                                  : NULL;

  return item != NULL ? playtest_character_item_get_name (item) : id;
}

/* Step rows -------------------------------------------------------------------------------- */

static void
step_row_free (StepRow *row)
{
  g_free (row);
}

static GtkWidget *
row_label (const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static GtkWidget *
step_row_status_new (StepRow *row)
{
  row->status = gtk_stack_new ();
  row->icon = gtk_image_new ();
  row->spinner = gtk_spinner_new ();
  gtk_widget_set_valign (row->status, GTK_ALIGN_START);
  gtk_widget_add_css_class (row->status, "step-status");
  gtk_stack_add_child (GTK_STACK (row->status), row->icon);
  gtk_stack_add_child (GTK_STACK (row->status), row->spinner);

  return row->status;
}

static StepRow *
step_row_new (guint       index,
              const char *title,
              const char *subtitle)
{
  StepRow *row = g_new0 (StepRow, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *words = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  g_autofree char *label = g_strdup_printf (_("Step %u: %s"), index + 1, title);

  row->subtitle = row_label (subtitle, "dim-label");
  gtk_widget_add_css_class (row->subtitle, "caption");
  gtk_widget_set_visible (row->subtitle, subtitle != NULL);
  gtk_widget_set_hexpand (words, TRUE);
  gtk_box_append (GTK_BOX (words), row_label (title, NULL));
  gtk_box_append (GTK_BOX (words), row->subtitle);
  gtk_box_append (GTK_BOX (top), step_row_status_new (row));
  gtk_box_append (GTK_BOX (top), words);

  row->details = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_add_css_class (row->details, "step-details");
  /* Under the words, past the status icon. */
  gtk_widget_set_margin_start (row->details, 16 + 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), row->details);

  row->row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row->row), FALSE);
  gtk_widget_add_css_class (row->row, "script-step");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row->row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);

  return row;
}

static void
step_row_set_icon (StepRow            *row,
                   PlaytestStepStatus  status)
{
  static const char *classes[] = { "success", "error", "warning", "dim-label" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (row->icon, classes[i]);
  gtk_widget_add_css_class (row->icon, status_class (status));
  /* The whole row tinted too (style.css): a red step is seen in a long list at a glance. */
  gtk_widget_remove_css_class (row->row, "step-passed");
  gtk_widget_remove_css_class (row->row, "step-failed");
  if (status == PLAYTEST_STEP_STATUS_PASSED)
    gtk_widget_add_css_class (row->row, "step-passed");
  else if (status == PLAYTEST_STEP_STATUS_FAILED)
    gtk_widget_add_css_class (row->row, "step-failed");

  gtk_image_set_from_icon_name (GTK_IMAGE (row->icon), status_icon (status));
  gtk_spinner_set_spinning (GTK_SPINNER (row->spinner), status == PLAYTEST_STEP_STATUS_RUNNING);
  gtk_stack_set_visible_child (GTK_STACK (row->status),
                               status == PLAYTEST_STEP_STATUS_RUNNING ? row->spinner : row->icon);
  gtk_widget_set_tooltip_text (row->status, status_word (status));
}

static void
step_row_add_detail (StepRow    *row,
                     const char *text,
                     const char *css_class)
{
  GtkWidget *label = row_label (text, css_class);

  gtk_widget_add_css_class (label, "caption");
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (row->details), label);
}

/* A failed row shows every check that did not hold, in the words of a report. */
static void
step_row_set_status (StepRow            *row,
                     PlaytestStepStatus  status,
                     GPtrArray          *checks,
                     const char         *error,
                     guint               n_rate_limited)
{
  GtkWidget *child;

  step_row_set_icon (row, status);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  status_word (status), -1);

  while ((child = gtk_widget_get_first_child (row->details)) != NULL)
    gtk_box_remove (GTK_BOX (row->details), child);

  for (guint i = 0; checks != NULL && i < checks->len; i++)
    {
      const PlaytestCheck *check = g_ptr_array_index (checks, i);
      g_autofree char *text = NULL;

      if (check->passed)
        continue;
      text = playtest_check_describe (check);
      step_row_add_detail (row, text, "error");
    }
  if (error != NULL && status != PLAYTEST_STEP_STATUS_SKIPPED)
    step_row_add_detail (row, error, "warning");
  if (n_rate_limited > 0)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("Waited out %u rate limit",
                                                         "Waited out %u rate limits",
                                                         n_rate_limited), n_rate_limited);

      step_row_add_detail (row, text, "dim-label");
    }

  gtk_widget_set_visible (row->details, gtk_widget_get_first_child (row->details) != NULL);
}

static void
rows_clear (PlaytestScriptPane *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    gtk_list_box_remove (self->steps_list, ((StepRow *) g_ptr_array_index (self->rows, i))->row);
  g_ptr_array_set_size (self->rows, 0);
}

static StepRow *
rows_append (PlaytestScriptPane *self,
             const char         *title,
             const char         *subtitle)
{
  StepRow *row = step_row_new (self->rows->len, title, subtitle);

  g_ptr_array_add (self->rows, row);
  gtk_list_box_append (self->steps_list, row->row);

  return row;
}

/* What the pane shows --------------------------------------------------------------------- */

static gboolean
runner_is_current (PlaytestScriptPane *self)
{
  return self->runner != NULL && playtest_runner_get_script (self->runner) == self->script;
}

static void
update_actions (PlaytestScriptPane *self)
{
  gboolean running = playtest_script_pane_get_running (self);
  gboolean can_run = playtest_script_pane_get_can_run (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "script.run", can_run);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "script.stop", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "script.open", !running);
  gtk_widget_set_visible (self->run_button, !running);
  gtk_widget_set_visible (self->stop_button, running);
}

static void
notify_state (PlaytestScriptPane *self)
{
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_RUN]);
}

static void
show_script_details (PlaytestScriptPane *self)
{
  const char *id = playtest_script_get_character_id (self->script);
  guint n = playtest_script_get_n_steps (self->script);
  g_autofree char *steps = g_strdup_printf (ngettext ("%u step", "%u steps", n), n);
  g_autofree char *details = NULL;

  if (id != NULL)
    /* Translators: a script's details: the character, the number of steps, the file */
    details = g_strdup_printf (_("%s · %s · %s"), character_name (self, id), steps,
                               playtest_script_get_display_name (self->script));
  else
    /* Translators: a script that names no character runs with the one selected */
    details = g_strdup_printf (_("The selected character · %s · %s"), steps,
                               playtest_script_get_display_name (self->script));

  gtk_label_set_label (self->name_label, playtest_script_get_name (self->script));
  gtk_label_set_label (self->details_label, details);
}

static void
show_runner_result (PlaytestScriptPane *self,
                    guint               index)
{
  const PlaytestStepResult *result = playtest_runner_get_result (self->runner, index);

  if (result == NULL || index >= self->rows->len)
    return;

  step_row_set_status (g_ptr_array_index (self->rows, index), result->status, result->checks,
                       result->error != NULL ? result->error->message : NULL,
                       result->n_rate_limited);
}

static void
show_script (PlaytestScriptPane *self)
{
  guint n = playtest_script_get_n_steps (self->script);

  self->showing = SHOW_SCRIPT;
  g_clear_pointer (&self->record, playtest_script_run_free);
  g_clear_pointer (&self->record_steps, g_ptr_array_unref);
  show_script_details (self);

  rows_clear (self);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = playtest_script_describe_step (self->script, i);
      g_autofree char *subtitle = describe_expectations (playtest_script_get_step (self->script,
                                                                                   i));
      StepRow *row = rows_append (self, title, subtitle);

      if (runner_is_current (self))
        show_runner_result (self, i);
      else
        step_row_set_status (row, PLAYTEST_STEP_STATUS_WAITING, NULL, NULL, 0);
    }

  gtk_stack_set_visible_child_name (self->stack, "steps");
  update_summary (self);
}

static void
show_error (PlaytestScriptPane *self,
            const char         *message)
{
  g_autofree char *markup = g_markup_escape_text (message, -1);

  self->showing = SHOW_ERROR;
  adw_status_page_set_description (self->error_page, markup);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_page),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
show_nothing (PlaytestScriptPane *self)
{
  self->showing = SHOW_EMPTY;
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

/* Summary ---------------------------------------------------------------------------------- */

static void
set_summary (PlaytestScriptPane *self,
             const char         *text,
             const char         *icon_name,
             const char         *css_class)
{
  static const char *classes[] = { "success", "error", "warning", "dim-label" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->summary_icon), classes[i]);
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->summary_icon), css_class);

  gtk_image_set_from_icon_name (self->summary_icon, icon_name);
  gtk_spinner_set_spinning (self->summary_spinner, icon_name == NULL);
  gtk_stack_set_visible_child_name (self->summary_status, icon_name == NULL ? "spinner" : "icon");
  gtk_label_set_label (self->summary_label, text);
}

/* "4 of 5 steps passed · 1 rate-limited wait" */
static char *
counts_text (guint n_steps,
             guint n_passed,
             guint n_rate_limited)
{
  g_autofree char *passed =
    /* Translators: how many steps of a script run passed, as in 4 of 5 steps passed */
    g_strdup_printf (ngettext ("%u of %u step passed", "%u of %u steps passed", n_steps),
                     n_passed, n_steps);
  g_autofree char *waits = NULL;

  if (n_rate_limited == 0)
    return g_steal_pointer (&passed);

  waits = g_strdup_printf (ngettext ("%u rate-limited wait", "%u rate-limited waits",
                                     n_rate_limited), n_rate_limited);
  /* Translators: a run's counts, then its waits, as in
   * 4 of 5 steps passed · 1 rate-limited wait */
  return g_strdup_printf (_("%s · %s"), passed, waits);
}

static void
set_counts_summary (PlaytestScriptPane *self,
                    const GError       *error,
                    guint               n_steps,
                    guint               n_passed,
                    guint               n_broken,
                    guint               n_rate_limited)
{
  g_autofree char *counts = counts_text (n_steps, n_passed, n_rate_limited);
  g_autofree char *text = NULL;
  gboolean stopped = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  if (stopped)
    /* Translators: a run the user stopped, then its counts */
    text = g_strdup_printf (_("Stopped · %s"), counts);
  else if (error != NULL)
    /* Translators: a run that could not go on: its counts, then why */
    text = g_strdup_printf (_("%s · the run stopped: %s"), counts, error->message);
  else
    text = g_steal_pointer (&counts);

  if (n_broken > 0 || (error != NULL && !stopped))
    set_summary (self, text, "dialog-error-symbolic", "error");
  else if (n_passed == n_steps)
    set_summary (self, text, "emblem-ok-symbolic", "success");
  else
    set_summary (self, text, "media-skip-forward-symbolic", "dim-label");
}

static void
update_running_summary (PlaytestScriptPane *self)
{
  g_autofree char *text = NULL;
  guint current = 0;

  if (self->waiting_seconds > 0)
    {
      /* Translators: the service answered 429; the run sends the step again after a wait */
      text = g_strdup_printf (ngettext ("Rate limited, waiting %u s", "Rate limited, waiting %u s",
                                        self->waiting_seconds), self->waiting_seconds);
      set_summary (self, text, "dialog-warning-symbolic", "warning");
      return;
    }

  for (guint i = 0; i < self->rows->len; i++)
    {
      const PlaytestStepResult *result = playtest_runner_get_result (self->runner, i);

      if (result->status == PLAYTEST_STEP_STATUS_RUNNING)
        current = i + 1;
    }

  if (current > 0)
    /* Translators: the step of a script run under way, as in Step 2 of 5… */
    text = g_strdup_printf (_("Step %u of %u…"), current, self->rows->len);
  else
    text = g_strdup (_("Getting ready…"));
  set_summary (self, text, NULL, NULL);
}

static void
update_summary (PlaytestScriptPane *self)
{
  guint n_broken;

  if (self->showing == SHOW_RECORD)
    {
      guint n_waits = 0;

      for (guint i = 0; i < self->record_steps->len; i++)
        n_waits += ((PlaytestStepRecord *) g_ptr_array_index (self->record_steps, i))
                     ->n_rate_limited;
      set_counts_summary (self, NULL, self->record->n_steps, self->record->n_passed,
                          self->record->n_failed + self->record->n_errors, n_waits);
      return;
    }

  if (self->showing != SHOW_SCRIPT)
    return;

  if (!runner_is_current (self))
    {
      set_summary (self, _("Not run yet"), "radio-symbolic", "dim-label");
      return;
    }
  if (playtest_runner_get_running (self->runner))
    {
      update_running_summary (self);
      return;
    }

  n_broken = playtest_runner_get_n_failed (self->runner);
  for (guint i = 0; i < self->rows->len; i++)
    n_broken += playtest_runner_get_result (self->runner, i)->status
                == PLAYTEST_STEP_STATUS_ERROR;
  set_counts_summary (self, self->run_error, self->rows->len,
                      playtest_runner_get_n_passed (self->runner), n_broken,
                      playtest_runner_get_n_rate_limited (self->runner));
}

/* A past run ------------------------------------------------------------------------------- */

static void
show_record_details (PlaytestScriptPane *self)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (self->record->started_at);
  /* Translators: when a past script run started, see g_date_time_format() */
  g_autofree char *when = g_date_time_format (local, _("%b %e, %H:%M"));
  g_autofree char *file = self->record->script_path != NULL
                            ? g_path_get_basename (self->record->script_path) : NULL;
  g_autofree char *details = file != NULL
    /* Translators: a past script run: when it ran, then the script's file */
    ? g_strdup_printf (_("Ran %s · %s"), when, file)
    /* Translators: a past script run, as in Ran Nov 29, 16:50 */
    : g_strdup_printf (_("Ran %s"), when);

  gtk_label_set_label (self->name_label, self->record->script_name);
  gtk_label_set_label (self->details_label, details);
}

/* Takes @record. */
static gboolean
show_record (PlaytestScriptPane *self,
             PlaytestScriptRun  *record)
{
  g_autoptr(PlaytestScriptRun) owned = record;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = playtest_step_records_from_json (record->results_json, &error);

  if (steps == NULL)
    {
      g_debug ("The run of “%s” cannot be shown: %s", record->script_name, error->message);
      return FALSE;
    }

  self->showing = SHOW_RECORD;
  g_clear_pointer (&self->record, playtest_script_run_free);
  self->record = g_steal_pointer (&owned);
  g_clear_pointer (&self->record_steps, g_ptr_array_unref);
  self->record_steps = g_steal_pointer (&steps);
  show_record_details (self);

  rows_clear (self);
  for (guint i = 0; i < self->record_steps->len; i++)
    {
      PlaytestStepRecord *step = g_ptr_array_index (self->record_steps, i);
      g_autofree char *checked = describe_checked_keys (step->checks);
      StepRow *row = rows_append (self, step->description ? step->description : "", checked);

      step_row_set_status (row, step->status, step->checks, step->error, step->n_rate_limited);
    }

  gtk_stack_set_visible_child_name (self->stack, "steps");
  update_summary (self);
  return TRUE;
}

/* Running ---------------------------------------------------------------------------------- */

static void
step_changed_cb (PlaytestScriptPane *self,
                 guint               index,
                 PlaytestRunner     *runner)
{
  self->waiting_seconds = 0;
  if (runner == self->runner && self->showing == SHOW_SCRIPT && runner_is_current (self))
    {
      show_runner_result (self, index);
      update_summary (self);
    }
}

static void
rate_limited_cb (PlaytestScriptPane *self,
                 guint               index,
                 guint               seconds,
                 PlaytestRunner     *runner)
{
  self->waiting_seconds = MAX (seconds, 1);
  if (self->showing == SHOW_SCRIPT && runner_is_current (self))
    update_summary (self);
}

static void
runner_conversation_cb (PlaytestScriptPane *self,
                        GParamSpec         *pspec,
                        PlaytestRunner     *runner)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION]);
}

static void
run_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(PlaytestScriptPane) self = user_data;
  PlaytestRunner *runner = PLAYTEST_RUNNER (source);
  g_autoptr(GError) error = NULL;

  playtest_runner_run_finish (runner, result, &error);
  if (runner != self->runner)
    return;

  g_clear_object (&self->cancellable);
  g_clear_error (&self->run_error);
  self->run_error = g_steal_pointer (&error);
  self->waiting_seconds = 0;
  if (self->showing == SHOW_SCRIPT && runner_is_current (self))
    update_summary (self);
  notify_state (self);
}

static PlaytestRunner *
runner_new (PlaytestScriptPane *self)
{
  PlaytestRunner *runner = playtest_runner_new (self->client, self->history, self->script);

  /* The script's character first; else the one the window shows. */
  if (playtest_script_get_character_id (self->script) == NULL)
    playtest_runner_set_character_id (runner, self->default_character_id);
  playtest_runner_set_audio_loader (runner, playtest_audio_convert_file_async,
                                    playtest_audio_convert_file_finish);

  g_signal_connect_object (runner, "step-started", G_CALLBACK (step_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (runner, "step-finished", G_CALLBACK (step_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (runner, "rate-limited", G_CALLBACK (rate_limited_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (runner, "notify::conversation", G_CALLBACK (runner_conversation_cb),
                           self, G_CONNECT_SWAPPED);

  return runner;
}

/* A past run can be run again while its script is still where it was. */
static gboolean
load_record_script (PlaytestScriptPane *self)
{
  g_autoptr(GFile) file = NULL;

  if (self->record == NULL || self->record->script_path == NULL)
    return FALSE;

  file = g_file_new_for_path (self->record->script_path);
  return playtest_script_pane_open_file (self, file);
}

/* Opening ---------------------------------------------------------------------------------- */

static void
file_chosen_cb (GtkNativeDialog    *dialog,
                int                 response,
                PlaytestScriptPane *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (file != NULL)
    playtest_script_pane_open_file (self, file);

  g_object_unref (dialog);
}

static void
open_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PlaytestScriptPane *self = PLAYTEST_SCRIPT_PANE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Open Script"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), NULL);
  gtk_file_filter_set_name (filter, _("Playthrough scripts (JSON)"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (file_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
run_action_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  playtest_script_pane_run (PLAYTEST_SCRIPT_PANE (widget));
}

static void
stop_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  playtest_script_pane_stop (PLAYTEST_SCRIPT_PANE (widget));
}

/* GObject ---------------------------------------------------------------------------------- */

static void
playtest_script_pane_dispose (GObject *object)
{
  PlaytestScriptPane *self = PLAYTEST_SCRIPT_PANE (object);

  /* The run ends with the window: nothing more is sent. */
  g_cancellable_cancel (self->cancellable);
  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_clear_object (&self->runner);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PLAYTEST_TYPE_SCRIPT_PANE);

  G_OBJECT_CLASS (playtest_script_pane_parent_class)->dispose (object);
}

static void
playtest_script_pane_finalize (GObject *object)
{
  PlaytestScriptPane *self = PLAYTEST_SCRIPT_PANE (object);

  g_clear_object (&self->client);
  g_clear_object (&self->history);
  g_clear_object (&self->characters);
  g_clear_object (&self->script);
  g_clear_error (&self->run_error);
  g_clear_pointer (&self->record, playtest_script_run_free);
  g_clear_pointer (&self->record_steps, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_free (self->default_character_id);

  G_OBJECT_CLASS (playtest_script_pane_parent_class)->finalize (object);
}

static void
playtest_script_pane_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  PlaytestScriptPane *self = PLAYTEST_SCRIPT_PANE (object);

  switch (prop_id)
    {
    case PROP_SCRIPT:
      g_value_set_object (value, self->script);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, playtest_script_pane_get_running (self));
      break;
    case PROP_CAN_RUN:
      g_value_set_boolean (value, playtest_script_pane_get_can_run (self));
      break;
    case PROP_CONVERSATION:
      g_value_set_object (value, playtest_script_pane_get_conversation (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_script_pane_class_init (PlaytestScriptPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = playtest_script_pane_dispose;
  object_class->finalize = playtest_script_pane_finalize;
  object_class->get_property = playtest_script_pane_get_property;

  properties[PROP_SCRIPT] = g_param_spec_object ("script", NULL, NULL, PLAYTEST_TYPE_SCRIPT, ro);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  properties[PROP_CAN_RUN] = g_param_spec_boolean ("can-run", NULL, NULL, FALSE, ro);
  properties[PROP_CONVERSATION] = g_param_spec_object ("conversation", NULL, NULL,
                                                       PLAYTEST_TYPE_CONVERSATION, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH
                                               "/playtest-script-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, PlaytestScriptPane, content);
  gtk_widget_class_bind_template_child (widget_class, PlaytestScriptPane, run_button);
  gtk_widget_class_bind_template_child (widget_class, PlaytestScriptPane, stop_button);
  gtk_widget_class_bind_template_child (widget_class, PlaytestScriptPane, stack);
  gtk_widget_class_bind_template_child (widget_class, PlaytestScriptPane, error_page);
  gtk_widget_class_bind_template_child (widget_class, PlaytestScriptPane, name_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestScriptPane, details_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestScriptPane, summary_status);
  gtk_widget_class_bind_template_child (widget_class, PlaytestScriptPane, summary_icon);
  gtk_widget_class_bind_template_child (widget_class, PlaytestScriptPane, summary_spinner);
  gtk_widget_class_bind_template_child (widget_class, PlaytestScriptPane, summary_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestScriptPane, steps_list);

  gtk_widget_class_install_action (widget_class, "script.open", NULL, open_action_cb);
  gtk_widget_class_install_action (widget_class, "script.run", NULL, run_action_cb);
  gtk_widget_class_install_action (widget_class, "script.stop", NULL, stop_action_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "scriptpane");
}

static void
playtest_script_pane_init (PlaytestScriptPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) step_row_free);
  update_actions (self);
}

/* Public API ------------------------------------------------------------------------------- */

/**
 * playtest_script_pane_new:
 *
 * Returns: (transfer floating): a new script pane
 */
GtkWidget *
playtest_script_pane_new (void)
{
  return g_object_new (PLAYTEST_TYPE_SCRIPT_PANE, NULL);
}

/**
 * playtest_script_pane_set_backend:
 * @self: a #PlaytestScriptPane
 * @client: the client the runs send through
 * @history: (nullable): the store that records the runs and shows past ones
 *
 * What the runs talk to: the window's client and history store.
 */
void
playtest_script_pane_set_backend (PlaytestScriptPane *self,
                                  PlaytestClient     *client,
                                  PlaytestHistory    *history)
{
  g_return_if_fail (PLAYTEST_IS_SCRIPT_PANE (self));
  g_return_if_fail (PLAYTEST_IS_CLIENT (client));
  g_return_if_fail (history == NULL || PLAYTEST_IS_HISTORY (history));

  g_set_object (&self->client, client);
  g_set_object (&self->history, history);
  notify_state (self);
}

/**
 * playtest_script_pane_set_character_list:
 * @self: a #PlaytestScriptPane
 * @characters: (nullable): the characters known by name
 *
 * Names the script's character when it is in @characters; else its id shows.
 */
void
playtest_script_pane_set_character_list (PlaytestScriptPane    *self,
                                         PlaytestCharacterList *characters)
{
  g_return_if_fail (PLAYTEST_IS_SCRIPT_PANE (self));

  g_set_object (&self->characters, characters);
  if (self->showing == SHOW_SCRIPT)
    show_script_details (self);
}

/**
 * playtest_script_pane_set_default_character_id:
 * @self: a #PlaytestScriptPane
 * @character_id: (nullable): the character selected in the window
 *
 * The character a script that names none runs with.
 */
void
playtest_script_pane_set_default_character_id (PlaytestScriptPane *self,
                                               const char         *character_id)
{
  g_return_if_fail (PLAYTEST_IS_SCRIPT_PANE (self));

  if (g_strcmp0 (self->default_character_id, character_id) == 0)
    return;

  g_free (self->default_character_id);
  self->default_character_id = g_strdup (character_id);
  notify_state (self);
}

/**
 * playtest_script_pane_set_script:
 * @self: a #PlaytestScriptPane
 * @script: (nullable): a script to show, ready to run
 *
 * Shows @script's steps, none run yet. Not while a run goes on.
 */
void
playtest_script_pane_set_script (PlaytestScriptPane *self,
                                 PlaytestScript     *script)
{
  g_return_if_fail (PLAYTEST_IS_SCRIPT_PANE (self));
  g_return_if_fail (!playtest_script_pane_get_running (self));

  g_set_object (&self->script, script);
  g_clear_error (&self->run_error);
  if (script != NULL)
    show_script (self);
  else
    show_nothing (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCRIPT]);
  notify_state (self);
}

/**
 * playtest_script_pane_open_file:
 * @self: a #PlaytestScriptPane
 * @file: a playthrough script
 *
 * Loads and checks the script in @file and shows it. A script that cannot be run (not JSON,
 * an unknown key, a wrong type, a file that cannot be read) shows as an error in words that
 * name the file, the step and the key; nothing is sent.
 *
 * Returns: whether the script could be loaded
 */
gboolean
playtest_script_pane_open_file (PlaytestScriptPane *self,
                                GFile              *file)
{
  g_autoptr(PlaytestScript) script = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (PLAYTEST_IS_SCRIPT_PANE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (playtest_script_pane_get_running (self))
    return FALSE;

  script = playtest_script_new_from_file (file, &error);
  if (script == NULL)
    {
      playtest_script_pane_set_script (self, NULL);
      show_error (self, error->message);
      return FALSE;
    }

  playtest_script_pane_set_script (self, script);
  return TRUE;
}

/**
 * playtest_script_pane_get_script:
 * @self: a #PlaytestScriptPane
 *
 * Returns: (transfer none) (nullable): the script loaded
 */
PlaytestScript *
playtest_script_pane_get_script (PlaytestScriptPane *self)
{
  g_return_val_if_fail (PLAYTEST_IS_SCRIPT_PANE (self), NULL);

  return self->script;
}

/**
 * playtest_script_pane_get_can_run:
 * @self: a #PlaytestScriptPane
 *
 * Returns: whether Run would start a run: a script is loaded (or the past run shown has
 *   its script's file), there is a client, and no run goes on
 */
gboolean
playtest_script_pane_get_can_run (PlaytestScriptPane *self)
{
  g_return_val_if_fail (PLAYTEST_IS_SCRIPT_PANE (self), FALSE);

  if (self->client == NULL || playtest_script_pane_get_running (self))
    return FALSE;
  if (self->showing == SHOW_RECORD)
    return self->record->script_path != NULL;

  return self->script != NULL && self->showing == SHOW_SCRIPT;
}

/**
 * playtest_script_pane_run:
 * @self: a #PlaytestScriptPane
 *
 * Runs the script from its first step, with the script's character, else the default one.
 * Each step row turns green or red as it ends; the run is recorded in the history store.
 */
void
playtest_script_pane_run (PlaytestScriptPane *self)
{
  g_return_if_fail (PLAYTEST_IS_SCRIPT_PANE (self));

  if (!playtest_script_pane_get_can_run (self))
    return;
  if (self->showing == SHOW_RECORD && !load_record_script (self))
    return;

  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_set_object (&self->runner, NULL);
  self->runner = runner_new (self);
  self->cancellable = g_cancellable_new ();
  g_clear_error (&self->run_error);
  self->waiting_seconds = 0;

  playtest_runner_run_async (self->runner, self->cancellable, run_cb, g_object_ref (self));
  show_script (self);
  notify_state (self);
}

/**
 * playtest_script_pane_stop:
 * @self: a #PlaytestScriptPane
 *
 * Stops the run at once: the turn on its way is cancelled, the steps not reached are
 * skipped, nothing more is sent.
 */
void
playtest_script_pane_stop (PlaytestScriptPane *self)
{
  g_return_if_fail (PLAYTEST_IS_SCRIPT_PANE (self));

  g_cancellable_cancel (self->cancellable);
}

/**
 * playtest_script_pane_get_running:
 * @self: a #PlaytestScriptPane
 *
 * Returns: whether a run goes on
 */
gboolean
playtest_script_pane_get_running (PlaytestScriptPane *self)
{
  g_return_val_if_fail (PLAYTEST_IS_SCRIPT_PANE (self), FALSE);

  return self->cancellable != NULL;
}

/**
 * playtest_script_pane_get_runner:
 * @self: a #PlaytestScriptPane
 *
 * Returns: (transfer none) (nullable): the runner of the latest run
 */
PlaytestRunner *
playtest_script_pane_get_runner (PlaytestScriptPane *self)
{
  g_return_val_if_fail (PLAYTEST_IS_SCRIPT_PANE (self), NULL);

  return self->runner;
}

/**
 * playtest_script_pane_get_conversation:
 * @self: a #PlaytestScriptPane
 *
 * Returns: (transfer none) (nullable): the conversation the latest run talks (or talked)
 *   in now; another one after each `new_session` step
 */
PlaytestConversation *
playtest_script_pane_get_conversation (PlaytestScriptPane *self)
{
  g_return_val_if_fail (PLAYTEST_IS_SCRIPT_PANE (self), NULL);

  return self->runner != NULL ? playtest_runner_get_conversation (self->runner) : NULL;
}

/**
 * playtest_script_pane_show_runs_of:
 * @self: a #PlaytestScriptPane
 * @conversation_id: a conversation of the history store
 *
 * Results stay with the sessions they recorded: shows the latest run that talked in
 * @conversation_id, if any. Otherwise a past run shown gives way to the script loaded.
 * Nothing changes while a run goes on.
 *
 * Returns: whether a past run is shown
 */
gboolean
playtest_script_pane_show_runs_of (PlaytestScriptPane *self,
                                   const char         *conversation_id)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (PLAYTEST_IS_SCRIPT_PANE (self), FALSE);
  g_return_val_if_fail (conversation_id != NULL, FALSE);

  if (playtest_script_pane_get_running (self) || self->history == NULL)
    return FALSE;

  runs = playtest_history_list_script_runs (self->history, conversation_id, &error);
  if (runs == NULL)
    g_debug ("No script runs for %s: %s", conversation_id, error->message);

  if (runs != NULL && runs->len > 0 && show_record (self, g_ptr_array_steal_index (runs, 0)))
    {
      notify_state (self);
      return TRUE;
    }

  /* The session had no run: what was there before the past run comes back. */
  if (self->showing == SHOW_RECORD)
    {
      if (self->script != NULL)
        show_script (self);
      else
        show_nothing (self);
      notify_state (self);
    }
  return FALSE;
}
