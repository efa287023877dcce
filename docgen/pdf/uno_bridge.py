"""The UNO side of the warm converter; run by a Python that has LibreOffice's `uno`.

docgen's own Python usually cannot import `uno` (Debian's python3-uno belongs
to the system Python, LibreOffice's installers bring their own Python), so
this small program, which imports nothing of docgen, is run by that Python.
(Its imports of `uno` are inside the functions so that docgen's own tests can import
this module.) It connects to one running soffice and converts documents on request: one JSON
line in on standard input ({"in": docx path, "out": pdf path}), one JSON line
out ({"ok": true} or {"error": "...", "lost": bool}). When standard input
closes (docgen ended, or was killed), it kills the office's process group, so
that no LibreOffice outlives the process that wanted it.

    python3 uno_bridge.py ADDRESS OFFICE_PID START_TIMEOUT
"""

import contextlib
import json
import os
import signal
import sys
import time

NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
NO_UPDATE = 0  # com.sun.star.document.UpdateDocMode.NO_UPDATE


def _prop(name, value):
    import uno  # type: ignore[import-not-found]  # noqa: F401
    from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _say(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _connect(address, deadline):
    import uno  # type: ignore[import-not-found]
    from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    while True:
        try:
            context = resolver.resolve(f"uno:{address};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", context
            )
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _convert(desktop, source, target):
    import uno  # type: ignore[import-not-found]

    options = (
        _prop("Hidden", True),
        _prop("ReadOnly", True),
        _prop("MacroExecutionMode", NEVER_EXECUTE),
        _prop("UpdateDocMode", NO_UPDATE),
    )
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, options)
    if document is None:
        raise RuntimeError("LibreOffice could not open it")
    try:
        export = (_prop("FilterName", "writer_pdf_Export"),)
        document.storeToURL(uno.systemPathToFileUrl(target), export)
    finally:
        try:
            document.close(True)
        except Exception:
            document.dispose()


def _kill_office(pid):
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)


def main(address, start_timeout):
    """Connect, say so, then convert until standard input closes or the office is lost."""
    import uno  # type: ignore[import-not-found]  # noqa: F401  (makes com.sun.star importable)
    from com.sun.star.lang import DisposedException  # type: ignore[import-not-found]

    try:
        desktop = _connect(address, time.monotonic() + start_timeout)
    except Exception as exc:
        _say({"error": f"cannot connect to LibreOffice: {exc}", "lost": True})
        return
    _say({"ready": True})
    for line in sys.stdin:
        request = json.loads(line)
        try:
            _convert(desktop, request["in"], request["out"])
        except DisposedException as exc:
            _say({"error": f"LibreOffice stopped: {exc.Message or exc}", "lost": True})
            return
        except Exception as exc:
            message = getattr(exc, "Message", "") or str(exc) or type(exc).__name__
            _say({"error": message, "lost": False})
        else:
            _say({"ok": True})


if __name__ == "__main__":
    pid = int(sys.argv[2])
    try:
        main(sys.argv[1], float(sys.argv[3]))
    finally:
        _kill_office(pid)
