/* test-format.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How durations, times and section names read in every view: milliseconds below a second,
 * times in the local zone whatever zone a turn was stored in, a section's id when its
 * name is not known.
 */

#include "config.h"

#include <locale.h>

#include "playtest-format.h"

static void
test_duration (void)
{
  g_autofree char *unknown = playtest_format_duration (-1);
  g_autofree char *short_ = playtest_format_duration (240);
  g_autofree char *long_ = playtest_format_duration (1250);

  g_assert_cmpstr (unknown, ==, "—");
  g_assert_cmpstr (short_, ==, "240 ms");
  g_assert_cmpstr (long_, ==, "1.2 s");
}

static void
test_times_are_local (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("+05:00");
  g_autoptr(GDateTime) utc = g_date_time_new_utc (2024, 3, 1, 10, 2, 14);
  g_autoptr(GDateTime) stored_elsewhere = g_date_time_to_timezone (utc, zone);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);
  g_autofree char *expected_clock = g_date_time_format (local, "%X");
  g_autofree char *expected_date = g_date_time_format (local, "%x %H:%M");
  g_autofree char *clock = playtest_format_clock_time (stored_elsewhere);
  g_autofree char *date = playtest_format_date_time (stored_elsewhere);
  g_autofree char *old = playtest_format_time (stored_elsewhere);
  g_autofree char *none = playtest_format_time (NULL);

  g_assert_nonnull (zone);
  g_assert_cmpstr (clock, ==, expected_clock);
  g_assert_cmpstr (date, ==, expected_date);
  /* Not today: the date as well. */
  g_assert_cmpstr (old, ==, expected_date);
  g_assert_cmpstr (none, ==, "");
}

static void
test_today_is_time_only (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *expected = g_date_time_format (now, "%H:%M");
  g_autofree char *text = playtest_format_time (now);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_section_name (void)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  const char *unnamed = "sec-unnamed";
  const char *empty = "sec-empty";

  g_hash_table_insert (names, (char *) "sec-ring", (char *) "The Lost Ring");
  g_hash_table_insert (names, (char *) empty, (char *) "");

  g_assert_cmpstr (playtest_format_section_name (names, "sec-ring"), ==, "The Lost Ring");
  g_assert_true (playtest_format_section_name (names, unnamed) == unnamed);
  g_assert_true (playtest_format_section_name (names, empty) == empty);
  g_assert_true (playtest_format_section_name (NULL, unnamed) == unnamed);
  g_assert_null (playtest_format_section_name (names, NULL));
}

static void
test_quoted (void)
{
  g_autofree char *line = playtest_format_quoted ("Good\n evening,\ttraveller", 80);
  g_autofree char *cut = playtest_format_quoted ("Good evening, traveller", 12);
  g_autofree char *nothing = playtest_format_quoted (NULL, 80);
  g_autofree char *list = playtest_format_quoted_list ((const char *[]) { "Wave", "Offer Drink",
                                                                          NULL }, 80);
  g_autofree char *empty = playtest_format_quoted_list ((const char *[]) { NULL }, 80);

  /* On one line, whatever the text held, and cut when long. */
  g_assert_cmpstr (line, ==, "“Good evening, traveller”");
  g_assert_cmpstr (cut, ==, "“Good evening…”");
  g_assert_cmpstr (nothing, ==, "“”");
  g_assert_cmpstr (list, ==, "“Wave”, “Offer Drink”");
  g_assert_cmpstr (empty, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/format/duration", test_duration);
  g_test_add_func ("/format/times-are-local", test_times_are_local);
  g_test_add_func ("/format/today-is-time-only", test_today_is_time_only);
  g_test_add_func ("/format/section-name", test_section_name);
  g_test_add_func ("/format/quoted", test_quoted);

  return g_test_run ();
}
