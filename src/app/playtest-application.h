/* playtest-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PLAYTEST_TYPE_APPLICATION (playtest_application_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestApplication, playtest_application, PLAYTEST, APPLICATION, AdwApplication)

PlaytestApplication *playtest_application_new (void);

G_END_DECLS
