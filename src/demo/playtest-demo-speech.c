/* playtest-demo-speech.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#ifdef HAVE_ESPEAK_NG
# include <espeak-ng/speak_lib.h>
#endif

#include "playtest-demo-speech.h"
#include "playtest-wav.h"

/* Demo replies are spoken by libespeak-ng when it is there and has its data; otherwise by a
 * small formant synthesiser that sounds voice-like (vowels, consonant noise, a pitch contour
 * per syllable), so a user always hears that audio arrived and how long it is.
 *
 * espeak-ng keeps global state and is not thread-safe: every call into it holds
 * espeak_lock. Callers on a main loop use the _async variant, which runs in a GTask thread. */

#define MAX_SECONDS 60

/* Synthetic voice ------------------------------------------------------------------------ */

typedef struct
{
  double f1, f2, f3;
} Formants;

typedef struct
{
  double a, b, c;
  double y1, y2;
} Resonator;

typedef struct
{
  GArray    *out;        /* of float */
  Resonator  formant[3];
  Formants   current;
  double     phase;
  double     last_source;
  guint32    noise;
} Voice;

static const Formants schwa = { 500, 1500, 2500 };

static Formants
formants_for_letter (gunichar c)
{
  switch (c)
    {
    case 'a': return (Formants) { 730, 1090, 2440 };
    case 'e': return (Formants) { 530, 1840, 2480 };
    case 'i':
    case 'y': return (Formants) { 270, 2290, 3010 };
    case 'o': return (Formants) { 570, 840, 2410 };
    case 'u': return (Formants) { 300, 870, 2240 };
    default:  return schwa;
    }
}

static gboolean
is_vowel (gunichar c)
{
  return c != 0 && c < 128 && strchr ("aeiouy", (int) c) != NULL;
}

static gboolean
has_vowel (const char *p,
           const char *end)
{
  for (; p < end; p = g_utf8_next_char (p))
    if (is_vowel (g_unichar_tolower (g_utf8_get_char (p))))
      return TRUE;

  return FALSE;
}

static void
resonator_tune (Resonator *r,
                double     freq,
                double     bandwidth)
{
  double radius = exp (-G_PI * bandwidth / PLAYTEST_DEMO_SPEECH_RATE);

  r->c = -radius * radius;
  r->b = 2.0 * radius * cos (2.0 * G_PI * freq / PLAYTEST_DEMO_SPEECH_RATE);
  r->a = 1.0 - r->b - r->c;
}

static double
resonator_run (Resonator *r,
               double     x)
{
  double y = r->a * x + r->b * r->y1 + r->c * r->y2;

  r->y2 = r->y1;
  r->y1 = y;
  return y;
}

/* A Rosenberg glottal pulse: the buzz of vocal folds, before the mouth shapes it. */
static double
glottal_pulse (double phase)
{
  if (phase < 0.4)
    return 0.5 * (1.0 - cos (G_PI * phase / 0.4));
  if (phase < 0.56)
    return cos (G_PI * (phase - 0.4) / 0.32);
  return 0.0;
}

static guint
ms_to_frames (double ms)
{
  return (guint) (ms * PLAYTEST_DEMO_SPEECH_RATE / 1000.0);
}

static void
emit_silence (Voice  *voice,
              double  ms)
{
  for (guint i = ms_to_frames (ms); i > 0; i--)
    {
      float zero = 0.0f;

      g_array_append_val (voice->out, zero);
    }
}

/* A consonant: a short burst of noise shaped by the mouth, louder for s-like sounds. */
static void
emit_consonant (Voice    *voice,
                gunichar  c)
{
  gboolean hiss = c != 0 && c < 128 && strchr ("szcfxjh", (int) c) != NULL;
  guint n = ms_to_frames (hiss ? 70 : 35);
  Resonator r = { 0 };

  resonator_tune (&r, hiss ? 4500 : 1800, hiss ? 1500 : 800);
  for (guint i = 0; i < n; i++)
    {
      double envelope = sin (G_PI * i / n);
      double white;
      float sample;

      voice->noise = voice->noise * 1664525u + 1013904223u;
      white = (double) (voice->noise >> 8) / (double) (1u << 24) - 0.5;
      sample = (float) (resonator_run (&r, white) * envelope * (hiss ? 0.35 : 0.25));
      g_array_append_val (voice->out, sample);
    }
}

static void
emit_vowel (Voice    *voice,
            Formants  target,
            double    ms,
            double    f0_start,
            double    f0_end)
{
  static const double bandwidths[3] = { 60, 90, 150 };
  guint n = ms_to_frames (ms);
  guint attack = ms_to_frames (20), release = ms_to_frames (45);
  Formants from = voice->current;

  for (guint i = 0; i < n; i++)
    {
      double t = (double) i / n;
      double glide = MIN (1.0, i / (double) ms_to_frames (40));
      double envelope = 1.0, source, y;
      float sample;

      /* Formants glide from the last vowel, retuned every 2 ms: no clicks, and it sounds
       * like speech rather than a row of organ notes. */
      if (i % 44 == 0)
        {
          double f1 = from.f1 + (target.f1 - from.f1) * glide;
          double f2 = from.f2 + (target.f2 - from.f2) * glide;
          double f3 = from.f3 + (target.f3 - from.f3) * glide;

          resonator_tune (&voice->formant[0], f1, bandwidths[0]);
          resonator_tune (&voice->formant[1], f2, bandwidths[1]);
          resonator_tune (&voice->formant[2], f3, bandwidths[2]);
        }

      voice->phase += (f0_start + (f0_end - f0_start) * t) / PLAYTEST_DEMO_SPEECH_RATE;
      voice->phase -= floor (voice->phase);
      source = glottal_pulse (voice->phase);
      y = source - voice->last_source; /* radiation at the lips */
      voice->last_source = source;
      for (guint f = 0; f < 3; f++)
        y = resonator_run (&voice->formant[f], y);

      if (i < attack)
        envelope = 0.5 * (1.0 - cos (G_PI * i / attack));
      else if (n - i < release)
        envelope = 0.5 * (1.0 - cos (G_PI * (n - i) / release));

      sample = (float) (y * envelope);
      g_array_append_val (voice->out, sample);
    }

  voice->current = target;
}

static gboolean
question_follows (const char *p)
{
  while (*p != '\0' && !g_unichar_isalnum (g_utf8_get_char (p)))
    {
      if (*p == '?')
        return TRUE;
      if (*p == '.' || *p == '!')
        return FALSE;
      p = g_utf8_next_char (p);
    }

  return FALSE;
}

/* One word: a syllable per group of vowels, the first stressed, a rise before a '?'. */
static void
emit_word (Voice      *voice,
           const char *word,
           const char *end,
           double      base_hz,
           double      position)
{
  double declination = base_hz * (1.12 - 0.22 * position);
  gboolean rising = question_follows (end);
  guint syllable = 0, consonants = 0;
  gunichar last_consonant = 0;

  for (const char *p = word; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_unichar_tolower (g_utf8_get_char (p));
      const char *next = g_utf8_next_char (p);
      gunichar following = next < end ? g_unichar_tolower (g_utf8_get_char (next)) : 0;
      gboolean last_vowel_group;
      double f0, duration;

      if (!is_vowel (c) && !g_unichar_isdigit (c))
        {
          consonants++;
          last_consonant = c;
          continue;
        }
      if (is_vowel (following))
        continue; /* the group is voiced on its last vowel */

      if (last_consonant != 0)
        emit_consonant (voice, last_consonant);

      last_vowel_group = !has_vowel (next, end);
      f0 = declination * (syllable == 0 ? 1.08 : 1.0);
      duration = 110 + 20 * MIN (consonants, 3);
      emit_vowel (voice, formants_for_letter (g_unichar_isdigit (c) ? 'e' : c), duration,
                  f0 * 1.02, rising && last_vowel_group ? f0 * 1.35 : f0 * 0.95);
      syllable++;
      consonants = 0;
      last_consonant = 0;
    }

  if (syllable == 0)
    emit_vowel (voice, schwa, 120, declination, declination * 0.95);
  else if (last_consonant != 0)
    emit_consonant (voice, last_consonant);
}

static void
normalize_into (GArray *floats,
                gint16 *samples)
{
  float peak = 1e-6f;

  for (guint i = 0; i < floats->len; i++)
    peak = MAX (peak, fabsf (g_array_index (floats, float, i)));

  for (guint i = 0; i < floats->len; i++)
    samples[i] = (gint16) (g_array_index (floats, float, i) / peak * 0.7f * G_MAXINT16);
}

/**
 * playtest_demo_speech_synthesize_synthetic:
 * @text: the text to "speak"
 * @base_hz: fundamental frequency of the voice
 *
 * Makes a voice-like signal for @text without any speech engine: a syllable per vowel
 * group, consonant noise, pauses at punctuation and a falling (or, before a question mark,
 * rising) pitch. Its length follows the length of the text. Deterministic.
 *
 * Returns: (transfer full): a 22050 Hz mono 16-bit WAV file
 */
GBytes *
playtest_demo_speech_synthesize_synthetic (const char *text,
                                           double      base_hz)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  g_autoptr(GArray) floats = g_array_new (FALSE, FALSE, sizeof (float));
  g_autofree gint16 *samples = NULL;
  Voice voice = { floats, { { 0 } }, schwa, 0, 0, 12345 };
  gsize length = MAX (strlen (valid), 1);
  const char *p = valid;

  emit_silence (&voice, 40);
  while (*p != '\0' && floats->len < (guint) MAX_SECONDS * PLAYTEST_DEMO_SPEECH_RATE)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c))
        {
          const char *end = p;

          while (*end != '\0' && (g_unichar_isalnum (g_utf8_get_char (end)) || *end == '\''))
            end = g_utf8_next_char (end);
          emit_word (&voice, p, end, base_hz, (double) (p - valid) / length);
          emit_silence (&voice, 35);
          p = end;
          continue;
        }

      if (c == ',' || c == ';' || c == ':')
        emit_silence (&voice, 150);
      else if (c == '.' || c == '!' || c == '?')
        emit_silence (&voice, 280);
      p = g_utf8_next_char (p);
    }

  if (floats->len < ms_to_frames (200))
    emit_vowel (&voice, schwa, 250, base_hz, base_hz * 0.9); /* a short "hm" for no words */
  emit_silence (&voice, 100);

  samples = g_new (gint16, floats->len);
  normalize_into (floats, samples);
  return playtest_wav_new_pcm16 (samples, floats->len, PLAYTEST_DEMO_SPEECH_RATE, 1);
}

/* espeak-ng ------------------------------------------------------------------------------ */

#ifdef HAVE_ESPEAK_NG

static GMutex espeak_lock;
static int espeak_state;       /* 0 not tried, 1 ready, -1 unusable */
static int espeak_rate;
static GArray *espeak_samples; /* where the callback collects; only set under espeak_lock */

static int
espeak_synth_cb (short        *wav,
                 int           n_samples,
                 espeak_EVENT *events)
{
  if (wav != NULL && n_samples > 0 && espeak_samples != NULL)
    g_array_append_vals (espeak_samples, wav, n_samples);

  return 0;
}

static gboolean
espeak_ready_locked (void)
{
  if (espeak_state == 0)
    {
      /* DONT_EXIT: without its data files espeak-ng would otherwise exit() the process. */
      int rate = espeak_Initialize (AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT);

      if (rate > 0)
        {
          espeak_rate = rate;
          espeak_SetSynthCallback (espeak_synth_cb);
          espeak_state = 1;
        }
      else
        {
          g_debug ("espeak-ng is unusable (no voice data?); using the synthetic voice");
          espeak_state = -1;
        }
    }

  return espeak_state > 0;
}

/* espeak-ng speaks at 22050 Hz; should a build differ, a linear resample keeps our promise. */
static GBytes *
wav_at_demo_rate (GArray *samples)
{
  g_autofree gint16 *resampled = NULL;
  gsize n;

  if (espeak_rate == PLAYTEST_DEMO_SPEECH_RATE)
    return playtest_wav_new_pcm16 ((const gint16 *) (gpointer) samples->data, samples->len,
                                   PLAYTEST_DEMO_SPEECH_RATE, 1);

  n = (gsize) ((double) samples->len * PLAYTEST_DEMO_SPEECH_RATE / espeak_rate);
  resampled = g_new (gint16, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      double pos = (double) i * espeak_rate / PLAYTEST_DEMO_SPEECH_RATE;
      gsize j = MIN ((gsize) pos, samples->len - 1);
      gsize k = MIN (j + 1, samples->len - 1);
      double frac = pos - (double) j;

      resampled[i] = (gint16) ((1.0 - frac) * g_array_index (samples, gint16, j) +
                              frac * g_array_index (samples, gint16, k));
    }

  return playtest_wav_new_pcm16 (resampled, n, PLAYTEST_DEMO_SPEECH_RATE, 1);
}

static GBytes *
espeak_speak (const char              *text,
              const PlaytestDemoVoice *voice)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&espeak_lock);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint16));
  espeak_ERROR result;

  if (!espeak_ready_locked ())
    return NULL;

  if (espeak_SetVoiceByName (voice->espeak_voice) != EE_OK)
    {
      g_debug ("espeak-ng has no voice “%s”; speaking plain English", voice->espeak_voice);
      if (espeak_SetVoiceByName ("en") != EE_OK)
        return NULL;
    }
  espeak_SetParameter (espeakRATE, voice->rate, 0);
  espeak_SetParameter (espeakPITCH, voice->pitch, 0);

  espeak_samples = samples;
  result = espeak_Synth (text, strlen (text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8,
                         NULL, NULL);
  espeak_samples = NULL;

  if (result != EE_OK || samples->len == 0)
    return NULL;

  return wav_at_demo_rate (samples);
}

#endif /* HAVE_ESPEAK_NG */

static gboolean
synthetic_forced (void)
{
  /* For tests and for machines where espeak-ng misbehaves. */
  return g_strcmp0 (g_getenv ("PLAYTEST_DEMO_SPEECH"), "synthetic") == 0;
}

/**
 * playtest_demo_speech_has_espeak:
 *
 * Whether demo replies are spoken by libespeak-ng: it was built in, its voice data loads,
 * and `PLAYTEST_DEMO_SPEECH=synthetic` is not set. Blocks while espeak-ng initialises.
 *
 * Returns: %TRUE if espeak-ng speaks
 */
gboolean
playtest_demo_speech_has_espeak (void)
{
#ifdef HAVE_ESPEAK_NG
  g_autoptr(GMutexLocker) locker = NULL;

  if (synthetic_forced ())
    return FALSE;

  locker = g_mutex_locker_new (&espeak_lock);
  return espeak_ready_locked ();
#else
  return FALSE;
#endif
}

/**
 * playtest_demo_speech_has_voice:
 * @espeak_voice: an espeak-ng voice name with optional variant, e.g. `en+f3`
 *
 * Whether espeak-ng speaks and knows @espeak_voice. A voice it does not know falls back to
 * plain English, so demo data should only name voices for which this is %TRUE.
 *
 * Returns: %TRUE if espeak-ng can speak with @espeak_voice
 */
gboolean
playtest_demo_speech_has_voice (const char *espeak_voice)
{
#ifdef HAVE_ESPEAK_NG
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (espeak_voice != NULL, FALSE);

  if (synthetic_forced ())
    return FALSE;

  locker = g_mutex_locker_new (&espeak_lock);
  return espeak_ready_locked () && espeak_SetVoiceByName (espeak_voice) == EE_OK;
#else
  return FALSE;
#endif
}

/**
 * playtest_demo_speech_synthesize:
 * @text: the text to speak
 * @voice: how to speak it
 * @engine: which engine to use
 *
 * Speaks @text. Blocks, possibly for a while: call it from a worker thread, or use
 * playtest_demo_speech_synthesize_async(). Safe to call from several threads.
 *
 * Returns: (transfer full): a 22050 Hz mono 16-bit WAV file; never %NULL, since the
 *   synthetic voice stands in when espeak-ng cannot speak
 */
GBytes *
playtest_demo_speech_synthesize (const char               *text,
                                 const PlaytestDemoVoice  *voice,
                                 PlaytestDemoSpeechEngine  engine)
{
  g_autofree char *valid = NULL;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (voice != NULL, NULL);

  valid = g_utf8_make_valid (text, -1);

#ifdef HAVE_ESPEAK_NG
  if (engine == PLAYTEST_DEMO_SPEECH_AUTO && !synthetic_forced ())
    {
      GBytes *wav = espeak_speak (valid, voice);

      if (wav != NULL)
        return wav;
    }
#endif

  return playtest_demo_speech_synthesize_synthetic (valid, voice->synthetic_hz);
}

typedef struct
{
  char                     *text;
  PlaytestDemoVoice         voice;
  PlaytestDemoSpeechEngine  engine;
} SpeechJob;

static void
speech_job_free (SpeechJob *job)
{
  g_free (job->text);
  g_free (job->voice.espeak_voice);
  g_free (job);
}

static void
synthesize_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  SpeechJob *job = task_data;
  GBytes *wav;

  if (g_task_return_error_if_cancelled (task))
    return;

  wav = playtest_demo_speech_synthesize (job->text, &job->voice, job->engine);
  g_task_return_pointer (task, wav, (GDestroyNotify) g_bytes_unref);
}

/**
 * playtest_demo_speech_synthesize_async:
 * @text: the text to speak
 * @voice: how to speak it; copied
 * @engine: which engine to use
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context of the caller when done
 * @user_data: data for @callback
 *
 * Speaks @text in a worker thread, so the caller's main loop never waits for it.
 */
void
playtest_demo_speech_synthesize_async (const char               *text,
                                       const PlaytestDemoVoice  *voice,
                                       PlaytestDemoSpeechEngine  engine,
                                       GCancellable             *cancellable,
                                       GAsyncReadyCallback       callback,
                                       gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  SpeechJob *job;

  g_return_if_fail (text != NULL);
  g_return_if_fail (voice != NULL);

  job = g_new0 (SpeechJob, 1);
  job->text = g_strdup (text);
  job->voice = *voice;
  job->voice.espeak_voice = g_strdup (voice->espeak_voice);
  job->engine = engine;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, playtest_demo_speech_synthesize_async);
  g_task_set_task_data (task, job, (GDestroyNotify) speech_job_free);
  /* A cancelled caller hears back at once; the worker finishes its sentence unheard. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, synthesize_thread);
}

/**
 * playtest_demo_speech_synthesize_finish:
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the WAV file, or %NULL if cancelled
 */
GBytes *
playtest_demo_speech_synthesize_finish (GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        playtest_demo_speech_synthesize_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
