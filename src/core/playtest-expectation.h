/* playtest-expectation.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "playtest-turn.h"

G_BEGIN_DECLS

/* What a script step expects of the character's answer. Every field is optional: a NULL
 * string or list, a tri-state of -1, or a latency of -1 means "not asked for". Text
 * comparisons are case-insensitive; @section matches a section's id or its name. */
typedef struct
{
  char    *text_contains;
  char    *text_not_contains;
  char    *text_matches;         /* a regular expression, compiled into text_regex */
  GRegex  *text_regex;
  char    *emotion;
  char   **emotion_in;
  char    *action;
  char   **actions_include;
  char    *section;
  int      section_changed;      /* -1 unset, 0 must stay, 1 must change */
  char    *user_query_contains;
  int      has_audio;            /* -1 unset, 0 must have none, 1 must have some */
  gint64   max_latency_ms;       /* -1 unset */
} PlaytestExpectations;

/* One expectation held against one answer, in words a tester reads in a report:
 * key "emotion", expected "joy", actual "sadness". */
typedef struct
{
  char     *key;
  gboolean  passed;
  char     *expected;
  char     *actual;
} PlaytestCheck;

PlaytestExpectations *playtest_expectations_new        (void);
void                  playtest_expectations_free       (PlaytestExpectations *self);
gboolean              playtest_expectations_is_empty   (const PlaytestExpectations *self);

GPtrArray            *playtest_expectations_check      (const PlaytestExpectations *self,
                                                        PlaytestTurn               *turn,
                                                        const char                 *previous_section_id,
                                                        GHashTable                 *section_names);

PlaytestCheck        *playtest_check_new               (const char                 *key,
                                                        gboolean                    passed,
                                                        const char                 *expected,
                                                        const char                 *actual);
void                  playtest_check_free              (PlaytestCheck              *check);
char                 *playtest_check_describe          (const PlaytestCheck        *check);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlaytestExpectations, playtest_expectations_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlaytestCheck, playtest_check_free)

G_END_DECLS
