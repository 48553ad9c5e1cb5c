/* test-run-record.c: a script run read back from the history store's record of it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "playtest-run-record.h"

/* As playtest_runner_results_to_json() writes a run: one step passed, one failed on its
 * emotion, one with no answer after a rate-limit wait, one never reached. */
static const char run_json[] =
  "{\"script\": \"Innkeeper smoke\", \"passed\": false, \"steps\": ["
  " {\"step\": 1, \"description\": \"Say “Hello there!”\", \"status\": \"passed\","
  "  \"conversation_id\": \"c1\", \"turn_id\": 7, \"duration_ms\": 12, \"rate_limited\": 0,"
  "  \"error\": null, \"checks\": [{\"key\": \"emotion\", \"passed\": true,"
  "  \"expected\": \"“joy”\", \"actual\": \"“joy”\"}]},"
  " {\"step\": 2, \"description\": \"Say “A drink?”\", \"status\": \"failed\","
  "  \"conversation_id\": \"c1\", \"turn_id\": 8, \"rate_limited\": 0, \"error\": null,"
  "  \"checks\": [{\"key\": \"section\", \"passed\": true, \"expected\": \"“Arrival”\","
  "  \"actual\": \"“Arrival”\"}, {\"key\": \"emotion\", \"passed\": false,"
  "  \"expected\": \"“sadness”\", \"actual\": \"“joy”\"}]},"
  " {\"step\": 3, \"description\": \"Say “Bye”\", \"status\": \"error\","
  "  \"conversation_id\": \"c1\", \"turn_id\": null, \"rate_limited\": 2,"
  "  \"error\": \"The service is busy\", \"checks\": []},"
  " {\"step\": 4, \"description\": \"Start a new session\", \"status\": \"skipped\","
  "  \"conversation_id\": null, \"turn_id\": null, \"rate_limited\": 0, \"error\": null,"
  "  \"checks\": []}]}";

static PlaytestStepRecord *
step (GPtrArray *records,
      guint      index)
{
  g_assert_cmpuint (index, <, records->len);
  return g_ptr_array_index (records, index);
}

static void
test_run_record_steps (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = playtest_step_records_from_json (run_json, &error);
  PlaytestStepRecord *failed;
  PlaytestCheck *check;
  g_autofree char *words = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 4);

  g_assert_cmpstr (step (records, 0)->description, ==, "Say “Hello there!”");
  g_assert_cmpint (step (records, 0)->status, ==, PLAYTEST_STEP_STATUS_PASSED);
  g_assert_cmpint (step (records, 0)->turn_id, ==, 7);
  g_assert_cmpstr (step (records, 0)->conversation_id, ==, "c1");

  failed = step (records, 1);
  g_assert_cmpint (failed->status, ==, PLAYTEST_STEP_STATUS_FAILED);
  g_assert_cmpuint (failed->checks->len, ==, 2);
  check = g_ptr_array_index (failed->checks, 1);
  g_assert_false (check->passed);
  words = playtest_check_describe (check);
  g_assert_cmpstr (words, ==, "emotion: expected “sadness”, got “joy”");

  g_assert_cmpint (step (records, 2)->status, ==, PLAYTEST_STEP_STATUS_ERROR);
  g_assert_cmpstr (step (records, 2)->error, ==, "The service is busy");
  g_assert_cmpuint (step (records, 2)->n_rate_limited, ==, 2);
  g_assert_cmpint (step (records, 2)->turn_id, ==, -1);

  g_assert_cmpint (step (records, 3)->status, ==, PLAYTEST_STEP_STATUS_SKIPPED);
  g_assert_null (step (records, 3)->conversation_id);
  g_assert_cmpuint (step (records, 3)->index, ==, 3);
}

/* A record from another version: what cannot be read is absent, the rest still shows. */
static void
test_run_record_odd_members (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = playtest_step_records_from_json (
    "{\"steps\": [{\"status\": \"postponed\", \"description\": 3, \"rate_limited\": \"x\","
    " \"checks\": [{\"passed\": false}, {\"key\": \"action\", \"expected\": \"“Wave”\"}]},"
    " 42]}", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpint (step (records, 0)->status, ==, PLAYTEST_STEP_STATUS_WAITING);
  g_assert_null (step (records, 0)->description);
  g_assert_cmpuint (step (records, 0)->n_rate_limited, ==, 0);
  g_assert_cmpuint (step (records, 0)->checks->len, ==, 1);
  g_assert_cmpstr (((PlaytestCheck *) g_ptr_array_index (step (records, 0)->checks, 0))->key,
                   ==, "action");
}

static void
test_run_record_not_a_run (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = playtest_step_records_from_json ("{\"steps\": ", &error);

  g_assert_null (records);
  g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
  g_clear_error (&error);

  records = playtest_step_records_from_json ("{\"script\": \"No steps\"}", &error);
  g_assert_null (records);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/run-record/steps", test_run_record_steps);
  g_test_add_func ("/run-record/odd-members", test_run_record_odd_members);
  g_test_add_func ("/run-record/not-a-run", test_run_record_not_a_run);

  return g_test_run ();
}
