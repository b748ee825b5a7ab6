"""Random option values on the command line: never a traceback, only exit status 0 or 2."""

from __future__ import annotations

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from walkcoach.cli import cli

_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                max_size=12)
_NUMBERS = st.one_of(st.integers(-1000, 1000).map(str),
                     st.floats(allow_nan=True, allow_infinity=True).map(str), _TEXT)
_TIMES = st.one_of(st.sampled_from(["1:00", "0:30", "90", "2", "0:05", "61:00", "1:5", ":"]),
                   _NUMBERS)
_OPTIONS = {
    "--minutes": _NUMBERS,
    "--level": st.one_of(st.sampled_from(["beginner", "advanced", "expert"]), _TEXT),
    "--setting": st.one_of(st.sampled_from(["floor", "treadmill", "pool"]), _TEXT),
    "--intervals": st.one_of(st.sampled_from(["2x0:30/0:20", "3x45", "200x30/30", "x",
                                              "2x0:05/0:05", "0x1:00"]), _TEXT),
    "--warmup": _TIMES,
    "--cooldown": _TIMES,
    "--recovery": st.one_of(st.sampled_from(["walking-forward", "standing-rest", "nope",
                                             "walking-backwards"]), _TEXT),
    "--rate": _NUMBERS,
    "--seed": _NUMBERS,
    "--intro": st.one_of(st.sampled_from(["full", "short", "medium"]), _TEXT),
    # Names reach the voice: random Unicode in spoken text has its own test with the real
    # engines (test_speak_or_refuse.py); here a name is plain, so this test stays about options.
    "--client": st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ.-'", max_size=12),
}


@st.composite
def _arguments(draw: st.DrawFn) -> list[str]:
    chosen = draw(st.lists(st.sampled_from(sorted(_OPTIONS)), unique=True, max_size=4))
    args = []
    for option in chosen:
        args += [option, draw(_OPTIONS[option])]
    return args


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arguments=_arguments())
def test_random_options_never_raise(arguments: list[str]) -> None:
    result = CliRunner().invoke(cli, ["script", "--voice", "system", *arguments])
    assert result.exit_code in (0, 2), (arguments, result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("walkcoach: error: "), lines
