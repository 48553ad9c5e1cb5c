/* unit-test-util.h: what several unit tests build or compare
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "playtest-turn-private.h"

G_BEGIN_DECLS

GBytes *unit_test_make_wav            (gsize                     n_frames,
                                       guint                     rate,
                                       gint16                    offset);
void    unit_test_assert_same_record  (const PlaytestTurnRecord *a,
                                       const PlaytestTurnRecord *b);

G_END_DECLS
