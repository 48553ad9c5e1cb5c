/* playtest-client-error-private.h
 *
 * Text helpers the parsers share for showing untrusted server text to the user.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *playtest_text_excerpt (const char *text,
                             gssize      length,
                             guint       max_chars);

G_END_DECLS
