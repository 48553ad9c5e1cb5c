/* test-sse-parser.c: streamed bodies cut at any byte
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "playtest-reply-private.h"
#include "playtest-sse-parser.h"

#define N_RANDOM_SPLITS 25

static void
collect_cb (const char *data,
            gsize       length,
            gpointer    user_data)
{
  GPtrArray *events = user_data;

  /* The payload is NUL-terminated and @length is its exact size. */
  g_assert_cmpuint (strlen (data), ==, length);
  g_ptr_array_add (events, g_strndup (data, length));
}

/* Feeds @input in pieces whose sizes come from @rand (1 byte each if @rand is NULL and
 * @whole is FALSE), then finishes; returns the events, NULL-terminated. */
static GPtrArray *
run_parser (const char *input,
            GRand      *rand,
            gboolean    whole)
{
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(PlaytestSseParser) parser = playtest_sse_parser_new (collect_cb, events);
  gsize length = strlen (input);
  gsize offset = 0;

  while (offset < length)
    {
      gsize piece = whole ? length : rand == NULL ? 1 : (gsize) g_rand_int_range (rand, 1, 12);

      piece = MIN (piece, length - offset);
      playtest_sse_parser_feed (parser, input + offset, piece);
      offset += piece;
    }
  playtest_sse_parser_finish (parser);
  g_ptr_array_add (events, NULL);

  return events;
}

/* Whole, byte by byte and in many random (but repeatable) splits: always the same events. */
static void
assert_events (const char         *input,
               const char * const *expected)
{
  g_autoptr(GPtrArray) whole = run_parser (input, NULL, TRUE);
  g_autoptr(GPtrArray) bytewise = run_parser (input, NULL, FALSE);

  g_assert_cmpstrv ((char **) whole->pdata, expected);
  g_assert_cmpstrv ((char **) bytewise->pdata, expected);

  for (guint32 seed = 1; seed <= N_RANDOM_SPLITS; seed++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      g_autoptr(GPtrArray) split = run_parser (input, rand, FALSE);

      g_assert_cmpstrv ((char **) split->pdata, expected);
    }
}

#define EVENTS(...) ((const char * const[]) { __VA_ARGS__, NULL })

static void
test_basic (void)
{
  assert_events ("data: {\"text\": \"Hello\"}\n\ndata: {\"text\": \" there\"}\n\n",
                 EVENTS ("{\"text\": \"Hello\"}", "{\"text\": \" there\"}"));
}

static void
test_line_endings (void)
{
  assert_events ("data: a\r\n\r\ndata: b\r\n\r\n", EVENTS ("a", "b"));
  assert_events ("data: a\r\rdata: b\r\r", EVENTS ("a", "b"));
  assert_events ("data: a\r\n\ndata: b\n\r\n", EVENTS ("a", "b"));
}

static void
test_cr_lf_across_feeds (void)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(PlaytestSseParser) parser = playtest_sse_parser_new (collect_cb, events);

  /* A \r ending one read and the \n opening the next are one line end, not two: otherwise
   * the blank line between them would split "a" and "b" into two events. */
  playtest_sse_parser_feed (parser, "data: a\r", 8);
  playtest_sse_parser_feed (parser, "\ndata: b\r", 9);
  g_assert_cmpuint (events->len, ==, 0);
  playtest_sse_parser_feed (parser, "\n\r", 2);
  g_assert_cmpuint (events->len, ==, 1);
  playtest_sse_parser_feed (parser, "\n", 1);
  playtest_sse_parser_finish (parser);

  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (events, 0), ==, "a\nb");
}

static void
test_blank_lines (void)
{
  assert_events ("\n\n\ndata: x\n\n\n\n\ndata: y\n\n\n", EVENTS ("x", "y"));
  assert_events ("data: x\n   \ndata: y\n\t\n", EVENTS ("x", "y"));
  assert_events ("data:\n\ndata: \n\n\n", EVENTS (NULL));
}

static void
test_multiple_data_lines (void)
{
  assert_events ("data: line one\ndata: line two\ndata:\ndata: end\n\n",
                 EVENTS ("line one\nline two\n\nend"));
  assert_events ("data:nospace\n\ndata:  two spaces\n\ndata\n\n",
                 EVENTS ("nospace", " two spaces"));
}

static void
test_comments_and_fields (void)
{
  assert_events (": keep-alive\n\n:another\nevent: message\nid: 7\nretry: 1000\n"
                 "database: no\ndata: x\nweird line\n\n",
                 EVENTS ("x"));
}

static void
test_finish_flushes (void)
{
  assert_events ("data: first\n\ndata: last", EVENTS ("first", "last"));
  assert_events ("data: last\n", EVENTS ("last"));
  assert_events ("data: last\r", EVENTS ("last"));
}

static void
test_bare_json_objects (void)
{
  assert_events ("{\"text\": \"a\"}\r\n{\"text\": \"b\"}\r\n",
                 EVENTS ("{\"text\": \"a\"}", "{\"text\": \"b\"}"));
  assert_events ("{\"text\": \"a\"}{\"text\": \"b\"}{\"text\": \"c\"}",
                 EVENTS ("{\"text\": \"a\"}", "{\"text\": \"b\"}", "{\"text\": \"c\"}"));
  assert_events ("  {\"a\": 1}\n\n\n{\"b\": 2}", EVENTS ("{\"a\": 1}", "{\"b\": 2}"));
  assert_events ("{\"a\": 1},\n{\"b\": 2}", EVENTS ("{\"a\": 1}", "{\"b\": 2}"));
}

static void
test_braces_in_strings (void)
{
  assert_events ("{\"text\": \"a } { \\\" } \\\\\"}{\"text\": \"{b}\"}",
                 EVENTS ("{\"text\": \"a } { \\\" } \\\\\"}", "{\"text\": \"{b}\"}"));
  assert_events ("{\"a\": {\"b\": {\"c\": [{}, {\"d\": \"}\"}]}}}\r\n{\"e\": 1}",
                 EVENTS ("{\"a\": {\"b\": {\"c\": [{}, {\"d\": \"}\"}]}}}", "{\"e\": 1}"));
}

static void
test_pretty_printed_body (void)
{
  /* A server that ignored stream=True and sent one ordinary, indented reply. */
  const char *body = "{\n  \"text\": \"Hi\",\n  \"emotion\": {\n    \"name\": \"joy\"\n  }\n}\n";

  assert_events (body, EVENTS ("{\n  \"text\": \"Hi\",\n  \"emotion\": {\n    \"name\": \"joy\"\n"
                               "  }\n}"));
}

static void
test_joined_objects_in_data (void)
{
  assert_events ("data: {\"a\": 1}{\"b\": 2}\n\n", EVENTS ("{\"a\": 1}", "{\"b\": 2}"));
  assert_events ("data: {\"a\": 1}\r\n{\"b\": 2}\r\n\r\ndata: {\"c\": 3}\r\n\r\n",
                 EVENTS ("{\"a\": 1}", "{\"b\": 2}", "{\"c\": 3}"));
  /* Not only objects: delivered as it came, for the caller to judge. */
  assert_events ("data: {\"a\": 1} trailing\n\ndata: [DONE]\n\n",
                 EVENTS ("{\"a\": 1} trailing", "[DONE]"));
}

static void
test_modes_mixed (void)
{
  assert_events ("data: {\"a\": 1}\n\n{\"b\": 2}\ndata: {\"c\": 3}\n\n{\"d\": 4}",
                 EVENTS ("{\"a\": 1}", "{\"b\": 2}", "{\"c\": 3}", "{\"d\": 4}"));
  assert_events ("\xEF\xBB\xBF" "data: bom\n\n", EVENTS ("bom"));
  assert_events ("\xEF\xBB\xBF{\"bom\": true}", EVENTS ("{\"bom\": true}"));
}

static void
test_truncated_object (void)
{
  /* The caller sees the cut-off object and can say the reply was truncated. */
  assert_events ("{\"text\": \"a\"}{\"text\": \"cut of", EVENTS ("{\"text\": \"a\"}",
                                                                "{\"text\": \"cut of"));
}

static void
test_large_payload (void)
{
  g_autofree guchar *noise = g_malloc (60000);
  g_autofree char *base64 = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *body = NULL;

  for (gsize i = 0; i < 60000; i++)
    noise[i] = (guchar) (i * 31 + 7);
  base64 = g_base64_encode (noise, 60000);
  payload = g_strdup_printf ("{\"audio\": \"%s\"}", base64);
  body = g_strdup_printf ("data: %s\r\n\r\n%s\r\n", payload, payload);

  assert_events (body, EVENTS (payload, payload));
}

static void
test_reuse_after_finish (void)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(PlaytestSseParser) parser = playtest_sse_parser_new (collect_cb, events);

  playtest_sse_parser_feed (parser, "{\"a\": ", 6);
  playtest_sse_parser_finish (parser);
  playtest_sse_parser_feed (parser, "data: b\r", 8);
  playtest_sse_parser_finish (parser);
  playtest_sse_parser_feed (parser, "\ndata: c\n\n", 10);
  playtest_sse_parser_finish (parser);
  playtest_sse_parser_feed (parser, NULL, 0);
  playtest_sse_parser_finish (parser);

  g_ptr_array_add (events, NULL);
  g_assert_cmpstrv ((char **) events->pdata, EVENTS ("{\"a\": ", "b", "c"));
}

typedef struct
{
  PlaytestReply *reply;
  GString       *printed;
} StreamTarget;

static void
merge_cb (const char *data,
          gsize       length,
          gpointer    user_data)
{
  StreamTarget *target = user_data;
  g_autoptr(JsonNode) node = json_from_string (data, NULL);
  g_autofree char *piece = NULL;

  g_assert_nonnull (node);
  piece = playtest_reply_merge_object (target->reply, json_node_get_object (node), TRUE, NULL);
  if (piece != NULL)
    g_string_append_printf (target->printed, "[%s]", piece);
}

static void
test_repeated_pieces_printed_once (void)
{
  const char *body = "data: {\"text\": \"Well,\", \"sessionID\": \"s1\"}\r\n\r\n"
                     "data: {\"text\": \" well.\"}\r\n\r\n"
                     "data: {\"text\": \" well.\"}\r\n\r\n"
                     "{\"text\": \" Welcome!\", \"emotion\": \"joy\"}\r\n"
                     "{\"text\": \" Welcome!\"}{\"narrativeSectionId\": \"sec-2\"}";

  for (guint32 seed = 0; seed <= N_RANDOM_SPLITS; seed++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      g_autoptr(GString) printed = g_string_new (NULL);
      g_autoptr(PlaytestReply) reply = playtest_reply_new ();
      StreamTarget target = { reply, printed };
      g_autoptr(PlaytestSseParser) parser = playtest_sse_parser_new (merge_cb, &target);
      gsize length = strlen (body);

      for (gsize offset = 0; offset < length;)
        {
          gsize piece = g_rand_int_range (rand, 1, 9);

          piece = MIN (piece, length - offset);

          playtest_sse_parser_feed (parser, body + offset, piece);
          offset += piece;
        }
      playtest_sse_parser_finish (parser);

      g_assert_cmpstr (printed->str, ==, "[Well,][ well.][ Welcome!]");
      g_assert_cmpstr (playtest_reply_get_text (reply), ==, "Well, well. Welcome!");
      g_assert_cmpstr (playtest_reply_get_session_id (reply), ==, "s1");
      g_assert_cmpstr (playtest_reply_get_emotion (reply), ==, "joy");
      g_assert_cmpstr (playtest_reply_get_narrative_section_id (reply), ==, "sec-2");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sse-parser/basic", test_basic);
  g_test_add_func ("/sse-parser/line-endings", test_line_endings);
  g_test_add_func ("/sse-parser/cr-lf-across-feeds", test_cr_lf_across_feeds);
  g_test_add_func ("/sse-parser/blank-lines", test_blank_lines);
  g_test_add_func ("/sse-parser/multiple-data-lines", test_multiple_data_lines);
  g_test_add_func ("/sse-parser/comments-and-fields", test_comments_and_fields);
  g_test_add_func ("/sse-parser/finish-flushes", test_finish_flushes);
  g_test_add_func ("/sse-parser/bare-json-objects", test_bare_json_objects);
  g_test_add_func ("/sse-parser/braces-in-strings", test_braces_in_strings);
  g_test_add_func ("/sse-parser/pretty-printed-body", test_pretty_printed_body);
  g_test_add_func ("/sse-parser/joined-objects-in-data", test_joined_objects_in_data);
  g_test_add_func ("/sse-parser/modes-mixed", test_modes_mixed);
  g_test_add_func ("/sse-parser/truncated-object", test_truncated_object);
  g_test_add_func ("/sse-parser/large-payload", test_large_payload);
  g_test_add_func ("/sse-parser/reuse-after-finish", test_reuse_after_finish);
  g_test_add_func ("/sse-parser/repeated-pieces-printed-once", test_repeated_pieces_printed_once);

  return g_test_run ();
}
