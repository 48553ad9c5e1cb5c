/* playtest-composer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "playtest-composer.h"
#include "playtest-recorder.h"

struct _PlaytestComposer
{
  GtkWidget      parent_instance;

  GtkWidget     *overlay;
  GtkTextView   *text_view;
  GtkTextBuffer *buffer;
  GtkWidget     *placeholder;
  GtkWidget     *send_button;
  GtkToggleButton *record_button;
  GtkWidget     *recording_box;
  GtkLabel      *duration_label;
  GtkLevelBar   *level_bar;

  PlaytestRecorder *recorder;
  GCancellable  *stop_cancellable;
  /* Set while the toggle is moved by code, so that toggled does not start or stop again. */
  gboolean       syncing_toggle;
  /* Ctrl+Space is held: its release stops and sends. */
  gboolean       push_to_talk;
};

G_DEFINE_FINAL_TYPE (PlaytestComposer, playtest_composer, GTK_TYPE_WIDGET)

enum {
  SEND,
  CANCEL,
  SEND_AUDIO,
  ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The text as it would be sent: trimmed; NULL when there is nothing but blanks. */
static char *
dup_trimmed_text (PlaytestComposer *self)
{
  g_autofree char *text = playtest_composer_dup_text (self);

  g_strstrip (text);
  if (*text == '\0')
    return NULL;

  return g_steal_pointer (&text);
}

static void
buffer_changed_cb (PlaytestComposer *self,
                   GtkTextBuffer    *buffer)
{
  g_autofree char *text = dup_trimmed_text (self);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_widget_set_visible (self->placeholder, gtk_text_iter_equal (&start, &end));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.send", text != NULL);
}

static void
send_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PlaytestComposer *self = PLAYTEST_COMPOSER (widget);
  g_autofree char *text = dup_trimmed_text (self);

  if (text == NULL)
    return;

  /* Cleared before emitting, so a handler may put text back (e.g. to edit a line). */
  gtk_text_buffer_set_text (self->buffer, "", 0);
  g_signal_emit (self, signals[SEND], 0, text);
}

/* Voice recording ---------------------------------------------------------------------- */

static void
set_toggle_active (PlaytestComposer *self,
                   gboolean          active)
{
  self->syncing_toggle = TRUE;
  gtk_toggle_button_set_active (self->record_button, active);
  self->syncing_toggle = FALSE;
}

/* While recording, the level and duration take the text box's place and the toggle turns red. */
static void
show_recording (PlaytestComposer *self,
                gboolean          recording)
{
  gtk_widget_set_visible (self->recording_box, recording);
  gtk_widget_set_visible (self->overlay, !recording);
  if (recording)
    gtk_widget_add_css_class (GTK_WIDGET (self->record_button), "destructive-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->record_button), "destructive-action");
  gtk_label_set_label (self->duration_label, "0:00");
  gtk_level_bar_set_value (self->level_bar, 0.0);
}

static void
recorder_duration_cb (PlaytestComposer *self,
                      GParamSpec       *pspec,
                      PlaytestRecorder *recorder)
{
  guint seconds = playtest_recorder_get_duration_ms (recorder) / 1000;
  g_autofree char *text = g_strdup_printf ("%u:%02u", seconds / 60, seconds % 60);

  gtk_label_set_label (self->duration_label, text);
}

static void
recorder_level_cb (PlaytestComposer *self,
                   GParamSpec       *pspec,
                   PlaytestRecorder *recorder)
{
  gtk_level_bar_set_value (self->level_bar, playtest_recorder_get_level (recorder));
}

static PlaytestRecorder *
ensure_recorder (PlaytestComposer *self)
{
  if (self->recorder == NULL)
    {
      self->recorder = playtest_recorder_new ();
      g_signal_connect_object (self->recorder, "notify::duration-ms",
                               G_CALLBACK (recorder_duration_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->recorder, "notify::level",
                               G_CALLBACK (recorder_level_cb), self, G_CONNECT_SWAPPED);
    }

  return self->recorder;
}

static void
start_recording (PlaytestComposer *self)
{
  g_autoptr(GError) error = NULL;

  if (!playtest_recorder_start (ensure_recorder (self), &error))
    {
      set_toggle_active (self, FALSE);
      g_signal_emit (self, signals[ERROR], 0, error);
      return;
    }

  set_toggle_active (self, TRUE);
  show_recording (self, TRUE);
  /* The text box goes away; Esc must still reach the composer. */
  gtk_widget_grab_focus (GTK_WIDGET (self->record_button));
}

static void
stop_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PlaytestComposer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wav = NULL;

  wav = playtest_recorder_stop_finish (PLAYTEST_RECORDER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->stop_cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->record_button), TRUE);
  if (wav == NULL)
    g_signal_emit (self, signals[ERROR], 0, error);
  else
    g_signal_emit (self, signals[SEND_AUDIO], 0, wav);
}

static void
stop_recording (PlaytestComposer *self)
{
  self->push_to_talk = FALSE;
  set_toggle_active (self, FALSE);
  show_recording (self, FALSE);
  if (self->recorder == NULL || !playtest_recorder_get_recording (self->recorder))
    return;

  /* Until the WAV is ready a new recording could not start: the recorder is busy. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->record_button), FALSE);
  self->stop_cancellable = g_cancellable_new ();
  playtest_recorder_stop_async (self->recorder, self->stop_cancellable, stop_cb,
                                g_object_ref (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
cancel_recording (PlaytestComposer *self)
{
  self->push_to_talk = FALSE;
  set_toggle_active (self, FALSE);
  show_recording (self, FALSE);
  if (self->recorder != NULL)
    playtest_recorder_cancel (self->recorder);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
record_toggled_cb (PlaytestComposer *self,
                   GtkToggleButton  *button)
{
  if (self->syncing_toggle)
    return;

  if (gtk_toggle_button_get_active (button))
    start_recording (self);
  else
    stop_recording (self);
}

static gboolean
is_recording (PlaytestComposer *self)
{
  return self->recorder != NULL && playtest_recorder_get_recording (self->recorder);
}

/* Esc while recording throws the recording away; otherwise it is the text view's to handle. */
static gboolean
composer_key_pressed_cb (PlaytestComposer      *self,
                         guint                  keyval,
                         guint                  keycode,
                         GdkModifierType        state,
                         GtkEventControllerKey *controller)
{
  if (keyval != GDK_KEY_Escape || !is_recording (self))
    return FALSE;

  cancel_recording (self);
  return TRUE;
}

static gboolean
push_to_talk_pressed_cb (PlaytestComposer      *self,
                         guint                  keyval,
                         guint                  keycode,
                         GdkModifierType        state,
                         GtkEventControllerKey *controller)
{
  GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask ();

  if (keyval != GDK_KEY_space || mods != GDK_CONTROL_MASK)
    return FALSE;

  /* Held keys repeat: only the first press starts. */
  if (!self->push_to_talk && !is_recording (self)
      && gtk_widget_get_sensitive (GTK_WIDGET (self->record_button)))
    {
      start_recording (self);
      self->push_to_talk = is_recording (self);
    }

  return TRUE;
}

static void
push_to_talk_released_cb (PlaytestComposer      *self,
                          guint                  keyval,
                          guint                  keycode,
                          GdkModifierType        state,
                          GtkEventControllerKey *controller)
{
  /* Releasing Ctrl first still leaves Space held: only Space ends the take. */
  if (keyval == GDK_KEY_space && self->push_to_talk)
    stop_recording (self);
}

/* Keys ------------------------------------------------------------------------------------ */

static gboolean
key_pressed_cb (PlaytestComposer      *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask ();

  switch (keyval)
    {
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      /* Shift+Enter (and any other modifier) falls through to the text view: a new line. */
      if (mods != 0)
        return FALSE;
      gtk_widget_activate_action (GTK_WIDGET (self), "composer.send", NULL);
      return TRUE;

    case GDK_KEY_Escape:
      g_signal_emit (self, signals[CANCEL], 0);
      return TRUE;

    default:
      return FALSE;
    }
}

static void
playtest_composer_dispose (GObject *object)
{
  PlaytestComposer *self = PLAYTEST_COMPOSER (object);

  g_cancellable_cancel (self->stop_cancellable);
  g_clear_object (&self->stop_cancellable);
  if (self->recorder != NULL)
    playtest_recorder_cancel (self->recorder);
  g_clear_object (&self->recorder);

  gtk_widget_dispose_template (GTK_WIDGET (object), PLAYTEST_TYPE_COMPOSER);

  G_OBJECT_CLASS (playtest_composer_parent_class)->dispose (object);
}

static gboolean
playtest_composer_grab_focus_vfunc (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (PLAYTEST_COMPOSER (widget)->text_view));
}

static void
playtest_composer_class_init (PlaytestComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = playtest_composer_dispose;
  widget_class->grab_focus = playtest_composer_grab_focus_vfunc;

  /**
   * PlaytestComposer::send:
   * @self: the composer
   * @text: what the user wrote, trimmed, never empty
   *
   * The user asked to send a line; the box is already empty again.
   */
  signals[SEND] = g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * PlaytestComposer::cancel:
   * @self: the composer
   *
   * The user pressed Esc: cancel the turn in flight (or leave presentation mode).
   */
  signals[CANCEL] = g_signal_new ("cancel", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * PlaytestComposer::send-audio:
   * @self: the composer
   * @wav: a recording of the microphone: 16 kHz mono 16-bit WAV, longer than 0.3 s
   *
   * The user stopped a recording to send it.
   */
  signals[SEND_AUDIO] = g_signal_new ("send-audio", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);

  /**
   * PlaytestComposer::error:
   * @self: the composer
   * @error: what went wrong, with a user-facing message
   *
   * Recording could not start (no microphone) or its result cannot be sent (too short); the
   * toggle is off again and typing still works.
   */
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH
                                               "/playtest-composer.ui");
  /* Every direct child is bound, so that dispose_template() unparents them all. */
  gtk_widget_class_bind_template_child (widget_class, PlaytestComposer, overlay);
  gtk_widget_class_bind_template_child (widget_class, PlaytestComposer, text_view);
  gtk_widget_class_bind_template_child (widget_class, PlaytestComposer, buffer);
  gtk_widget_class_bind_template_child (widget_class, PlaytestComposer, placeholder);
  gtk_widget_class_bind_template_child (widget_class, PlaytestComposer, send_button);
  gtk_widget_class_bind_template_child (widget_class, PlaytestComposer, record_button);
  gtk_widget_class_bind_template_child (widget_class, PlaytestComposer, recording_box);
  gtk_widget_class_bind_template_child (widget_class, PlaytestComposer, duration_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestComposer, level_bar);
  gtk_widget_class_bind_template_callback (widget_class, buffer_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, record_toggled_cb);

  gtk_widget_class_install_action (widget_class, "composer.send", NULL, send_action_cb);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
playtest_composer_init (PlaytestComposer *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Capture phase: Enter must send before the text view inserts a line break. */
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), keys);

  /* Also capture, and on the composer: it sees Esc before the text view, and still sees it
   * when the focus is on the record toggle. */
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (composer_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_widget_add_controller (GTK_WIDGET (self), playtest_composer_new_push_to_talk (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.send", FALSE);
}

/**
 * playtest_composer_new:
 *
 * Returns: (transfer floating): a new, empty composer
 */
GtkWidget *
playtest_composer_new (void)
{
  return g_object_new (PLAYTEST_TYPE_COMPOSER, NULL);
}

/**
 * playtest_composer_dup_text:
 * @self: a #PlaytestComposer
 *
 * Returns: (transfer full): the text in the box, as typed
 */
char *
playtest_composer_dup_text (PlaytestComposer *self)
{
  GtkTextIter start, end;

  g_return_val_if_fail (PLAYTEST_IS_COMPOSER (self), NULL);

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}

/**
 * playtest_composer_set_text:
 * @self: a #PlaytestComposer
 * @text: (nullable): the text to put in the box
 *
 * Replaces the text in the box, e.g. to put back a line that could not be sent.
 */
void
playtest_composer_set_text (PlaytestComposer *self,
                            const char       *text)
{
  g_return_if_fail (PLAYTEST_IS_COMPOSER (self));

  gtk_text_buffer_set_text (self->buffer, text != NULL ? text : "", -1);
}

/**
 * playtest_composer_grab_focus:
 * @self: a #PlaytestComposer
 *
 * Moves the keyboard focus into the text box.
 */
void
playtest_composer_grab_focus (PlaytestComposer *self)
{
  g_return_if_fail (PLAYTEST_IS_COMPOSER (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/**
 * playtest_composer_new_push_to_talk:
 * @self: a #PlaytestComposer
 *
 * Makes the push-to-talk key (Ctrl+Space: hold to record, release to send) work wherever
 * the returned controller is added, e.g. on the window so that it works from anywhere.
 *
 * Returns: (transfer full): a key controller to add to a widget
 */
GtkEventController *
playtest_composer_new_push_to_talk (PlaytestComposer *self)
{
  GtkEventController *keys;

  g_return_val_if_fail (PLAYTEST_IS_COMPOSER (self), NULL);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (push_to_talk_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (keys, "key-released", G_CALLBACK (push_to_talk_released_cb), self,
                           G_CONNECT_SWAPPED);
  return keys;
}

/**
 * playtest_composer_get_recorder:
 * @self: a #PlaytestComposer
 *
 * Returns: (transfer none): the recorder behind "Record voice", made on first use
 */
PlaytestRecorder *
playtest_composer_get_recorder (PlaytestComposer *self)
{
  g_return_val_if_fail (PLAYTEST_IS_COMPOSER (self), NULL);

  return ensure_recorder (self);
}
