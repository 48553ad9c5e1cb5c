/* playtest-format.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *playtest_format_duration (gint64 ms);

G_END_DECLS
