/* test-client-error.c: HTTP statuses and bodies mapped to user-facing errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "playtest-client-error.h"

static GError *
error_for (guint       status,
           const char *content_type,
           const char *body,
           const char *retry_after)
{
  g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;

  return playtest_client_error_new_for_status (status, content_type, bytes, retry_after);
}

typedef struct
{
  guint       status;
  const char *body;
  int         code;
  const char *message;
  const char *server_message;
} StatusCase;

/* Each status with the body the live service sends for it (CONVAI-API.md), and the exact
 * message the user reads: the status, then the server's own words, nothing invented. */
static const StatusCase status_cases[] = {
  { 400, "{\"ERROR\": \"Expecting only one; either an audio file or user's query as a string\"}",
    PLAYTEST_CLIENT_ERROR_BAD_REQUEST,
    "HTTP 400 Bad Request: Expecting only one; either an audio file or user's query as a string",
    "Expecting only one; either an audio file or user's query as a string" },
  { 401, "{\"ERROR\": \"Invalid API key provided.\"}", PLAYTEST_CLIENT_ERROR_BAD_KEY,
    "HTTP 401 Unauthorized: Invalid API key provided.", "Invalid API key provided." },
  { 401, "{\"API_ERROR\": \"API key is missing\"}", PLAYTEST_CLIENT_ERROR_BAD_KEY,
    "HTTP 401 Unauthorized: API key is missing", "API key is missing" },
  { 403, "", PLAYTEST_CLIENT_ERROR_FORBIDDEN, "HTTP 403 Forbidden", NULL },
  { 403, "{\"error\": \"Not available on your plan\"}", PLAYTEST_CLIENT_ERROR_FORBIDDEN,
    "HTTP 403 Forbidden: Not available on your plan", "Not available on your plan" },
  { 404, "{\"charID\": \"abc\", \"text\": \"process_failure, error: model timeout\"}",
    PLAYTEST_CLIENT_ERROR_NOT_FOUND, "HTTP 404 Not Found: process_failure, error: model timeout",
    "process_failure, error: model timeout" },
  { 429, "{\"ERROR\": \"API rate limit exceeded. Please try again later.\"}",
    PLAYTEST_CLIENT_ERROR_RATE_LIMITED,
    "HTTP 429 Too Many Requests: API rate limit exceeded. Please try again later.",
    "API rate limit exceeded. Please try again later." },
  { 500, "{\"INTERNAL_ERROR\": \"Something went wrong\"}", PLAYTEST_CLIENT_ERROR_SERVER,
    "HTTP 500 Internal Server Error: Something went wrong", "Something went wrong" },
  { 503, "{\"detail\": \"Service temporarily unavailable\"}", PLAYTEST_CLIENT_ERROR_SERVER,
    "HTTP 503 Service Unavailable: Service temporarily unavailable",
    "Service temporarily unavailable" },
  { 504, NULL, PLAYTEST_CLIENT_ERROR_SERVER, "HTTP 504 Gateway Timeout", NULL },
  { 599, "oops", PLAYTEST_CLIENT_ERROR_SERVER, "HTTP 599: oops", "oops" },
  { 302, "", PLAYTEST_CLIENT_ERROR_SERVER, "HTTP 302 Found", NULL },
  { 418, "{\"ERROR\": \"short and stout\"}", PLAYTEST_CLIENT_ERROR_SERVER,
    "HTTP 418: short and stout", "short and stout" },
};

static void
test_status_mapping (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_cases); i++)
    {
      const StatusCase *c = &status_cases[i];
      g_autoptr(GError) error = error_for (c->status, "application/json", c->body, NULL);

      g_test_message ("case %u: %u %s", i, c->status, c->body);
      g_assert_error (error, PLAYTEST_CLIENT_ERROR, c->code);
      g_assert_cmpstr (error->message, ==, c->message);
      g_assert_cmpuint (playtest_client_error_get_status (error), ==, c->status);
      g_assert_cmpstr (playtest_client_error_get_server_message (error), ==, c->server_message);
      g_assert_cmpint (playtest_client_error_get_retry_after (error), ==, -1);
    }
}

typedef struct
{
  const char *body;
  const char *words;
} WordsCase;

/* Values under the error keys come as strings, lists and objects: each made readable. */
static const WordsCase words_cases[] = {
  { "{\"error\": {\"message\": \"boom\", \"code\": 13}}", "boom" },
  { "{\"error\": [\"first\", \"second\"]}", "first; second" },
  { "{\"detail\": [{\"loc\": [\"body\", \"userText\"], \"msg\": \"field required\", "
    "\"type\": \"value_error.missing\"}]}", "body.userText: field required" },
  { "{\"detail\": {\"quota\": 0}}", "{\"quota\":0}" },
  { "{\"ERROR\": 42}", "42" },
  { "{\"ERROR\": \"  spaced\\n\\tout  \"}", "spaced out" },
  { "{\"ERROR\": \"Server busy\", \"Reference ID\": \"ref-1234\"}",
    "Server busy (Reference ID: ref-1234)" },
  { "{\"INTERNAL_ERROR\": null, \"detail\": \"second key\"}", "second key" },
  { "{\"message\": \"Gateway lambda crashed\"}", "Gateway lambda crashed" },
  { "{\"unknown\": \"shape\"}", "{\"unknown\":\"shape\"}" },
  { "[\"just\", \"a list\"]", "just; a list" },
  { "\"a JSON string\"", "a JSON string" },
};

static void
test_body_keys (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (words_cases); i++)
    {
      g_autoptr(GError) error = error_for (500, "application/json", words_cases[i].body, NULL);
      g_autofree char *expected = g_strdup_printf ("HTTP 500 Internal Server Error: %s",
                                                   words_cases[i].words);

      g_test_message ("case %u: %s", i, words_cases[i].body);
      g_assert_cmpstr (playtest_client_error_get_server_message (error), ==,
                       words_cases[i].words);
      g_assert_cmpstr (error->message, ==, expected);
    }
}

static void
test_html_502 (void)
{
  const char *nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                      "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
                      "</body>\r\n</html>\r\n";
  g_autoptr(GError) error = error_for (502, "text/html", nginx, NULL);

  g_assert_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_SERVER);
  /* The page only repeats the status line: the message does not say it twice. */
  g_assert_cmpstr (error->message, ==, "HTTP 502 Bad Gateway");
  g_assert_cmpstr (playtest_client_error_get_server_message (error), ==, "502 Bad Gateway");
  g_assert_null (strchr (error->message, '<'));
}

typedef struct
{
  const char *content_type;
  const char *body;
  const char *words;
} HtmlCase;

static const HtmlCase html_cases[] = {
  { "text/html; charset=utf-8",
    "<!DOCTYPE html><html><head><style>body{color:red}</style>"
    "<TITLE>\n  Down for   maintenance &amp; upgrades\n</TITLE></head><body>x</body></html>",
    "Down for maintenance & upgrades" },
  { "text/html", "<html><body><script>var key='x';</script><h1 class=\"big\">Upstream "
    "<em>timed</em> out</h1><p>Try later</p></body></html>", "Upstream timed out" },
  { "text/html", "<html><head><title></title></head><body><!-- hidden --><div>Cloud&nbsp;error"
    "</div> <p>ray &#35;42 &#x41;</p></body></html>", "Cloud error ray #42 A" },
  /* Content types lie: this JSON-labelled body is a proxy's HTML page. */
  { "application/json", "  <html><title>Gateway says no</title></html>", "Gateway says no" },
  { NULL, "<p>no type at all</p>", "no type at all" },
};

static void
test_html_bodies (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (html_cases); i++)
    {
      g_autoptr(GError) error = error_for (503, html_cases[i].content_type, html_cases[i].body,
                                           NULL);

      g_test_message ("case %u", i);
      g_assert_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_SERVER);
      g_assert_cmpstr (playtest_client_error_get_server_message (error), ==, html_cases[i].words);
    }
}

static void
test_long_html_excerpt (void)
{
  g_autoptr(GString) page = g_string_new ("<html><body><div>");
  g_autoptr(GError) error = NULL;
  const char *words;

  for (guint i = 0; i < 500; i++)
    g_string_append (page, "lorem <b>ipsum</b>\n\n ");
  g_string_append (page, "</div></body></html>");
  error = error_for (500, "text/html", page->str, NULL);

  words = playtest_client_error_get_server_message (error);
  g_assert_nonnull (words);
  g_assert_true (g_str_has_prefix (words, "lorem ipsum lorem ipsum"));
  g_assert_true (g_str_has_suffix (words, "…"));
  g_assert_cmpuint (g_utf8_strlen (words, -1), <=, 201);
  g_assert_cmpuint (g_utf8_strlen (words, -1), >=, 150);
  g_assert_null (strchr (error->message, '<'));
}

static void
test_plain_text_body (void)
{
  g_autoptr(GError) error = error_for (503, "text/plain",
                                       "upstream connect error or disconnect/reset before "
                                       "headers.\r\nreset reason: connection failure", NULL);
  g_autoptr(GError) same = error_for (500, "text/plain", "Internal Server Error\n", NULL);

  g_assert_cmpstr (error->message, ==,
                   "HTTP 503 Service Unavailable: upstream connect error or disconnect/reset "
                   "before headers. reset reason: connection failure");
  g_assert_cmpstr (same->message, ==, "HTTP 500 Internal Server Error");
}

static void
test_hostile_text (void)
{
  /* Escape sequences could recolour or clear a terminal; bad UTF-8 could break a label. */
  g_autoptr(GError) escapes = error_for (500, "text/plain", "\x1b[31mred\x1b[0m\a alert", NULL);
  g_autoptr(GError) bad_utf8 = error_for (500, "text/plain", "caf\xe9 \xff\xfe!", NULL);
  g_autoptr(GError) json_escapes = error_for (400, "application/json",
                                              "{\"ERROR\": \"a\\u001b[2Jb\\u0000c\"}", NULL);

  g_assert_null (strchr (escapes->message, '\x1b'));
  g_assert_null (strchr (escapes->message, '\a'));
  g_assert_nonnull (strstr (escapes->message, "red"));
  g_assert_true (g_utf8_validate (bad_utf8->message, -1, NULL));
  g_assert_nonnull (strstr (bad_utf8->message, "caf"));
  g_assert_null (strchr (json_escapes->message, '\x1b'));
}

static void
test_retry_after_seconds (void)
{
  g_autoptr(GError) error = error_for (429, "application/json",
                                       "{\"ERROR\": \"API rate limit exceeded. Please try again "
                                       "later.\"}", " 7 ");
  g_autoptr(GError) huge = error_for (429, NULL, NULL, "99999999999999");
  g_autoptr(GError) junk = error_for (429, NULL, NULL, "soon-ish");
  g_autoptr(GError) negative = error_for (429, NULL, NULL, "-5");

  g_assert_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_RATE_LIMITED);
  g_assert_cmpint (playtest_client_error_get_retry_after (error), ==, 7);
  g_assert_cmpstr (error->message, ==,
                   "HTTP 429 Too Many Requests: API rate limit exceeded. Please try again later. "
                   "(retry after 7 s)");
  g_assert_cmpint (playtest_client_error_get_retry_after (huge), ==, G_MAXINT);
  g_assert_cmpint (playtest_client_error_get_retry_after (junk), ==, -1);
  g_assert_cmpstr (junk->message, ==, "HTTP 429 Too Many Requests");
  g_assert_cmpint (playtest_client_error_get_retry_after (negative), ==, -1);
}

static void
test_retry_after_date (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 120);
  g_autoptr(GDateTime) earlier = g_date_time_add_seconds (now, -3600);
  g_autofree char *later_text = soup_date_time_to_string (later, SOUP_DATE_HTTP);
  g_autofree char *earlier_text = soup_date_time_to_string (earlier, SOUP_DATE_HTTP);
  g_autoptr(GError) error = error_for (503, NULL, NULL, later_text);
  g_autoptr(GError) past = error_for (503, NULL, NULL, earlier_text);
  int retry = playtest_client_error_get_retry_after (error);

  /* The clock moves while the test runs: allow any reading a slow machine could produce. */
  g_assert_cmpint (retry, >, 0);
  g_assert_cmpint (retry, <=, 121);
  g_assert_true (g_str_has_suffix (error->message, " s)"));
  g_assert_cmpint (playtest_client_error_get_retry_after (past), ==, 0);
}

static void
test_process_failure (void)
{
  const char *failure = "{\"charID\": \"c1\", \"text\": \"process_failure, error: no model\"}";
  const char *normal = "{\"charID\": \"c1\", \"text\": \"Hello there\"}";
  g_autoptr(GBytes) failure_bytes = g_bytes_new_static (failure, strlen (failure));
  g_autoptr(GBytes) normal_bytes = g_bytes_new_static (normal, strlen (normal));
  g_autoptr(GBytes) junk = g_bytes_new_static ("process_failure", 15);
  g_autoptr(GBytes) array = g_bytes_new_static ("[{\"text\": \"process_failure\"}]", 29);
  g_autoptr(GError) ok_status = error_for (200, "application/json", failure, NULL);

  g_assert_true (playtest_client_error_is_process_failure (failure_bytes));
  g_assert_false (playtest_client_error_is_process_failure (normal_bytes));
  g_assert_false (playtest_client_error_is_process_failure (junk));
  g_assert_false (playtest_client_error_is_process_failure (array));
  g_assert_false (playtest_client_error_is_process_failure (NULL));

  /* A 200 that is really a failure is still an error of the character, not a reply. */
  g_assert_error (ok_status, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_NOT_FOUND);
  g_assert_cmpstr (ok_status->message, ==,
                   "The character could not reply: process_failure, error: no model");

  /* Any other 200 handed in here is a reply that could not be understood. */
  g_clear_error (&ok_status);
  ok_status = error_for (200, "application/json", normal, NULL);
  g_assert_error (ok_status, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_BAD_REPLY);
  g_assert_cmpstr (ok_status->message, ==, "HTTP 200 OK: Hello there");
}

static void
test_no_secret_in_messages (void)
{
  const char *key = "sk-live-0123456789abcdef";
  g_autofree char *echo = g_strdup_printf ("{\"ERROR\": \"Invalid API key provided: %s\"}", key);
  g_autoptr(GError) error = error_for (401, "application/json", echo, NULL);

  /* Messages hold the status and the server's words only: with an ordinary body the
   * message is exactly those, so nothing else (such as a request header) can be in it. */
  for (guint i = 0; i < G_N_ELEMENTS (status_cases); i++)
    {
      g_autoptr(GError) plain = error_for (status_cases[i].status, NULL, status_cases[i].body,
                                           NULL);
      g_assert_null (strstr (plain->message, "CONVAI-API-KEY"));
      g_assert_null (strstr (plain->message, key));
    }

  /* A server that echoes the key back: the words are kept as they came here; the client
   * takes the key out of the body before it builds the error (see test-client-hostile). */
  g_assert_nonnull (strstr (error->message, key));
}

static void
test_private_data (void)
{
  g_autoptr(GError) error = error_for (429, NULL, "{\"ERROR\": \"slow down\"}", "30");
  g_autoptr(GError) copy = g_error_copy (error);
  g_autoptr(GError) io = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "io");
  g_autoptr(GError) timeout = g_error_new_literal (PLAYTEST_CLIENT_ERROR,
                                                   PLAYTEST_CLIENT_ERROR_TIMEOUT, "timed out");

  g_clear_error (&error);
  g_assert_cmpuint (playtest_client_error_get_status (copy), ==, 429);
  g_assert_cmpstr (playtest_client_error_get_server_message (copy), ==, "slow down");
  g_assert_cmpint (playtest_client_error_get_retry_after (copy), ==, 30);

  g_assert_cmpuint (playtest_client_error_get_status (io), ==, 0);
  g_assert_null (playtest_client_error_get_server_message (io));
  g_assert_cmpint (playtest_client_error_get_retry_after (io), ==, -1);
  g_assert_cmpuint (playtest_client_error_get_status (NULL), ==, 0);
  g_assert_cmpint (playtest_client_error_get_retry_after (NULL), ==, -1);

  /* Errors the client makes itself (no HTTP exchange) carry the defaults. */
  g_assert_cmpuint (playtest_client_error_get_status (timeout), ==, 0);
  g_assert_null (playtest_client_error_get_server_message (timeout));
  g_assert_cmpint (playtest_client_error_get_retry_after (timeout), ==, -1);
}

static void
test_code_to_string (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpstr (playtest_client_error_code_to_string (PLAYTEST_CLIENT_ERROR_BAD_KEY), ==,
                   "bad-key");
  g_assert_cmpstr (playtest_client_error_code_to_string (PLAYTEST_CLIENT_ERROR_RATE_LIMITED), ==,
                   "rate-limited");
  g_assert_cmpstr (playtest_client_error_code_to_string (PLAYTEST_CLIENT_ERROR_NETWORK), ==,
                   "network");

  for (int code = PLAYTEST_CLIENT_ERROR_BAD_REQUEST; code <= PLAYTEST_CLIENT_ERROR_INVALID_INPUT;
       code++)
    {
      const char *name = playtest_client_error_code_to_string (code);

      g_assert_cmpstr (name, !=, "unknown");
      g_assert_false (g_hash_table_contains (seen, name));
      g_hash_table_add (seen, (gpointer) name);
    }
  g_assert_cmpstr (playtest_client_error_code_to_string (999), ==, "unknown");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client-error/status-mapping", test_status_mapping);
  g_test_add_func ("/client-error/body-keys", test_body_keys);
  g_test_add_func ("/client-error/html-502", test_html_502);
  g_test_add_func ("/client-error/html-bodies", test_html_bodies);
  g_test_add_func ("/client-error/long-html-excerpt", test_long_html_excerpt);
  g_test_add_func ("/client-error/plain-text-body", test_plain_text_body);
  g_test_add_func ("/client-error/hostile-text", test_hostile_text);
  g_test_add_func ("/client-error/retry-after-seconds", test_retry_after_seconds);
  g_test_add_func ("/client-error/retry-after-date", test_retry_after_date);
  g_test_add_func ("/client-error/process-failure", test_process_failure);
  g_test_add_func ("/client-error/no-secret-in-messages", test_no_secret_in_messages);
  g_test_add_func ("/client-error/private-data", test_private_data);
  g_test_add_func ("/client-error/code-to-string", test_code_to_string);

  return g_test_run ();
}
