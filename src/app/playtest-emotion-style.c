/* playtest-emotion-style.c
 *
 * Which colour an emotion wears, the same in the state panel, the timeline and the chat rows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "playtest-emotion-style.h"

/* Every family's class: the CSS classes in style.css, "emotion-<family>". */
static const char *family_classes[][2] = {
  { "joy", "emotion-joy" }, { "trust", "emotion-trust" }, { "fear", "emotion-fear" },
  { "surprise", "emotion-surprise" }, { "sadness", "emotion-sadness" },
  { "anger", "emotion-anger" }, { "disgust", "emotion-disgust" },
  { "anticipation", "emotion-anticipation" }, { "neutral", "emotion-neutral" },
};

/**
 * playtest_emotion_get_css_class:
 * @emotion: (nullable): an emotion as the service sent it
 *
 * Returns: the CSS class that colours @emotion's family, such as "emotion-joy"
 */
const char *
playtest_emotion_get_css_class (const char *emotion)
{
  const char *family = playtest_emotion_get_family (emotion);

  for (guint i = 0; i < G_N_ELEMENTS (family_classes); i++)
    if (strcmp (family_classes[i][0], family) == 0)
      return family_classes[i][1];

  return "emotion-neutral";
}

/**
 * playtest_emotion_set_css_class:
 * @widget: a widget that shows an emotion's colour
 * @emotion: (nullable): an emotion as the service sent it
 *
 * Gives @widget the class of @emotion's family, and no other family's: for a widget that
 * shows one emotion after another.
 */
void
playtest_emotion_set_css_class (GtkWidget  *widget,
                                const char *emotion)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  for (guint i = 0; i < G_N_ELEMENTS (family_classes); i++)
    gtk_widget_remove_css_class (widget, family_classes[i][1]);
  gtk_widget_add_css_class (widget, playtest_emotion_get_css_class (emotion));
}
