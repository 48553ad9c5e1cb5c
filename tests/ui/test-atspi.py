#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The real app binary, driven over AT-SPI the way a screen reader and its user would.

Starts an accessibility bus inside the D-Bus session the suite runs in (build-aux/test.sh runs
it under dbus-run-session and xvfb-run), launches $PLAYTEST_APP --demo with a fresh data and
config directory, then finds the main controls by the accessible names issue 3 mandates, types
a line into Message, presses Send and checks what the conversation, the character state panel,
the narrative timeline and the session label expose. Prints TAP.

Needs Debian's python3-pyatspi, hence /usr/bin/python3; not being able to import it is a failure,
not a skip: build-aux/setup.sh installs it. With PLAYTEST_SCREENSHOT_DIR set, it saves a picture
of the screen after the reply (atspi.png).
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
TIMEOUT = 60  # seconds; generous, only there so that a broken run ends
LINE = "Have you seen a ring?"
# Words from Mira's answer about the ring that are not in the line the test sends.
REPLY_WORDS = ("mother", "blue stone")

test_number = 0


def emit(line):
    print(line, flush=True)


def diag(text):
    for line in str(text).splitlines() or [""]:
        emit("# " + line)


def ok(description):
    global test_number
    test_number += 1
    emit(f"ok {test_number} - {description}")


class Failure(Exception):
    pass


def wait_for(what, probe, timeout=TIMEOUT):
    """Polls probe() until it returns something true; returns that, or raises Failure."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = probe()
            if value:
                return value
        except Exception as error:  # AT-SPI calls fail while objects come and go
            last_error = error
        if time.monotonic() > deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            raise Failure(f"timed out after {timeout} s waiting for {what}{detail}")
        time.sleep(0.1)


try:
    import gi

    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi, Gio, GLib
    import pyatspi
except Exception as error:  # ImportError, or a typelib that is missing
    emit("1..1")
    emit(f"not ok 1 - import pyatspi with {sys.executable}: {error}")
    diag("build-aux/setup.sh --tests installs python3-pyatspi; run this with /usr/bin/python3")
    sys.exit(1)


# The accessibility bus ---------------------------------------------------------------------


def a11y_bus_address():
    """The address org.a11y.Bus hands out on the session bus, or None while there is none."""
    session = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    owner = session.call_sync(
        "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "NameHasOwner", GLib.Variant("(s)", ("org.a11y.Bus",)), GLib.VariantType("(b)"),
        Gio.DBusCallFlags.NONE, 5000, None)
    if not owner.unpack()[0]:
        return None
    reply = session.call_sync(
        "org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress", None,
        GLib.VariantType("(s)"), Gio.DBusCallFlags.NO_AUTO_START, 5000, None)
    return reply.unpack()[0] or None


def registry_pid(address):
    """The process id of the registry daemon the accessibility bus started."""
    bus = Gio.DBusConnection.new_for_address_sync(
        address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
        | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
    try:
        reply = bus.call_sync(
            "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
            "GetConnectionUnixProcessID", GLib.Variant("(s)", ("org.a11y.atspi.Registry",)),
            GLib.VariantType("(u)"), Gio.DBusCallFlags.NONE, 5000, None)
        return reply.unpack()[0]
    finally:
        bus.close_sync(None)


class A11yBus:
    """An accessibility bus of our own: at-spi-bus-launcher, and the registry daemon its bus
    starts, both ended by process id when the test is over. Their output goes to a log file:
    a daemon that outlives the test must not hold the TAP pipe open."""

    def __init__(self):
        self.launcher = None
        self.registry = None

    def start(self, directory, log):
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            raise Failure("no D-Bus session (run under dbus-run-session, as build-aux/test.sh "
                          "does)")
        if a11y_bus_address() is None:
            # Its socket goes in a runtime directory of ours, which the test removes.
            runtime = os.path.join(directory, "runtime")
            os.mkdir(runtime, 0o700)
            self.launcher = subprocess.Popen([LAUNCHER, "--launch-immediately"],
                                             env=dict(os.environ, XDG_RUNTIME_DIR=runtime),
                                             stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        else:
            diag("the session already has an accessibility bus; using it")
        address = wait_for("the accessibility bus", a11y_bus_address)
        diag(f"accessibility bus: {address}")
        # The first call makes the bus start the registry daemon.
        wait_for("the AT-SPI registry",
                 lambda: pyatspi.Registry.getDesktop(0).getRoleName() == "desktop frame")
        if self.launcher is not None:
            self.registry = registry_pid(address)

    def stop(self):
        stop(self.launcher, "at-spi-bus-launcher")
        if self.registry:
            # Its bus is gone, but it would linger on the session bus.
            try:
                os.kill(self.registry, signal.SIGTERM)
            except ProcessLookupError:
                pass


def stop(process, name):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        diag(f"{name} did not end on SIGTERM; killing it")
        process.kill()
        process.wait()


# Finding things ----------------------------------------------------------------------------


def children(accessible):
    result = []
    for i in range(accessible.childCount):
        child = accessible.getChildAtIndex(i)
        if child is not None:
            result.append(child)
    return result


def descendants(accessible):
    stack = [accessible]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))


def text_of(accessible):
    """The Text interface's text, or None. (GTK 4.8 answers getText(0, -1) with nothing.)"""
    try:
        text = accessible.queryText()
    except NotImplementedError:
        return None
    return text.getText(0, text.characterCount)


def find_named(root, name, role=None):
    """The one visible descendant of root with this exact accessible name (and role).
    GTK 4.8 sets no "showing" state, only "visible"."""
    found = [node for node in descendants(root)
             if node.name == name and (role is None or node.getRoleName() == role)
             and node.getState().contains(pyatspi.STATE_VISIBLE)]
    if len(found) > 1:
        raise Failure(f"{len(found)} visible objects are named {name!r}")
    return found[0] if found else None


def find_application(pid):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in children(desktop):
        if app.name == "convai-playtest" and app.get_process_id() == pid:
            # GTK 4 has no AT-SPI cache interface: ask the app every time, never a stale copy.
            app.set_cache_mask(Atspi.Cache.NONE)
            return app
    return None


def dump(root, limit=400):
    """The tree under root, for the log when something is not where it should be."""
    lines = []

    def walk(node, depth):
        if len(lines) >= limit:
            return
        lines.append("  " * depth + f"[{node.getRoleName()}] {node.name!r}"
                     + (f" desc={node.description!r}" if node.description else "")
                     + (f" text={text[:60]!r}" if (text := text_of(node)) not in (None, node.name)
                        else ""))
        for child in children(node):
            walk(child, depth + 1)

    try:
        walk(root, 0)
    except Exception as error:
        lines.append(f"(tree changed while dumping it: {error})")
    return "\n".join(lines)


def screenshot(directory, name):
    path = os.path.join(directory, name)
    try:
        result = subprocess.run(["import", "-window", "root", path], capture_output=True,
                                text=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as error:
        diag(f"could not take a screenshot: {error}")
        return
    if result.returncode == 0:
        diag(f"screenshot: {path}")
    else:
        diag(f"could not take a screenshot ({result.returncode}): {result.stderr.strip()}")


# The test ----------------------------------------------------------------------------------


def app_environment(directory):
    env = dict(os.environ)
    for name in ("NO_AT_BRIDGE", "GTK_A11Y", "AT_SPI_BUS_ADDRESS"):
        env.pop(name, None)
    env.update({
        "XDG_DATA_HOME": os.path.join(directory, "data"),
        "XDG_CONFIG_HOME": os.path.join(directory, "config"),
        "XDG_CACHE_HOME": os.path.join(directory, "cache"),
        "GSETTINGS_BACKEND": "memory",
        "CONVAI_API_KEY": "",
    })
    if "GSETTINGS_SCHEMA_DIR" in os.environ:
        env["GSETTINGS_SCHEMA_DIR"] = os.environ["GSETTINGS_SCHEMA_DIR"]
    return env


def session_label(app):
    """The label beside the Copy Session ID button: the session id, or "New session"."""
    copy = find_named(app, "Copy Session ID", "push button")
    if copy is None:
        return None
    labels = [child for child in children(copy.parent) if child.getRoleName() == "label"]
    return labels[0] if len(labels) == 1 else None


def run(app_process):
    app = wait_for("the app on the accessibility bus", lambda: find_application(app_process.pid))
    ok("the app appears on the accessibility bus as convai-playtest")

    controls = {}
    for name, role in (("Message", "text"), ("Send", "push button"), ("Character", "combo box"),
                       ("New Session", "push button"), ("Conversation", "list"),
                       ("Emotion", "label"), ("Action", "label"),
                       ("Narrative timeline", None)):
        controls[name] = wait_for(f"a visible {role or 'object'} named {name!r}",
                                  lambda: find_named(app, name, role))
    ok("Message, Send, Character, New Session, Conversation, Emotion, Action and Narrative "
       "timeline are exposed by those names")

    label = wait_for("the session label", lambda: session_label(app))
    if label.name != "New session":
        raise Failure(f"a fresh app shows session {label.name!r}, not 'New session'")
    emotion = controls["Emotion"]
    before = (emotion.description, text_of(emotion))
    if "sadness" in " ".join(filter(None, before)).lower():
        raise Failure(f"Emotion reads {before!r} before any reply")
    ok(f"a fresh app shows a new session and no emotion ({emotion.description!r})")

    message = controls["Message"]
    message.queryEditableText().insertText(0, LINE, len(LINE))
    wait_for("the typed line in Message", lambda: text_of(message) == LINE, timeout=10)
    ok("a line typed into Message through EditableText reads back")

    send = controls["Send"]
    wait_for("Send to become sensitive", lambda: send.getState().contains(pyatspi.STATE_SENSITIVE),
             timeout=10)
    send.queryAction().doAction(0)

    def reply_row():
        for node in descendants(controls["Conversation"]):
            said = f"{node.name} {text_of(node) or ''}".lower()
            if all(word in said for word in REPLY_WORDS):
                return node
        return None

    row = wait_for("Mira's reply in the Conversation", reply_row)
    ok(f"Send gets Mira's reply into the Conversation ({row.getRoleName()} {row.name[:40]!r}…)")
    wait_for(f"the line sent, {LINE!r}, in the Conversation",
             lambda: any(node.name == LINE for node in descendants(controls["Conversation"])),
             timeout=10)
    ok("the Conversation shows the line sent too")
    wait_for("Message to be emptied", lambda: text_of(message) == "", timeout=10)
    ok("Message is empty again once the line is sent")

    def sad():
        said = " ".join((emotion.name, emotion.description, text_of(emotion) or "")).lower()
        return "sadness" in said and (emotion.description, text_of(emotion)) != before

    wait_for("Emotion to read sadness", sad)
    ok(f"Emotion reads {emotion.description!r} after the reply (was {before[0]!r})")

    action = controls["Action"]
    wait_for("Action to name the sigh", lambda: "sigh" in action.description.lower())
    ok(f"Action reads {action.description!r}")

    timeline = controls["Narrative timeline"]
    wait_for("a timeline segment named 'The Lost Ring'",
             lambda: any(node.name == "The Lost Ring" for node in descendants(timeline)
                         if node is not timeline))
    ok("the Narrative timeline has a segment named 'The Lost Ring'")

    wait_for("the session label to show the session id",
             lambda: label.name not in ("", "New session"))
    ok(f"the session label shows the session id ({label.name!r})")

    if os.environ.get("PLAYTEST_SCREENSHOT_DIR"):
        screenshot(os.environ["PLAYTEST_SCREENSHOT_DIR"], "atspi.png")

    controls["New Session"].queryAction().doAction(0)
    wait_for("the session label to read 'New session'", lambda: label.name == "New session")
    ok("New Session resets the session label to 'New session'")

    close = wait_for("the window's Close button", lambda: find_named(app, "Close", "push button"),
                     timeout=10)
    close.queryAction().doAction(0)
    wait_for("the app to quit", lambda: app_process.poll() is not None)
    if app_process.returncode != 0:
        raise Failure(f"the app exited with status {app_process.returncode}")
    ok("closing the window with its Close button quits the app with status 0")


# A script the demo answers one step as expected and one not: Mira greets with joy, and pours
# a drink with joy too where the script expects sadness.
SCRIPT = """{"name": "AT-SPI smoke", "character": "demo-mira", "steps": [
  {"say": "Hello there!", "expect": {"emotion": "joy"}},
  {"say": "Can I get a drink?", "expect": {"emotion": "sadness"}}]}"""


SECOND_SCRIPT = """{"name": "AT-SPI second", "character": "demo-mira",
  "steps": [{"say": "Good evening"}]}"""


def hand_over_script(app_binary, directory, log, steps):
    """A second start with --script hands the script to the app that runs, then exits."""
    second = os.path.join(directory, "second.json")
    with open(second, "w") as file:
        file.write(SECOND_SCRIPT)
    starter = subprocess.Popen([app_binary, "--script", second], env=app_environment(directory),
                               stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    wait_for("the second start to exit", lambda: starter.poll() is not None, timeout=10)
    if starter.returncode != 0:
        raise Failure(f"the second start exited with status {starter.returncode}")
    wait_for("the running app to show the second script's one step", lambda: len(steps()) == 1)
    ok("a second start with --script opens the script in the window that runs, and exits 0")


def run_script(app_process, app_binary, directory, log):
    """--script FILE opens the script pane; Run Script turns its steps green and red."""
    app = wait_for("the app with a script on the accessibility bus",
                   lambda: find_application(app_process.pid))
    controls = {}
    for name, role in (("Open Script", "push button"), ("Run Script", "push button"),
                       ("Script Steps", "list")):
        controls[name] = wait_for(f"a visible {role} named {name!r}",
                                  lambda: find_named(app, name, role))
    ok("--script opens the script pane: Open Script, Run Script and Script Steps are exposed")

    def steps():
        return [node for node in children(controls["Script Steps"])
                if node.name.startswith("Step ")]

    rows = wait_for("two steps in Script Steps", lambda: len(steps()) == 2 and steps())
    if [row.description for row in rows] != ["Not run yet"] * 2:
        raise Failure(f"the steps read {[row.description for row in rows]!r} before a run")
    ok(f"the steps are listed by name ({rows[0].name!r}), not run yet")

    controls["Run Script"].queryAction().doAction(0)
    wait_for("the run to end with one step passed and one failed",
             lambda: [row.description for row in steps()] == ["Passed", "Failed"])
    ok("Run Script runs them: the first step reads 'Passed', the second 'Failed'")

    hand_over_script(app_binary, directory, log, steps)

    close = wait_for("the window's Close button", lambda: find_named(app, "Close", "push button"),
                     timeout=10)
    close.queryAction().doAction(0)
    wait_for("the app to quit", lambda: app_process.poll() is not None)


def main():
    a11y_bus = None
    app_process = None
    directory = tempfile.mkdtemp(prefix="playtest-atspi-")
    log_path = os.path.join(directory, "output.log")
    log = open(log_path, "w")
    status = 0
    try:
        a11y_bus = A11yBus()
        a11y_bus.start(directory, log)
        ok("an accessibility bus and its registry answer")
        app_binary = os.environ.get("PLAYTEST_APP")
        if not app_binary:
            raise Failure("PLAYTEST_APP is not set (meson sets it in test_env)")
        app_process = subprocess.Popen([app_binary, "--demo"], env=app_environment(directory),
                                       stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        run(app_process)

        script = os.path.join(directory, "smoke.json")
        with open(script, "w") as file:
            file.write(SCRIPT)
        app_process = subprocess.Popen([app_binary, "--demo", "--script", script],
                                       env=app_environment(directory),
                                       stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        run_script(app_process, app_binary, directory, log)
    except Exception as error:
        status = 1
        emit(f"not ok {test_number + 1} - {error if isinstance(error, Failure) else 'error'}")
        if not isinstance(error, Failure):
            diag(traceback.format_exc())
        try:
            found = app_process and find_application(app_process.pid)
            if found:
                diag("what the app exposes:\n" + dump(found))
        except Exception as dump_error:
            diag(f"could not dump the app's tree: {dump_error}")
    finally:
        stop(app_process, "the app")
        if a11y_bus is not None:
            a11y_bus.stop()
        log.close()
        with open(log_path) as output:
            text = output.read().strip()
        if text:
            diag("what the app and the AT-SPI daemons printed:\n" + text)
        shutil.rmtree(directory, ignore_errors=True)
    emit(f"1..{test_number + status}")
    return status


if __name__ == "__main__":
    sys.exit(main())
