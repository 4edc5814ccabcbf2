"""The keywords of the grammar (tests keep this list equal to the keywords of dsl/mission.lark).

Keywords are contextual, so most names may still be keywords (a dock called `dock` is fine); a
task, however, is called where statements start, so a task named like a keyword could never be
called and the checker refuses it.
"""

from __future__ import annotations

__all__ = ["KEYWORDS"]

KEYWORDS: frozenset[str] = frozenset({
    "import", "mission", "robot", "world", "bounds", "to", "waypoint", "at", "station", "dock",
    "victim", "payload", "area", "terrain", "intruder", "path", "route", "task", "main",
    "require", "loop", "speed", "on", "failure", "polygon", "circle", "radius", "rect", "else",
    "laps", "sequence", "fallback", "parallel", "all", "any", "repeat", "forever", "retry",
    "timeout", "if", "guard", "wait", "go", "follow", "search", "for", "scan", "report", "alert",
    "pick", "up", "drop", "off", "charge", "until", "stand", "sit", "set", "gait", "succeed",
    "fail", "or", "and", "not", "distance", "is", "true", "false",
})
