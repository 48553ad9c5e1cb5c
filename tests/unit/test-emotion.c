/* test-emotion.c: emotion labels as the service sends them: the label without its intensity,
 * and its family
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "playtest-emotion.h"

static void
test_parse (void)
{
  guint intensity = 99;
  g_autofree char *happy = playtest_emotion_parse ("happy 2", &intensity);
  g_autofree char *joy = NULL;
  g_autofree char *object = NULL;
  g_autofree char *level = NULL;
  g_autofree char *colon = NULL;

  g_assert_cmpstr (happy, ==, "happy");
  g_assert_cmpuint (intensity, ==, 2);

  joy = playtest_emotion_parse ("joy", &intensity);
  g_assert_cmpstr (joy, ==, "joy");
  g_assert_cmpuint (intensity, ==, 0);

  colon = playtest_emotion_parse ("Anger:3", &intensity);
  g_assert_cmpstr (colon, ==, "Anger");
  g_assert_cmpuint (intensity, ==, 3);

  /* Out of the 1–3 scale, or not a label: shown as it arrived. */
  level = playtest_emotion_parse ("level 7", &intensity);
  g_assert_cmpstr (level, ==, "level 7");
  g_assert_cmpuint (intensity, ==, 0);
  object = playtest_emotion_parse ("{\"emotion\": \"fear\", \"level\": 2}", &intensity);
  g_assert_cmpstr (object, ==, "{\"emotion\": \"fear\", \"level\": 2}");
  g_assert_cmpuint (intensity, ==, 0);

  g_assert_cmpstr (playtest_emotion_get_family ("Happy 2"), ==, "joy");
  g_assert_cmpstr (playtest_emotion_get_family ("{\"emotion\": \"fear\"}"), ==, "fear");
  g_assert_cmpstr (playtest_emotion_get_family ("very sad"), ==, "sadness");
  g_assert_cmpstr (playtest_emotion_get_family ("trust"), ==, "trust");
  g_assert_cmpstr (playtest_emotion_get_family ("bewildered"), ==, "neutral");
  g_assert_cmpstr (playtest_emotion_get_family (NULL), ==, "neutral");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/emotion/parse", test_parse);

  return g_test_run ();
}
