#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`convai-playtest-cli run` as CI uses it: exit statuses, PASS/FAIL lines, JUnit and JSON
reports parsed back, transcripts, --jobs, --repeat, --shard, rate limits. Runs the CLI against
its own demo backend, and a counting server for "nothing is sent". Prints TAP."""

import http.server
import json
import os
import pty
import sqlite3
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ElementTree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from playtest_test_support import (  # noqa: E402
    check, closed_port, expect_exit, run_cli, run_tests_with_servers, start_demo_servers, wav_bytes,
    write_work_file)

SCRIPTS = os.path.join(os.environ.get("G_TEST_SRCDIR", ""), "data", "scripts")
INNKEEPER = os.path.join(SCRIPTS, "run-innkeeper.json")
BLACKSMITH = os.path.join(SCRIPTS, "run-blacksmith.json")
STARSHIP = os.path.join(SCRIPTS, "run-starship.json")
MOOD_BROKEN = os.path.join(SCRIPTS, "run-mood-broken.json")

demo = None
work = tempfile.TemporaryDirectory()


def work_file(name, contents=None):
    return write_work_file(work.name, name, contents)


def history_dir(name):
    return os.path.join(work.name, "history-" + name)


def run(*args, base_url=None, history=None, env=None):
    """`run` against the demo backend, with a history store of the test's own."""
    return run_cli("run", "--base-url", base_url or demo.url,
                   "--history", history or history_dir("default"), *args, env=env)


def read_json(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def script(name, body):
    return work_file(name, json.dumps(body))


# --- help and usage -------------------------------------------------------------------------

def test_help():
    result = run_cli("run", "--help")
    expect_exit(result, 0, "run --help")
    for words in ("--character", "--junit", "--json", "--transcript", "--jobs", "--repeat",
                  "--shard", "--history", "--base-url", "--api-key-file", "SCRIPT",
                  "0 every expectation held", "1 an expectation failed",
                  "2 a script or usage error", "3 a network or service failure"):
        check(words in result.stdout, f"run --help does not mention “{words}”", result)
    result = run_cli("--help")
    check("run" in result.stdout and "playthrough" in result.stdout,
          "the program's help does not list run", result)


def test_usage_errors():
    cases = [
        ([], "SCRIPT"),
        (["--shard", "0/2", INNKEEPER], "--shard"),
        (["--shard", "3/2", INNKEEPER], "--shard"),
        (["--shard", "two", INNKEEPER], "--shard"),
        (["--jobs", "0", INNKEEPER], None),
        (["--jobs", "-1", INNKEEPER], "--jobs"),
        (["--repeat", "-2", INNKEEPER], "--repeat"),
        (["--transcript", work_file("out.txt"), INNKEEPER], ".md"),
        (["--junit", "/nonexistent-folder/report.xml", INNKEEPER], "nonexistent-folder"),
    ]
    for args, words in cases:
        result = run(*args)
        if words is None:
            # --jobs 0 means the default.
            expect_exit(result, 0, f"run {' '.join(args)}")
            continue
        expect_exit(result, 2, f"run {' '.join(args)}")
        check(words in result.stderr, f"run {' '.join(args)}: the error does not name {words}",
              result)


def test_no_key_like_say():
    """Without a key and without --base-url, run explains how to get going, as say does."""
    result = run_cli("run", INNKEEPER)
    expect_exit(result, 2, "run without a key")
    check("No API key" in result.stderr and "demo-server" in result.stderr,
          "run without a key does not explain the key or the demo backend", result)


# --- exit statuses and lines ----------------------------------------------------------------

def test_pass_exit_0():
    result = run(INNKEEPER, BLACKSMITH)
    expect_exit(result, 0, "run of passing scripts")
    lines = result.stdout.splitlines()
    check("PASS run-innkeeper.json step 1 Say “Hello there!”" in lines,
          "no PASS line for the first step", result)
    check(sum(line.startswith("PASS ") for line in lines) == 6, "not six PASS lines", result)
    check(lines[-1] == "2 scripts, 6 steps: 6 passed, 0 failed", "wrong summary", result)


def test_fail_exit_1_names_expected_and_actual():
    result = run(MOOD_BROKEN)
    expect_exit(result, 1, "run of a failing script")
    check("FAIL run-mood-broken.json step 1 Say “Hello there!” — emotion: expected “sadness”, "
          "got “joy”" in result.stdout.splitlines(), "no FAIL line with expected and actual",
          result)
    check("PASS run-mood-broken.json step 2" in result.stdout, "the run stopped at a failure",
          result)
    check(result.stdout.splitlines()[-1] == "1 script, 2 steps: 1 passed, 1 failed",
          "wrong summary", result)


def test_script_error_exit_2_nothing_sent():
    """One broken script: its file, step and key on stderr, and not one request sent."""
    requests = []

    class Counting(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            requests.append(self.path)
            self.send_response(500)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        broken = script("broken.json", {"name": "Broken", "character": "demo-mira",
                                        "steps": [{"say": "Hi"},
                                                  {"say": "Hi", "expect": {"emotion_in": "joy"}}]})
        result = run(INNKEEPER, broken, base_url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
    expect_exit(result, 2, "run with a broken script")
    check("broken.json" in result.stderr and "step 2" in result.stderr
          and "emotion_in" in result.stderr, "the error does not name file, step and key", result)
    check(requests == [], f"requests were sent: {requests}", result)
    check("PASS" not in result.stdout, "a script ran", result)


def test_script_without_character():
    anyone = script("anyone.json", {"name": "Anyone", "steps": [{"say": "Hello there!"}]})
    result = run(anyone)
    expect_exit(result, 2, "run of a script without a character")
    check("anyone.json" in result.stderr and "--character" in result.stderr,
          "the error does not say how to give a character", result)
    result = run("--character", "demo-mira", anyone)
    expect_exit(result, 0, "run --character of a script without a character")


def test_network_failure_exit_3():
    result = run(INNKEEPER, base_url=f"http://127.0.0.1:{closed_port()}")
    expect_exit(result, 3, "run against a closed port")
    lines = result.stdout.splitlines()
    check(lines[0].startswith("ERROR run-innkeeper.json step 1"), "no ERROR line", result)
    check(all(line.startswith("SKIP ") for line in lines[1:4]), "later steps not skipped", result)
    check("1 error" in lines[-1] and "3 skipped" in lines[-1], "summary lacks the error", result)


def test_failure_and_network_failure_exit_3():
    down = script("down.json", {"name": "Down", "character": "demo-mira",
                                "steps": [{"say": "Hello [demo:fail=503]"}]})
    result = run(MOOD_BROKEN, down)
    expect_exit(result, 3, "run with a failed expectation and a service failure")


def test_bad_recording_exit_2():
    junk = work_file("junk.wav", b"this is not a recording")
    voice = script("voice-junk.json", {"name": "Voice", "character": "demo-mira",
                                       "steps": [{"say": "Hello there!"}, {"audio": "junk.wav"}]})
    result = run(voice)
    expect_exit(result, 2, "run with a recording that cannot be decoded")
    check("voice-junk.json" in result.stderr and "step 2" in result.stderr
          and "junk.wav" in result.stderr, "the error does not name the recording", result)
    check("PASS" not in result.stdout, "a step ran before the recording was checked", result)
    del junk


def test_voice_step():
    work_file("hello.wav", wav_bytes(seconds=1.2))
    voice = script("voice.json", {"name": "Voice", "character": "demo-mira", "voice": True,
                                  "steps": [{"audio": "hello.wav",
                                             "expect": {"user_query_contains": "voice message",
                                                        "has_audio": True}}]})
    result = run(voice)
    expect_exit(result, 0, "run with a voice step")


def test_rate_limit_waits_counted():
    busy = script("busy.json", {"name": "Busy", "character": "demo-mira",
                                "steps": [{"say": "Hello [demo:fail=429]"}, {"say": "Hi"}]})
    junit = work_file("busy.xml")
    result = run("--junit", junit, busy, env={"PLAYTEST_RUNNER_BACKOFF_MS": "1"})
    expect_exit(result, 3, "run that stays rate limited")
    waits = [line for line in result.stdout.splitlines() if line.startswith("WAIT ")]
    check(len(waits) == 5, "not five rate-limit waits", result)
    check("rate limited, waiting 1 second" in waits[0], "the wait is not in words", result)
    check("(5 rate-limited waits)" in result.stdout.splitlines()[-1],
          "the summary does not count the waits", result)
    case = ElementTree.parse(junit).getroot().find("testsuite/testcase")
    check(case.find("error") is not None and "429" in case.find("error").get("message"),
          "JUnit has no error with the 429", result)


# --- reports ------------------------------------------------------------------------------

def test_junit_report():
    junit = work_file("report.xml")
    down = script("down-later.json", {"name": "Down <later> & \"quoted\"",
                                      "character": "demo-mira",
                                      "steps": [{"say": "Hello there!"},
                                                {"say": "Hello [demo:fail=500]"},
                                                {"say": "Anyone?"}]})
    result = run("--junit", junit, INNKEEPER, MOOD_BROKEN, down)
    expect_exit(result, 3, "run for the JUnit report")

    root = ElementTree.parse(junit).getroot()
    check(root.tag == "testsuites", "the root is not <testsuites>")
    suites = root.findall("testsuite")
    check([suite.get("name") for suite in suites]
          == ["Innkeeper smoke", "Innkeeper mood", "Down <later> & \"quoted\""],
          f"suite names: {[suite.get('name') for suite in suites]}")
    check(root.get("tests") == "9" and root.get("failures") == "1" and root.get("errors") == "1"
          and root.get("skipped") == "1", f"totals: {root.attrib}")

    innkeeper, mood, down_suite = suites
    check(innkeeper.get("tests") == "4" and innkeeper.get("failures") == "0",
          f"innkeeper counts: {innkeeper.attrib}")
    cases = innkeeper.findall("testcase")
    check(len(cases) == 4, "not a test case per step")
    check(cases[0].get("name") == "step 1: Say “Hello there!”"
          and cases[0].get("classname") == "Innkeeper smoke", f"test case: {cases[0].attrib}")
    check(float(cases[0].get("time")) >= 0, "no time on a test case")

    failure = mood.find("testcase/failure")
    check(failure is not None, "no <failure> for the failed step")
    check(failure.get("message") == "emotion: expected “sadness”, got “joy”",
          f"failure message: {failure.get('message')}")
    check(mood.get("failures") == "1" and mood.get("tests") == "2", f"mood: {mood.attrib}")

    down_cases = down_suite.findall("testcase")
    check(down_cases[1].find("error") is not None and down_cases[2].find("skipped") is not None,
          "no <error> then <skipped> after a service failure")
    check(down_suite.get("errors") == "1" and down_suite.get("skipped") == "1",
          f"down: {down_suite.attrib}")


def test_json_report():
    report = work_file("report.json")
    result = run("--json", report, MOOD_BROKEN, STARSHIP)
    expect_exit(result, 1, "run for the JSON report")
    data = read_json(report)
    check(data["passed"] is False and data["steps_total"] == 3 and data["failed_steps"] == 1,
          f"totals: {data}")
    runs = data["runs"]
    check([r["script"] for r in runs] == ["Innkeeper mood", "Starship smoke"], "run order")
    mood = runs[0]
    check(len(mood["conversation_ids"]) == 1 and mood["error"] is None, f"mood run: {mood}")
    first = mood["steps"][0]
    check(first["status"] == "failed" and first["step"] == 1 and first["turn_id"] > 0,
          f"first step: {first}")
    check(first["checks"] == [{"key": "emotion", "passed": False, "expected": "“sadness”",
                               "actual": "“joy”"}], f"checks: {first['checks']}")
    check(first["answer"]["emotion"] == "joy" and first["answer"]["session_id"],
          f"answer: {first['answer']}")
    check(runs[1]["passed"] is True, "the starship run did not pass")


def test_results_kept_in_history():
    history = history_dir("kept")
    result = run(INNKEEPER, history=history)
    expect_exit(result, 0, "run recorded in a history store")
    with sqlite3.connect(os.path.join(history, "history.db")) as db:
        runs = db.execute("SELECT script_name, n_passed, n_steps FROM script_runs").fetchall()
        turns = db.execute("SELECT COUNT(*) FROM turns").fetchone()[0]
        links = db.execute("SELECT COUNT(*) FROM script_run_conversations").fetchone()[0]
    check(runs == [("Innkeeper smoke", 4, 4)], f"script runs: {runs}")
    check(turns == 3 and links == 2, f"{turns} turns, {links} conversations")


def test_transcripts():
    markdown = work_file("transcript.md")
    result = run("--transcript", markdown, INNKEEPER, STARSHIP)
    expect_exit(result, 0, "run --transcript .md")
    with open(markdown, encoding="utf-8") as file:
        text = file.read()
    for words in ("Hello there!", "Welcome to the Gilded Goose", "joy", "The Lost Ring",
                  "Pour Ale", "Status report", "Innkeeper smoke", "Starship smoke"):
        check(words in text, f"the transcript lacks “{words}”:\n{text}")

    as_json = work_file("transcript.json")
    result = run("--transcript", as_json, INNKEEPER)
    expect_exit(result, 0, "run --transcript .json")
    text = json.dumps(read_json(as_json))
    check("Welcome to the Gilded Goose" in text and "Pour Ale" in text,
          "the JSON transcript lacks the replies")


def test_progress_line_on_a_terminal():
    """On a terminal, a line rewritten in place stands for the passing steps; failures stay."""
    main_fd, child_fd = pty.openpty()
    environment = dict(os.environ, CONVAI_API_KEY="")
    process = subprocess.Popen(
        [os.environ["PLAYTEST_CLI"], "run", "--base-url", demo.url,
         "--history", history_dir("terminal"), STARSHIP, MOOD_BROKEN],
        stdin=child_fd, stdout=child_fd, stderr=child_fd, env=environment)
    os.close(child_fd)
    output = b""
    while True:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(main_fd)
    status = process.wait(timeout=60)
    text = output.decode(errors="replace")
    check(status == 1, f"exit status {status} on a terminal:\n{text}")
    check("[1/2] Starship smoke · step 1/1 …" in text, f"no progress line:\n{text!r}")
    check("\r\033[K" in text, f"the progress line is not rewritten in place:\n{text!r}")
    check("PASS " not in text, f"passing steps printed on a terminal:\n{text!r}")
    check("FAIL run-mood-broken.json step 1" in text, f"the failure did not stay:\n{text!r}")
    check("2 scripts, 3 steps: 2 passed, 1 failed" in text, f"no summary:\n{text!r}")


# --- jobs, repeat, shard --------------------------------------------------------------------

def session_ids(report):
    ids = []
    for run_data in read_json(report)["runs"]:
        for step in run_data["steps"]:
            if step.get("answer"):
                ids.append((run_data["run"], step["answer"]["session_id"]))
    return ids


def test_jobs_each_own_session():
    report = work_file("jobs.json")
    result = run("--jobs", "3", "--json", report, INNKEEPER, BLACKSMITH, STARSHIP)
    expect_exit(result, 0, "run --jobs 3")
    runs = read_json(report)["runs"]
    check([r["script"] for r in runs] == ["Innkeeper smoke", "Blacksmith smoke",
                                          "Starship smoke"], "runs not reported in order")
    check(all(r["passed"] for r in runs), "a run did not pass")
    sessions = {}
    for number, session in session_ids(report):
        sessions.setdefault(session, set()).add(number)
    check(all(len(numbers) == 1 for numbers in sessions.values()),
          f"two runs shared a session: {sessions}")
    check(len(sessions) == 4, f"expected 4 sessions (one new_session), got {len(sessions)}")


def test_jobs_do_not_wait_for_each_other():
    """Two slow characters do not hold up a third run: each job has connections of its own."""
    slow = [script(f"slow-{n}.json", {"name": f"Slow {n}", "character": "demo-mira",
                                      "steps": [{"say": "Hello [demo:delay=3000]"}]})
            for n in (1, 2)]
    fast = script("fast.json", {"name": "Fast", "character": "demo-borin",
                                "steps": [{"say": "I need a sword"}]})
    result = run("--jobs", "3", *slow, fast)
    expect_exit(result, 0, "run --jobs 3 with slow replies")
    lines = [line for line in result.stdout.splitlines() if line.startswith("PASS ")]
    check(len(lines) == 3 and lines[0].startswith("PASS fast.json"),
          "the fast run waited for the slow ones", result)


def test_repeat():
    report = work_file("repeat.json")
    junit = work_file("repeat.xml")
    result = run("--repeat", "3", "--jobs", "2", "--json", report, "--junit", junit, STARSHIP)
    expect_exit(result, 0, "run --repeat 3")
    runs = read_json(report)["runs"]
    check([(r["run"], r["repeat"]) for r in runs] == [(1, 1), (2, 2), (3, 3)],
          f"runs: {[(r['run'], r['repeat']) for r in runs]}")
    check(len({session for _, session in session_ids(report)}) == 3,
          "repeats shared a session")
    names = [suite.get("name") for suite in ElementTree.parse(junit).getroot()]
    check(names == ["Starship smoke (run 1)", "Starship smoke (run 2)",
                    "Starship smoke (run 3)"], f"suite names: {names}")
    check("3 script runs, 3 steps: 3 passed, 0 failed" in result.stdout, "summary", result)


def test_shards_split_the_scripts():
    scripts = [INNKEEPER, BLACKSMITH, STARSHIP, MOOD_BROKEN]
    seen = []
    for shard in ("1/2", "2/2"):
        report = work_file(f"shard-{shard[0]}.json")
        result = run("--shard", shard, "--json", report, *scripts)
        check(result.returncode in (0, 1), f"shard {shard} failed", result)
        seen.append([r["file"] for r in read_json(report)["runs"]])
    check(seen[0] == ["run-innkeeper.json", "run-starship.json"]
          and seen[1] == ["run-blacksmith.json", "run-mood-broken.json"],
          f"shards: {seen}")
    result = run("--shard", "1/1", "--json", work_file("shard-all.json"), *scripts)
    check(len(read_json(work_file("shard-all.json"))["runs"]) == 4, "1/1 is not everything",
          result)


TESTS = [(name[len("test_"):], function) for name, function in list(globals().items())
         if name.startswith("test_") and callable(function)]


def main():
    global demo
    servers = start_demo_servers(())
    if servers is None:
        return 1
    (demo,) = servers
    return run_tests_with_servers(TESTS, servers)

if __name__ == "__main__":
    sys.exit(main())
