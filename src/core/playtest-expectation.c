/* playtest-expectation.c
 *
 * What a script step expects of an answer, and each expectation held against a turn, in words
 * a tester reads in a report ("emotion: expected “joy”, got “sadness”").
 *
 * Checks come in one fixed order, the order of the fields of PlaytestExpectations (and of the
 * keys in the README): text_contains, text_not_contains, text_matches, emotion, emotion_in,
 * action, actions_include, section, section_changed, user_query_contains, has_audio,
 * max_latency_ms.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "playtest-emotion.h"
#include "playtest-expectation.h"
#include "playtest-format.h"

/* A reply quoted in a report is cut after this many characters. */
#define QUOTE_MAX_CHARS 120

/**
 * playtest_expectations_new:
 *
 * Returns: (transfer full): expectations that ask for nothing yet
 */
PlaytestExpectations *
playtest_expectations_new (void)
{
  PlaytestExpectations *self = g_new0 (PlaytestExpectations, 1);

  self->section_changed = -1;
  self->has_audio = -1;
  self->max_latency_ms = -1;

  return self;
}

/**
 * playtest_expectations_free:
 * @self: (nullable): expectations
 */
void
playtest_expectations_free (PlaytestExpectations *self)
{
  if (self == NULL)
    return;

  g_free (self->text_contains);
  g_free (self->text_not_contains);
  g_free (self->text_matches);
  g_clear_pointer (&self->text_regex, g_regex_unref);
  g_free (self->emotion);
  g_strfreev (self->emotion_in);
  g_free (self->action);
  g_strfreev (self->actions_include);
  g_free (self->section);
  g_free (self->user_query_contains);
  g_free (self);
}

/**
 * playtest_expectations_is_empty:
 * @self: expectations
 *
 * Returns: %TRUE when @self asks for nothing, so a step passes on any answer
 */
gboolean
playtest_expectations_is_empty (const PlaytestExpectations *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return self->text_contains == NULL && self->text_not_contains == NULL &&
         self->text_matches == NULL && self->emotion == NULL && self->emotion_in == NULL &&
         self->action == NULL && self->actions_include == NULL && self->section == NULL &&
         self->section_changed < 0 && self->user_query_contains == NULL &&
         self->has_audio < 0 && self->max_latency_ms < 0;
}

/**
 * playtest_check_new:
 * @key: the script key that was checked, such as "emotion"
 * @passed: whether the answer met it
 * @expected: what the script asked for, in words
 * @actual: what came back, in words
 *
 * Returns: (transfer full): a check
 */
PlaytestCheck *
playtest_check_new (const char *key,
                    gboolean    passed,
                    const char *expected,
                    const char *actual)
{
  PlaytestCheck *check = g_new0 (PlaytestCheck, 1);

  check->key = g_strdup (key);
  check->passed = !!passed;
  check->expected = g_strdup (expected);
  check->actual = g_strdup (actual);

  return check;
}

/**
 * playtest_check_free:
 * @check: (nullable): a check
 */
void
playtest_check_free (PlaytestCheck *check)
{
  if (check == NULL)
    return;

  g_free (check->key);
  g_free (check->expected);
  g_free (check->actual);
  g_free (check);
}

/**
 * playtest_check_describe:
 * @check: a check
 *
 * Says a check in one line for a report: "emotion: expected “joy”, got “sadness”".
 *
 * Returns: (transfer full): the line
 */
char *
playtest_check_describe (const PlaytestCheck *check)
{
  g_return_val_if_fail (check != NULL, NULL);

  /* Translators: a check of a script step in a report: the key, what the script expected and
   * what the character's answer had, as in "emotion: expected “joy”, got “sadness”" */
  return g_strdup_printf (_("%s: expected %s, got %s"), check->key, check->expected,
                          check->actual);
}

/* Words ------------------------------------------------------------------------------------ */

/* For case-insensitive comparisons that also treat composed and decomposed accents alike. */
static char *
fold (const char *text)
{
  g_autofree char *normal = g_utf8_normalize (text != NULL ? text : "", -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normal != NULL ? normal : "", -1);
}

static gboolean
same_words (const char *a,
            const char *b)
{
  g_autofree char *folded_a = fold (a);
  g_autofree char *folded_b = fold (b);

  return strcmp (folded_a, folded_b) == 0;
}

static gboolean
contains_words (const char *haystack,
                const char *needle)
{
  g_autofree char *folded_haystack = fold (haystack);
  g_autofree char *folded_needle = fold (needle);

  return strstr (folded_haystack, folded_needle) != NULL;
}

/* “text”, on one line and cut when long: a report line quotes a reply, not a page. */
static char *
quote (const char *text)
{
  return playtest_format_quoted (text, QUOTE_MAX_CHARS);
}

static char *
quote_list (const char * const *items)
{
  return playtest_format_quoted_list (items, QUOTE_MAX_CHARS);
}

/* The reply text quoted, or words for its absence. */
static char *
quote_or (const char *text,
          const char *absent)
{
  if (text == NULL || *text == '\0')
    return g_strdup (absent);

  return quote (text);
}

static char *
describe_section (const char *section_id,
                  GHashTable *section_names)
{
  const char *name = playtest_format_section_name (section_names, section_id);
  g_autofree char *both = NULL;

  if (section_id == NULL)
    return g_strdup (_("no section"));
  if (name == section_id)
    return quote (section_id);

  /* Translators: a narrative section by name and id, as in The Lost Ring (sec-ring) */
  both = g_strdup_printf (_("%s (%s)"), name, section_id);
  return quote (both);
}

/* Checks, one per key ------------------------------------------------------------------------ */

static void add_check (GPtrArray  *checks,
                       const char *key,
                       gboolean    passed,
                       const char *actual,
                       const char *expected_format,
                       ...) G_GNUC_PRINTF (5, 6);

static void
add_check (GPtrArray  *checks,
           const char *key,
           gboolean    passed,
           const char *actual,
           const char *expected_format,
           ...)
{
  g_autofree char *expected = NULL;
  va_list args;

  va_start (args, expected_format);
  expected = g_strdup_vprintf (expected_format, args);
  va_end (args);

  g_ptr_array_add (checks, playtest_check_new (key, passed, expected, actual));
}

static void
check_text (const PlaytestExpectations *self,
            PlaytestTurn               *turn,
            GPtrArray                  *checks)
{
  const char *reply = playtest_turn_get_reply_text (turn);
  g_autofree char *actual = quote_or (reply, _("no reply text"));

  if (self->text_contains != NULL)
    {
      g_autofree char *wanted = quote (self->text_contains);

      add_check (checks, "text_contains", contains_words (reply, self->text_contains), actual,
                 /* Translators: what a script expects of a reply, as in contains “evening” */
                 _("contains %s"), wanted);
    }

  if (self->text_not_contains != NULL)
    {
      g_autofree char *unwanted = quote (self->text_not_contains);

      add_check (checks, "text_not_contains", !contains_words (reply, self->text_not_contains),
                 actual,
                 /* Translators: what a script expects of a reply, as in does not contain
                  * “Goodbye” */
                 _("does not contain %s"), unwanted);
    }

  if (self->text_matches != NULL)
    {
      g_autofree char *pattern = quote (self->text_matches);
      gboolean matched = self->text_regex != NULL &&
                         g_regex_match (self->text_regex, reply != NULL ? reply : "", 0, NULL);

      /* Translators: what a script expects of a reply, as in matches “^Hel+o” */
      add_check (checks, "text_matches", matched, actual, _("matches %s"), pattern);
    }
}

/* The label of an emotion without its intensity, "joy" for "Joy 3", for comparing. */
static gboolean
emotion_is (const char *emotion,
            const char *wanted)
{
  g_autofree char *label = NULL;
  g_autofree char *wanted_label = NULL;

  if (emotion == NULL)
    return FALSE;

  label = playtest_emotion_parse (emotion, NULL);
  wanted_label = playtest_emotion_parse (wanted, NULL);
  return same_words (label, wanted_label);
}

static void
check_emotion (const PlaytestExpectations *self,
               PlaytestTurn               *turn,
               GPtrArray                  *checks)
{
  const char *emotion = playtest_turn_get_emotion (turn);
  g_autofree char *actual = quote_or (emotion, _("no emotion"));

  if (self->emotion != NULL)
    {
      g_autofree char *wanted = quote (self->emotion);

      add_check (checks, "emotion", emotion_is (emotion, self->emotion), actual, "%s", wanted);
    }

  if (self->emotion_in != NULL)
    {
      g_autofree char *wanted = quote_list ((const char * const *) self->emotion_in);
      gboolean found = FALSE;

      for (guint i = 0; self->emotion_in[i] != NULL && !found; i++)
        found = emotion_is (emotion, self->emotion_in[i]);

      /* Translators: what a script expects of a reply, as in one of “joy”, “surprise” */
      add_check (checks, "emotion_in", found, actual, _("one of %s"), wanted);
    }
}

/* Every action of the answer: its sequence, and its single action when the sequence lacks it. */
static GPtrArray *
dup_reply_actions (PlaytestTurn *turn)
{
  const char * const *actions = playtest_turn_get_actions (turn);
  const char *action = playtest_turn_get_action (turn);
  GPtrArray *all = g_ptr_array_new ();

  for (guint i = 0; actions != NULL && actions[i] != NULL; i++)
    g_ptr_array_add (all, (gpointer) actions[i]);
  if (action != NULL && *action != '\0' && (actions == NULL || !g_strv_contains (actions, action)))
    g_ptr_array_add (all, (gpointer) action);
  g_ptr_array_add (all, NULL);

  return all;
}

static gboolean
actions_contain (GPtrArray  *actions,
                 const char *wanted)
{
  for (guint i = 0; i + 1 < actions->len; i++)
    if (same_words (g_ptr_array_index (actions, i), wanted))
      return TRUE;

  return FALSE;
}

static void
check_actions (const PlaytestExpectations *self,
               PlaytestTurn               *turn,
               GPtrArray                  *checks)
{
  g_autoptr(GPtrArray) actions = dup_reply_actions (turn);
  g_autofree char *actual = actions->len > 1 ? quote_list ((const char * const *) actions->pdata)
                                             : g_strdup (_("no action"));

  if (self->action != NULL)
    {
      g_autofree char *wanted = quote (self->action);

      add_check (checks, "action", actions_contain (actions, self->action), actual, "%s",
                 wanted);
    }

  if (self->actions_include != NULL)
    {
      g_autofree char *wanted = quote_list ((const char * const *) self->actions_include);
      gboolean all = TRUE;

      for (guint i = 0; self->actions_include[i] != NULL; i++)
        all = all && actions_contain (actions, self->actions_include[i]);

      /* Translators: what a script expects of a reply's actions, as in includes “Wave”, “Bow” */
      add_check (checks, "actions_include", all, actual, _("includes %s"), wanted);
    }
}

static char *
describe_section_change (const char *previous_id,
                         const char *section_id,
                         GHashTable *section_names)
{
  g_autofree char *previous = NULL;
  g_autofree char *current = NULL;

  if (section_id == NULL)
    return g_strdup (_("no section"));

  current = describe_section (section_id, section_names);
  if (previous_id == NULL)
    /* Translators: the first narrative section of a session, as in entered “Arrival” */
    return g_strdup_printf (_("entered %s"), current);
  if (strcmp (previous_id, section_id) == 0)
    /* Translators: a narrative section that did not change, as in stayed in “Arrival” */
    return g_strdup_printf (_("stayed in %s"), current);

  previous = describe_section (previous_id, section_names);
  /* Translators: a change of narrative section, as in moved from “Arrival” to “The Lost Ring” */
  return g_strdup_printf (_("moved from %s to %s"), previous, current);
}

static void
check_section (const PlaytestExpectations *self,
               PlaytestTurn               *turn,
               const char                 *previous_id,
               GHashTable                 *section_names,
               GPtrArray                  *checks)
{
  const char *section_id = playtest_turn_get_narrative_section_id (turn);

  if (self->section != NULL)
    {
      const char *name = playtest_format_section_name (section_names, section_id);
      g_autofree char *actual = describe_section (section_id, section_names);
      g_autofree char *wanted = NULL;
      gboolean passed;

      /* An id the character's sections name is shown with its name, like the answer. */
      if (section_names != NULL && g_hash_table_contains (section_names, self->section))
        wanted = describe_section (self->section, section_names);
      else
        wanted = quote (self->section);
      passed = section_id != NULL &&
               (same_words (section_id, self->section) || same_words (name, self->section));
      add_check (checks, "section", passed, actual, "%s", wanted);
    }

  if (self->section_changed >= 0)
    {
      /* The first turn of a session enters its section: that counts as a change. A turn that
       * names no section has not moved anywhere. */
      gboolean changed = section_id != NULL &&
                         (previous_id == NULL || strcmp (previous_id, section_id) != 0);
      g_autofree char *actual = describe_section_change (previous_id, section_id,
                                                         section_names);

      add_check (checks, "section_changed", changed == (self->section_changed > 0), actual,
                 "%s", self->section_changed > 0 ? _("a new section") : _("the same section"));
    }
}

static void
check_user_query (const PlaytestExpectations *self,
                  PlaytestTurn               *turn,
                  GPtrArray                  *checks)
{
  const char *query = playtest_turn_get_user_query (turn);
  g_autofree char *actual = NULL;
  g_autofree char *wanted = NULL;

  if (self->user_query_contains == NULL)
    return;

  actual = quote_or (query, _("no transcript"));
  wanted = quote (self->user_query_contains);
  add_check (checks, "user_query_contains", contains_words (query, self->user_query_contains),
             actual, _("contains %s"), wanted);
}

static gboolean
turn_has_reply_audio (PlaytestTurn *turn)
{
  GBytes *audio = playtest_turn_get_reply_audio (turn);

  /* A turn read back from the history store has its audio in a file instead. */
  return (audio != NULL && g_bytes_get_size (audio) > 0) ||
         playtest_turn_get_reply_audio_path (turn) != NULL;
}

static void
check_audio_and_latency (const PlaytestExpectations *self,
                         PlaytestTurn               *turn,
                         GPtrArray                  *checks)
{
  if (self->has_audio >= 0)
    {
      gboolean has_audio = turn_has_reply_audio (turn);

      add_check (checks, "has_audio", has_audio == (self->has_audio > 0),
                 has_audio ? _("audio") : _("no audio"),
                 "%s", self->has_audio > 0 ? _("audio") : _("no audio"));
    }

  if (self->max_latency_ms >= 0)
    {
      gint64 latency = playtest_turn_get_latency_ms (turn);
      g_autofree char *actual = latency >= 0 ? g_strdup_printf (_("%d ms"), (int) latency)
                                             : g_strdup (_("no timing"));

      /* Translators: the longest a reply may take, as in ≤ 5000 ms */
      add_check (checks, "max_latency_ms", latency >= 0 && latency <= self->max_latency_ms,
                 actual, _("≤ %d ms"), (int) self->max_latency_ms);
    }
}

/**
 * playtest_expectations_check:
 * @self: expectations
 * @turn: the answered turn to hold them against
 * @previous_section_id: (nullable): the narrative section before @turn, %NULL for the first
 *   turn of a session (for section_changed: entering the first section counts as a change)
 * @section_names: (nullable) (element-type utf8 utf8): section id → name, so that
 *   `section` matches a name too and reports read "The Lost Ring (sec-ring)"
 *
 * Holds each expectation that is set against @turn. Text, emotions, actions and sections
 * compare case-insensitively; an emotion compares by its label without intensity ("Joy 3"
 * is "joy"), not by family ("happy" is not "joy").
 *
 * Returns: (transfer full) (element-type PlaytestCheck): one check per expectation set, in
 *   the order of the fields of #PlaytestExpectations
 */
GPtrArray *
playtest_expectations_check (const PlaytestExpectations *self,
                             PlaytestTurn               *turn,
                             const char                 *previous_section_id,
                             GHashTable                 *section_names)
{
  GPtrArray *checks;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (PLAYTEST_IS_TURN (turn), NULL);

  checks = g_ptr_array_new_with_free_func ((GDestroyNotify) playtest_check_free);
  check_text (self, turn, checks);
  check_emotion (self, turn, checks);
  check_actions (self, turn, checks);
  check_section (self, turn, previous_section_id, section_names, checks);
  check_user_query (self, turn, checks);
  check_audio_and_latency (self, turn, checks);

  return checks;
}
