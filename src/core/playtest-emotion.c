/* playtest-emotion.c
 *
 * What an emotion label says, whatever shape the service gave it: the word without its
 * intensity, and the family it belongs to. Scripts compare labels; the app colours families.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "playtest-emotion.h"

typedef struct
{
  const char *word;
  const char *family;
} EmotionWord;

/* Plutchik's eight families, plus the words Convai characters and designers use for them. */
static const EmotionWord emotion_words[] = {
  { "joy", "joy" }, { "happy", "joy" }, { "happiness", "joy" }, { "glad", "joy" },
  { "cheerful", "joy" }, { "delighted", "joy" }, { "amused", "joy" }, { "pleased", "joy" },
  { "excited", "joy" }, { "love", "joy" }, { "content", "joy" },
  { "trust", "trust" }, { "admiration", "trust" }, { "acceptance", "trust" },
  { "grateful", "trust" }, { "gratitude", "trust" }, { "calm", "trust" }, { "relief", "trust" },
  { "fear", "fear" }, { "afraid", "fear" }, { "scared", "fear" }, { "anxious", "fear" },
  { "anxiety", "fear" }, { "nervous", "fear" }, { "worried", "fear" }, { "terror", "fear" },
  { "surprise", "surprise" }, { "surprised", "surprise" }, { "amazed", "surprise" },
  { "amazement", "surprise" }, { "astonished", "surprise" }, { "shocked", "surprise" },
  { "sadness", "sadness" }, { "sad", "sadness" }, { "sorrow", "sadness" },
  { "grief", "sadness" }, { "unhappy", "sadness" }, { "melancholy", "sadness" },
  { "disappointed", "sadness" }, { "lonely", "sadness" },
  { "anger", "anger" }, { "angry", "anger" }, { "mad", "anger" }, { "furious", "anger" },
  { "annoyed", "anger" }, { "irritated", "anger" }, { "rage", "anger" },
  { "frustrated", "anger" },
  { "disgust", "disgust" }, { "disgusted", "disgust" }, { "contempt", "disgust" },
  { "loathing", "disgust" }, { "boredom", "disgust" }, { "bored", "disgust" },
  { "anticipation", "anticipation" }, { "interest", "anticipation" },
  { "interested", "anticipation" }, { "eager", "anticipation" }, { "hopeful", "anticipation" },
  { "hope", "anticipation" }, { "curious", "anticipation" }, { "vigilance", "anticipation" },
  { "neutral", "neutral" },
};

static const char *
lookup_word (const char *word)
{
  for (guint i = 0; i < G_N_ELEMENTS (emotion_words); i++)
    if (strcmp (emotion_words[i].word, word) == 0)
      return emotion_words[i].family;

  return NULL;
}

/**
 * playtest_emotion_get_family:
 * @emotion: (nullable): an emotion as the service sent it
 *
 * The first word of @emotion that names a known emotion decides the family, so "happy 2",
 * "very sad" and `{"emotion": "fear", "level": 3}` are all coloured.
 *
 * Returns: the family: "joy", "trust", "fear", "surprise", "sadness", "anger", "disgust",
 *   "anticipation" or "neutral" (also for unknown words)
 */
const char *
playtest_emotion_get_family (const char *emotion)
{
  g_autofree char *lower = NULL;
  g_auto(GStrv) words = NULL;

  if (emotion == NULL)
    return "neutral";

  lower = g_utf8_strdown (emotion, -1);
  /* Split on everything that is not a letter: spaces, digits, quotes, braces. */
  for (char *p = lower; *p; p++)
    if (!g_ascii_isalpha (*p))
      *p = ' ';
  words = g_strsplit (lower, " ", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *family = words[i][0] ? lookup_word (words[i]) : NULL;

      if (family != NULL)
        return family;
    }

  return "neutral";
}

/**
 * playtest_emotion_parse:
 * @emotion: an emotion as the service sent it
 * @intensity: (out) (optional): the intensity 1–3, or 0 when @emotion carries none
 *
 * Splits a trailing intensity off a label: "happy 2" and "happy:2" are "happy" at 2.
 * Anything else (an object as JSON, "level 7") comes back as it arrived.
 *
 * Returns: (transfer full): the label without its intensity
 */
char *
playtest_emotion_parse (const char *emotion,
                        guint      *intensity)
{
  g_autofree char *text = g_strstrip (g_strdup (emotion != NULL ? emotion : ""));
  gsize len = strlen (text);
  guint level = 0;

  if (len >= 3 && text[len - 1] >= '1' && text[len - 1] <= '3' && text[0] != '{' &&
      text[0] != '[' && strchr (" \t:_-(=", text[len - 2]) != NULL)
    {
      level = text[len - 1] - '0';
      text[len - 1] = '\0';
      /* Drop the separators between the word and its number. */
      while (len > 1 && strchr (" \t:_-(=", text[len - 2]) != NULL)
        text[--len - 1] = '\0';
      if (text[0] == '\0')
        level = 0;
    }

  if (level == 0)
    {
      g_free (text);
      text = g_strstrip (g_strdup (emotion != NULL ? emotion : ""));
    }

  if (intensity != NULL)
    *intensity = level;

  return g_steal_pointer (&text);
}
