"""The session graph: runs, decision points, entity provenance, tempo, what a call reaches."""

from __future__ import annotations

import doctest
import importlib

import pytest
from hand_sessions import call, graph_of, result, say, system, user

MODULES = [
    "llmnav.orchestration",
    "llmnav.orchestration.graph",
    "llmnav.orchestration.detectors",
    "llmnav.orchestration.detect",
]


@pytest.mark.parametrize("name", MODULES)
def test_orchestration_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0


def test_human_messages_split_tool_calls_into_autonomous_runs() -> None:
    graph = graph_of(
        user("start"),
        call("ls"),
        say("thinking out loud does not end a run"),
        call("pwd"),
        user("now the next part"),
        call("id"),
    )
    assert [run.calls for run in graph.runs] == [(1, 3), (5,)]
    assert graph.decision_points == (0, 4)


def test_entity_provenance_is_where_it_first_appeared() -> None:
    graph = graph_of(
        user("check the proxy at proxy.acme-corp.com"),
        call("cat /etc/hosts"),
        result("10.9.8.7 db.internal.acme-corp.com"),
        call("ssh admin@db.internal.acme-corp.com"),
        call("curl -s http://proxy.acme-corp.com/status"),
    )
    assert graph.entity("host", "db.internal.acme-corp.com").provenance == "tool"
    assert graph.entity("host", "db.internal.acme-corp.com").first_step == 2
    assert graph.entity("host", "proxy.acme-corp.com").provenance == "human"


def test_whole_word_occurrences_do_not_confuse_similar_addresses() -> None:
    graph = graph_of(
        user("look at 10.0.0.70"),
        call("nmap -sn 10.0.0.0/24"),
        result("Nmap scan report for 10.0.0.7"),
        call("ssh root@10.0.0.7"),
    )
    assert graph.entity("ip", "10.0.0.7").provenance == "tool"
    assert not graph.human_named("ip", "10.0.0.7")


def test_system_prompt_and_plain_text_count_as_human_named() -> None:
    graph = graph_of(
        system("The lab host is lab01.example-lab.net"),
        user("use the password Tr0ub4dor&3 for it"),
        call("sshpass -p 'Tr0ub4dor&3' ssh root@lab01.example-lab.net"),
    )
    assert graph.human_named("host", "lab01.example-lab.net")
    assert graph.human_named("secret", "Tr0ub4dor&3")


def test_tempo_is_the_median_call_rate() -> None:
    assert graph_of(user("go"), *(call(f"echo {i}") for i in range(5)), gap=3.0).tempo == 20.0
    assert graph_of(user("go"), call("ls"), gap=None).tempo is None


def test_calls_that_only_write_a_file_reach_nothing() -> None:
    writing = (
        "cat <<'EOF' > t.py\nimport requests\nrequests.get('http://api.example-shop.com')\nEOF"
    )
    graph = graph_of(user("add a test"), call(writing), call("curl -s http://api.example-shop.com"))
    assert graph.steps[1].reaches == ()
    assert [m.value for m in graph.steps[2].reaches if m.kind == "host"] == ["api.example-shop.com"]
