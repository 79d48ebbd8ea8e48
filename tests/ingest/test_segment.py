"""Segmentation of a session's events into mappable actions."""

from __future__ import annotations

from llmnav.ingest.segment import code_blocks, command_of, segment_session
from llmnav.records import Event


def event(seq: int, role: str, kind: str = "message", text: str = "", **kw: object) -> Event:
    return Event(f"e{seq}", "actor", "s", seq, role, kind, text, **kw)  # type: ignore[arg-type]


def test_segment_user_message_is_one_request() -> None:
    (action,) = segment_session([event(0, "user", text="  scan the subnet  ")])
    assert (action.kind, action.text, action.event_ids) == ("request", "scan the subnet", ("e0",))


def test_segment_skips_empty_user_messages_and_system_prompts() -> None:
    assert segment_session([event(0, "user", text="   "), event(1, "system", text="be nice")]) == []


def test_segment_each_code_block_is_one_action_with_its_language() -> None:
    answer = "Here:\n```python\nimport os\n```\nthen\n~~~\nwhoami\n~~~\nand ```inline``` text"
    actions = segment_session([event(0, "assistant", text=answer)])
    assert [(a.kind, a.language, a.text) for a in actions] == [
        ("code", "python", "import os"),
        ("code", None, "whoami"),
    ]
    assert actions[0].action_id != actions[1].action_id


def test_segment_tool_call_gets_result_by_call_id() -> None:
    actions = segment_session(
        [
            event(0, "assistant", "tool_call", tool_name="sh", tool_input="id", call_id="b"),
            event(1, "assistant", "tool_call", tool_name="sh", tool_input="pwd", call_id="a"),
            event(2, "tool", "tool_result", "/root", call_id="a"),
            event(3, "tool", "tool_result", "uid=0", call_id="b"),
        ]
    )
    assert [(a.text, a.result, a.event_ids) for a in actions] == [
        ("id", "uid=0", ("e0", "e3")),
        ("pwd", "/root", ("e1", "e2")),
    ]


def test_segment_tool_call_without_ids_takes_the_next_result() -> None:
    actions = segment_session(
        [
            event(0, "assistant", "tool_call", tool_name="bash", tool_input="ls"),
            event(1, "tool", "tool_result", "a.txt"),
            event(2, "assistant", "tool_call", tool_name="bash", tool_input="cat a.txt"),
        ]
    )
    assert [(a.text, a.result) for a in actions] == [("ls", "a.txt"), ("cat a.txt", None)]


def test_segment_code_block_that_the_agent_ran_is_not_counted_twice() -> None:
    actions = segment_session(
        [
            event(0, "assistant", text="THOUGHT: test\n```bash\npytest -q\n```"),
            event(1, "assistant", "tool_call", tool_name="bash", tool_input="pytest -q"),
        ]
    )
    assert [a.kind for a in actions] == ["tool_call"]


def test_command_of_reads_common_json_tool_inputs() -> None:
    assert command_of('{"command": "nmap -sS 10.0.0.1"}') == "nmap -sS 10.0.0.1"
    assert command_of('{"cmd": ["curl", "-s", "http://x"]}') == "curl -s http://x"
    assert command_of('{"path": "/etc/shadow"}') == '{"path": "/etc/shadow"}'
    assert command_of('"echo hi"') == "echo hi"
    assert command_of("{not json") == "{not json"
    assert command_of(None) == ""


def test_code_blocks_ignores_empty_and_unclosed_fences() -> None:
    assert code_blocks("```\n\n```") == []
    assert code_blocks("```bash\nls\n") == []
