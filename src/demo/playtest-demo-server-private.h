/* playtest-demo-server-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Longest injected delay: long enough for any timeout test, short enough not to wedge a run. */
#define PLAYTEST_DEMO_MAX_INJECTED_DELAY_MS (10 * 60 * 1000)

/**
 * PlaytestDemoInjection:
 * @delay_ms: extra delay before the reply starts
 * @status: HTTP status to fail with, or 0 to answer normally
 * @html: fail with an HTML page, as a proxy in front of the service would
 * @retry_after: value of a `Retry-After` header in seconds, or -1 for none
 * @drop: close the connection in the middle of the reply
 *
 * Latency and failures a request asks the demo backend for, from the `X-Playtest-Inject`
 * header or from `[demo:…]` directives in the user's text.
 */
typedef struct
{
  guint    delay_ms;
  guint    status;
  gboolean html;
  int      retry_after;
  gboolean drop;
} PlaytestDemoInjection;

void      playtest_demo_injection_init        (PlaytestDemoInjection       *inject);
void      playtest_demo_injection_parse       (PlaytestDemoInjection       *inject,
                                               const char                  *directives);
char     *playtest_demo_injection_strip_text  (PlaytestDemoInjection       *inject,
                                               const char                  *text);
gboolean  playtest_demo_injection_is_active   (const PlaytestDemoInjection *inject);

G_END_DECLS
