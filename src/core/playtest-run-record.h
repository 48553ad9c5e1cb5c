/* playtest-run-record.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "playtest-expectation.h"
#include "playtest-runner.h"

G_BEGIN_DECLS

/* One step of a script run as the history store kept it (PlaytestScriptRun.results_json):
 * enough to show the run again beside its session when the script itself is long gone. */
typedef struct
{
  guint               index;           /* from 0 */
  char               *description;     /* "Say “Good evening”" */
  PlaytestStepStatus  status;
  GPtrArray          *checks;          /* PlaytestCheck, in the script's key order */
  char               *error;           /* why the step got no answer, or NULL */
  guint               n_rate_limited;
  gint64              turn_id;         /* -1 when the step recorded no turn */
  char               *conversation_id; /* NULL when the step did not run */
} PlaytestStepRecord;

void       playtest_step_record_free        (PlaytestStepRecord *record);
GPtrArray *playtest_step_records_from_json  (const char         *results_json,
                                             GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlaytestStepRecord, playtest_step_record_free)

G_END_DECLS
