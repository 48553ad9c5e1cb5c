/* playtest-composer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "playtest-composer.h"

struct _PlaytestComposer
{
  GtkWidget      parent_instance;

  GtkWidget     *overlay;
  GtkTextView   *text_view;
  GtkTextBuffer *buffer;
  GtkWidget     *placeholder;
  GtkWidget     *send_button;
};

G_DEFINE_FINAL_TYPE (PlaytestComposer, playtest_composer, GTK_TYPE_WIDGET)

enum {
  SEND,
  CANCEL,
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

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH
                                               "/playtest-composer.ui");
  /* Every direct child is bound, so that dispose_template() unparents them all. */
  gtk_widget_class_bind_template_child (widget_class, PlaytestComposer, overlay);
  gtk_widget_class_bind_template_child (widget_class, PlaytestComposer, text_view);
  gtk_widget_class_bind_template_child (widget_class, PlaytestComposer, buffer);
  gtk_widget_class_bind_template_child (widget_class, PlaytestComposer, placeholder);
  gtk_widget_class_bind_template_child (widget_class, PlaytestComposer, send_button);
  gtk_widget_class_bind_template_callback (widget_class, buffer_changed_cb);

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
