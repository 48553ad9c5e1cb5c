/* playtest-audio-device.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "playtest-audio-device.h"

G_DEFINE_QUARK (playtest-audio-error-quark, playtest_audio_error)

/**
 * playtest_audio_use_fake_devices:
 *
 * Whether playback and recording use `fakesink`/`audiotestsrc` instead of the sound devices:
 * true when the environment variable `PLAYTEST_AUDIO` is `fake` (tests, CI without sound).
 *
 * Returns: %TRUE to use fake devices
 */
gboolean
playtest_audio_use_fake_devices (void)
{
  return g_strcmp0 (g_getenv ("PLAYTEST_AUDIO"), "fake") == 0;
}

/* PLAYTEST_AUDIO=none pretends the machine has no sound devices at all, so tests can check
 * what users without them see, deterministically, on machines that have them. */
static gboolean
use_no_devices (void)
{
  return g_strcmp0 (g_getenv ("PLAYTEST_AUDIO"), "none") == 0;
}

/* The sink or source for the current mode, or NULL when there is none. */
static GstElement *
make_device (const char *fake_factory,
             const char *real_factory,
             const char *name)
{
  gst_init (NULL, NULL);
  if (use_no_devices ())
    return NULL;

  return gst_element_factory_make (playtest_audio_use_fake_devices () ? fake_factory
                                                                      : real_factory,
                                   name);
}

/**
 * playtest_audio_make_element:
 * @factory: a GStreamer element factory name
 * @name: (nullable): the element's name
 * @error: return location for a #PLAYTEST_AUDIO_ERROR_MISSING_ELEMENT error
 *
 * Makes an element, saying in words which plugin is missing when it cannot.
 *
 * Returns: (transfer floating) (nullable): the element, or %NULL with @error set
 */
GstElement *
playtest_audio_make_element (const char  *factory,
                             const char  *name,
                             GError     **error)
{
  GstElement *element;

  gst_init (NULL, NULL);
  element = gst_element_factory_make (factory, name);
  if (element == NULL)
    g_set_error (error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_MISSING_ELEMENT,
                 _("The GStreamer element “%s” is missing; install the GStreamer base and good "
                   "plugins."),
                 factory);
  return element;
}

/**
 * playtest_audio_device_make_sink:
 * @error: return location for a #GError
 *
 * Makes the element the player plays into: `fakesink` with `sync=TRUE` (so playback takes real
 * time) when playtest_audio_use_fake_devices() says so, `autoaudiosink` otherwise. With
 * `PLAYTEST_AUDIO=none` there is none: this fails as on a machine without sound.
 *
 * Returns: (transfer floating) (nullable): the sink, or %NULL with
 *   #PLAYTEST_AUDIO_ERROR_NO_OUTPUT set
 */
GstElement *
playtest_audio_device_make_sink (GError **error)
{
  GstElement *sink = make_device ("fakesink", "autoaudiosink", "playtest-sink");

  if (sink == NULL)
    {
      g_set_error_literal (error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_NO_OUTPUT,
                           _("No sound output device was found."));
      return NULL;
    }
  if (playtest_audio_use_fake_devices ())
    g_object_set (sink, "sync", TRUE, NULL);
  return sink;
}

/**
 * playtest_audio_device_make_source:
 * @error: return location for a #GError
 *
 * Makes the element the recorder records from: a live `audiotestsrc` sine when
 * playtest_audio_use_fake_devices() says so, `autoaudiosrc` (the default microphone) otherwise.
 * With `PLAYTEST_AUDIO=none` there is none: this fails as on a machine without a microphone.
 *
 * Returns: (transfer floating) (nullable): the source, or %NULL with
 *   #PLAYTEST_AUDIO_ERROR_NO_INPUT set
 */
GstElement *
playtest_audio_device_make_source (GError **error)
{
  GstElement *source = make_device ("audiotestsrc", "autoaudiosrc", "playtest-source");

  if (source == NULL)
    {
      g_set_error_literal (error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_NO_INPUT,
                           _("No microphone was found."));
      return NULL;
    }
  if (playtest_audio_use_fake_devices ())
    g_object_set (source, "is-live", TRUE, "wave", 0 /* sine */, NULL);
  return source;
}

static gboolean
is_fake_factory (GstElement *element)
{
  GstElementFactory *factory = gst_element_get_factory (element);
  const char *name = factory != NULL ? GST_OBJECT_NAME (factory) : NULL;

  /* autoaudiosrc falls back to a silent audiotestsrc, autoaudiosink to a fakesink. */
  return g_strcmp0 (name, "fakesink") == 0 || g_strcmp0 (name, "fakesrc") == 0 ||
         g_strcmp0 (name, "audiotestsrc") == 0;
}

/**
 * playtest_audio_device_is_missing:
 * @device: an element from playtest_audio_device_make_sink() or
 *   playtest_audio_device_make_source(), in READY state or above
 *
 * Whether an `autoaudiosink`/`autoaudiosrc` found no device. When none opens, GStreamer 1.22
 * quietly puts a fake element inside them instead of posting an error, so playback would
 * "succeed" in silence; this looks inside. Always %FALSE in fake mode, where silence is wanted.
 *
 * Returns: %TRUE when @device stands in for a device that does not exist
 */
gboolean
playtest_audio_device_is_missing (GstElement *device)
{
  gboolean missing = FALSE;
  GstIterator *it;
  GValue item = G_VALUE_INIT;

  g_return_val_if_fail (GST_IS_ELEMENT (device), FALSE);

  if (playtest_audio_use_fake_devices () || !GST_IS_BIN (device))
    return FALSE;

  it = gst_bin_iterate_elements (GST_BIN (device));
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      missing = missing || is_fake_factory (g_value_get_object (&item));
      g_value_reset (&item);
    }
  g_value_unset (&item);
  gst_iterator_free (it);
  return missing;
}

/**
 * playtest_audio_device_set_error:
 * @error: return location for a #GError
 * @device: an element from playtest_audio_device_make_sink() or
 *   playtest_audio_device_make_source()
 *
 * Sets the user-facing "no device" error that fits @device: #PLAYTEST_AUDIO_ERROR_NO_OUTPUT
 * for a sink, #PLAYTEST_AUDIO_ERROR_NO_INPUT for a source.
 */
void
playtest_audio_device_set_error (GError     **error,
                                 GstElement  *device)
{
  g_return_if_fail (GST_IS_ELEMENT (device));

  /* A source has no sink pads; the auto elements do not all set GST_ELEMENT_FLAG_SOURCE. */
  if (device->numsinkpads == 0)
    g_set_error_literal (error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_NO_INPUT,
                         _("No microphone was found."));
  else
    g_set_error_literal (error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_NO_OUTPUT,
                         _("No sound output device was found."));
}
