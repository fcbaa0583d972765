"""Expectation lines in rule examples: where a caret points, what message it gives, what the linted file is."""

from __future__ import annotations

from svclint.core.examples import Expected, read_expectations

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  #     ^ LoadBalancer Service web is not internal: annotate it with
  #       networking.gke.io/load-balancer-type: Internal
  ports:
  - port: 443
    nodePort: 80
    #         ^ first
    #         ^ second
"""


def test_a_caret_gives_the_column_and_its_continued_message() -> None:
    example = read_expectations(SERVICE)
    assert example.expected == (
        Expected(
            6,
            9,
            "LoadBalancer Service web is not internal: annotate it with networking.gke.io/load-balancer-type: Internal",
        ),
        Expected(9, 15, "first"),
        Expected(9, 15, "second"),
    )


def test_expectation_lines_are_no_part_of_the_linted_file() -> None:
    text = read_expectations(SERVICE).text
    assert "^" not in text and "Internal" not in text
    assert text.splitlines()[5:] == ["  type: LoadBalancer", "  ports:", "  - port: 443", "    nodePort: 80"]


def test_column_one_is_written_without_a_comment_sign() -> None:
    example = read_expectations("apiVersion: v1\nkind: Service\n^ kind is wrong: it\n# goes on\nmetadata: {}\n")
    assert example.expected == (Expected(2, 1, "kind is wrong: it goes on"),)
    assert example.text == "apiVersion: v1\nkind: Service\nmetadata: {}\n"


def test_a_comment_not_aligned_with_the_message_stays_in_the_file() -> None:
    text = "a: 1\n#  ^ message\n# an ordinary comment\nb: 2\n"
    example = read_expectations(text)
    assert example.expected == (Expected(1, 4, "message"),)
    assert example.text == "a: 1\n# an ordinary comment\nb: 2\n"


def test_the_line_marker_expects_a_line_only() -> None:
    example = read_expectations("a: 1\nb: 2   # <-\n")
    assert example.expected == (Expected(2),)
    assert not example.expected[0].complete
    assert example.text == "a: 1\nb: 2   # <-\n"


def test_a_caret_on_the_first_line_points_at_nothing_and_stays() -> None:
    example = read_expectations("# ^ not an expectation\na: 1\n")
    assert example.expected == ()
    assert example.text == "# ^ not an expectation\na: 1\n"
