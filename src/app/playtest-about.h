/* playtest-about.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "playtest-application.h"

G_BEGIN_DECLS

/* The About window: version, license, links, credits, the release notes of the AppStream
 * metainfo (compiled into the resources, in the user's language where translated), and
 * debug information for bug reports (library versions at run time, display, service). */
GtkWidget *playtest_about_window_new          (PlaytestApplication *application);
char      *playtest_about_dup_release_notes   (const char          *metainfo,
                                               const char * const  *languages,
                                               char               **version);
char      *playtest_about_dup_debug_info      (PlaytestApplication *application);

G_END_DECLS
